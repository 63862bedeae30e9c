package org.mednext.train.augment;

import java.util.SplittableRandom;
import org.mednext.train.sampling.Patch;
import org.mednext.util.Checks;
import org.mednext.util.Parallel;

/**
 * batchgeneratorsv2 {@code GaussianBlurTransform} as nnU-Net configures it (§D.7 row 3; applied with p = 0.2):
 * each channel with probability 0.5, one sigma ~ U(0.5, 1) per channel and axis, blurred axis by axis with a
 * normalized Gaussian of odd length nearest to {@code 6 sigma + 0.5}, the borders reflected ("reflect": the edge
 * voxel is not repeated). 2D configurations blur only a1 and a2.
 */
public final class GaussianBlur implements Transform {

  /** Probability of blurring each channel. */
  public static final double P_PER_CHANNEL = 0.5;
  /** Sigma range in voxels. */
  public static final double MIN_SIGMA = 0.5;
  /** Sigma range in voxels. */
  public static final double MAX_SIGMA = 1.0;

  private final int[] axes;
  private final int threads;

  /** Blurs along {@code axes} (0, 1, 2 for volumes and dummy 2D, 1, 2 for 2D) on {@code threads} threads. */
  public GaussianBlur(int[] axes, int threads) {
    Checks.argument(threads >= 1, "thread count must be >= 1, got %d", threads);
    for (int a : axes) Checks.argument(a >= 0 && a < 3, "blur axes must be 0, 1 or 2, got %d", a);
    this.axes = axes.clone();
    this.threads = threads;
  }

  @Override
  public Patch apply(Patch patch, SplittableRandom random) {
    boolean[] chosen = new boolean[patch.channels()];
    for (int c = 0; c < chosen.length; c++) chosen[c] = random.nextDouble() < P_PER_CHANNEL;
    for (int c = 0; c < chosen.length; c++) {
      if (!chosen[c]) continue;
      double[] sigmas = new double[axes.length];
      for (int i = 0; i < axes.length; i++) sigmas[i] = Ranges.uniform(random, MIN_SIGMA, MAX_SIGMA);
      for (int i = 0; i < axes.length; i++) blur(patch.data()[c], patch.shape(), axes[i], sigmas[i], threads);
    }
    return patch;
  }

  /** Kernel length: the odd integer nearest to {@code 6 sigma + 0.5} ({@code _round_to_nearest_odd}). */
  static int kernelSize(double sigma) {
    double n = sigma * 6 + 0.5;
    long rounded = (long) Math.rint(n);
    if (Math.floorMod(rounded, 2) == 1) return (int) rounded;
    return (int) (n - rounded >= 0 ? rounded + 1 : rounded - 1);
  }

  /** The normalized kernel, computed in float32 like torch ({@code exp(-0.5 (x / sigma)^2) / sum}). */
  static float[] kernel(double sigma) {
    int size = kernelSize(sigma);
    float half = (size - 1) * 0.5f;
    float s = (float) sigma;
    float[] k = new float[size];
    float sum = 0;
    for (int i = 0; i < size; i++) {
      float x = (i - half) / s;
      k[i] = (float) Math.exp(-0.5f * (x * x));
      sum += k[i];
    }
    for (int i = 0; i < size; i++) k[i] /= sum;
    return k;
  }

  /** Blurs one channel (C order, {@code shape}) along {@code axis} in place. */
  static void blur(float[] channel, int[] shape, int axis, double sigma, int threads) {
    float[] k = kernel(sigma);
    int h = k.length / 2;
    int len = shape[axis];
    int inner = axis == 0 ? shape[1] * shape[2] : axis == 1 ? shape[2] : 1;
    int outer = channel.length / (len * inner);
    float[] result = new float[channel.length];
    int[][] taps = new int[len][k.length];
    for (int i = 0; i < len; i++) for (int t = 0; t < k.length; t++) taps[i][t] = reflect(i - h + t, len);
    // one task per output row (outer index o, position i along the axis), vectorized over the inner axes
    Parallel.forRanges(outer * len, threads, Math.max(1, 4096 / inner), (from, to) -> {
      for (int r = from; r < to; r++) {
        int o = r / len;
        int i = r % len;
        int dst = (o * len + i) * inner;
        for (int t = 0; t < k.length; t++) {
          int src = (o * len + taps[i][t]) * inner;
          float w = k[t];
          for (int v = 0; v < inner; v++) result[dst + v] += channel[src + v] * w;
        }
      }
    });
    System.arraycopy(result, 0, channel, 0, channel.length);
  }

  /** torch's "reflect" padding index for position {@code i} of an axis of length {@code n}. */
  static int reflect(int i, int n) {
    if (n == 1) return 0;
    int period = 2 * (n - 1);
    int m = Math.floorMod(i, period);
    return m < n ? m : period - m;
  }

  @Override
  public String toString() {
    return "GaussianBlur(p per channel " + P_PER_CHANNEL + ", sigma ~ U(" + MIN_SIGMA + ", " + MAX_SIGMA + "))";
  }
}
