package org.mednext.net;

/**
 * Multiply-add FLOPs (2 per multiply-accumulate) of the convolutions of one MedNeXt forward pass, for
 * benchmarks. Transposed convolutions are counted by their useful work (input voxels x kernel volume), not by the
 * zero-inserted equivalent. Norms, activations and additions are not counted.
 */
public final class FlopCount {

  private FlopCount() {}

  /** Convolution FLOPs of one forward pass of one sample of size d x h x w (each divisible by 16). */
  public static double forward(MedNeXtConfig c, long d, long h, long w) {
    double total = 2.0 * c.inChannels() * c.width() * d * h * w; // stem
    int[] r = c.expansion();
    int[] b = c.blockCounts();
    for (int l = 0; l < 4; l++) {
      double v = volume(d, h, w, l);
      int ch = c.stageWidth(l);
      total += b[l] * standard(ch, r[l], c.encoderKernel(), v);
      double vDown = volume(d, h, w, l + 1);
      int k3 = cube(c.encoderKernel());
      total += 2.0 * ch * k3 * vDown + 2.0 * ch * r[l + 1] * ch * vDown + 2.0 * r[l + 1] * ch * 2 * ch * vDown
          + 2.0 * ch * 2 * ch * vDown;
    }
    total += b[4] * standard(c.stageWidth(4), r[4], c.decoderKernel(), volume(d, h, w, 4));
    for (int l = 3; l >= 0; l--) {
      int in = c.stageWidth(l + 1);
      double vIn = volume(d, h, w, l + 1);
      double vOut = (2.0 * (d >> (l + 1)) - 1) * (2.0 * (h >> (l + 1)) - 1) * (2.0 * (w >> (l + 1)) - 1);
      int e = r[8 - l] * in;
      total += 2.0 * in * cube(c.decoderKernel()) * vIn + 2.0 * in * e * vOut + 2.0 * e * (in / 2) * vOut
          + 2.0 * in * (in / 2) * vIn;
      total += b[8 - l] * standard(c.stageWidth(l), r[8 - l], c.decoderKernel(), volume(d, h, w, l));
    }
    total += 2.0 * c.width() * c.numClasses() * d * h * w; // full-resolution head
    return total;
  }

  private static double standard(int ch, int r, int k, double v) {
    return 2.0 * ch * cube(k) * v + 2.0 * ch * r * ch * v * 2;
  }

  private static double volume(long d, long h, long w, int level) {
    return (double) (d >> level) * (h >> level) * (w >> level);
  }

  private static int cube(int k) {
    return k * k * k;
  }
}
