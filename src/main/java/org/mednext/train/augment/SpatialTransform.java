package org.mednext.train.augment;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.mednext.train.sampling.Patch;
import org.mednext.util.Checks;

/**
 * nnU-Net's spatial augmentation (batchgeneratorsv2 {@code SpatialTransform} as nnU-Net configures it;
 * NNUNET_PIPELINE_SPEC.md §D.7 row 1): from the enlarged patch, rotation with probability 0.2 (every axis its own
 * angle in {@code [-rotation, rotation]}; one in-plane angle for dummy 2D / 2D) and scaling with probability 0.2
 * (one factor in [0.7, 1.4) for all axes; a factor above 1 samples a larger region, so objects shrink), about the
 * centre of the enlarged patch, resampled to the final patch by {@link GridSampler}. When neither fires, the final
 * patch is cut from the centre without interpolation. Axis order (a0, a1, a2).
 */
public final class SpatialTransform implements Transform {

  /** Probability of rotating a sample. */
  public static final double P_ROTATION = 0.2;
  /** Probability of scaling a sample. */
  public static final double P_SCALING = 0.2;
  /** Scale factor range. */
  public static final double MIN_SCALE = 0.7;
  /** Scale factor range (exclusive upper end). */
  public static final double MAX_SCALE = 1.4;

  private final int[] patchSize;
  private final boolean inPlane;
  private final double rotation;
  private final int threads;

  /** The configuration's spatial step, resampling on {@code threads} threads. */
  public SpatialTransform(AugmentationConfig config, int threads) {
    Checks.notNull(config, "config");
    Checks.argument(threads >= 1, "thread count must be >= 1, got %d", threads);
    this.patchSize = config.patchSize();
    this.inPlane = config.inPlane();
    this.rotation = config.rotation();
    this.threads = threads;
  }

  /** The random choices for one sample: whether to rotate and scale, the angles (radians) and the factor. */
  record Draw(boolean rotate, boolean scale, double[] angles, double factor) {}

  @Override
  public Patch apply(Patch patch, SplittableRandom random) {
    Draw d = draw(random);
    if (!d.rotate() && !d.scale()) return centreCrop(patch, patchSize);
    return resample(patch, patchSize, d.angles(), d.factor(), inPlane, threads);
  }

  Draw draw(SplittableRandom random) {
    boolean rotate = random.nextDouble() < P_ROTATION;
    boolean scale = random.nextDouble() < P_SCALING;
    double[] angles = new double[3];
    if (rotate) {
      for (int d = 0; d < (inPlane ? 1 : 3); d++) angles[d] = Ranges.uniform(random, -rotation, rotation);
    }
    double factor = scale ? Ranges.uniform(random, MIN_SCALE, MAX_SCALE) : 1;
    return new Draw(rotate, scale, angles, factor);
  }

  /**
   * Resamples {@code patch} to {@code outShape} about its centre with the affine {@code Rz(angles[2]) Ry(angles[1])
   * Rx(angles[0]) * scale} acting on (a0, a1, a2) offsets (Rx rotates the a1/a2 plane, as batchgeneratorsv2's
   * {@code create_affine_matrix_3d}); in-plane, {@code R(angles[0]) * scale} on (a1, a2) offsets and axis 0 kept.
   */
  public static Patch resample(Patch patch, int[] outShape, double[] angles, double scale, boolean inPlane,
      int threads) {
    Checks.argument(angles.length == 3, "need three angles, got %d", angles.length);
    Checks.argument(scale > 0 && Double.isFinite(scale), "scale must be > 0, got %s", scale);
    float[][] affine = inPlane ? affine2d(angles[0], scale) : affine3d(angles, scale);
    return new GridSampler(patch.shape(), outShape, affine, inPlane).sample(patch, threads);
  }

  /**
   * The final patch cut from the centre of the enlarged one: start {@code floor(in / 2) - out // 2} per axis,
   * image padded with 0 and labels with -1 if it leaves the input ({@code crop_tensor}).
   */
  public static Patch centreCrop(Patch patch, int[] outShape) {
    int[] in = patch.shape();
    int n = outShape[0] * outShape[1] * outShape[2];
    float[][] data = new float[patch.channels()][n];
    short[] labels = new short[n];
    Arrays.fill(labels, GridSampler.PAD);
    int[] start = new int[3];
    for (int d = 0; d < 3; d++) start[d] = in[d] / 2 - outShape[d] / 2;
    for (int i = 0; i < outShape[0]; i++) {
      int si = start[0] + i;
      if (si < 0 || si >= in[0]) continue;
      for (int j = 0; j < outShape[1]; j++) {
        int sj = start[1] + j;
        if (sj < 0 || sj >= in[1]) continue;
        for (int k = 0; k < outShape[2]; k++) {
          int sk = start[2] + k;
          if (sk < 0 || sk >= in[2]) continue;
          int src = (si * in[1] + sj) * in[2] + sk;
          int dst = (i * outShape[1] + j) * outShape[2] + k;
          for (int c = 0; c < data.length; c++) data[c][dst] = patch.data()[c][src];
          labels[dst] = patch.labels()[src];
        }
      }
    }
    return new Patch(data, labels, outShape.clone());
  }

  /** {@code Rz @ Ry @ Rx @ S} in double (numpy), then rounded to float32 as torch's {@code .float()}. */
  static float[][] affine3d(double[] angles, double scale) {
    double c0 = Math.cos(angles[0]);
    double s0 = Math.sin(angles[0]);
    double c1 = Math.cos(angles[1]);
    double s1 = Math.sin(angles[1]);
    double c2 = Math.cos(angles[2]);
    double s2 = Math.sin(angles[2]);
    double[][] rx = {{1, 0, 0}, {0, c0, -s0}, {0, s0, c0}};
    double[][] ry = {{c1, 0, s1}, {0, 1, 0}, {-s1, 0, c1}};
    double[][] rz = {{c2, -s2, 0}, {s2, c2, 0}, {0, 0, 1}};
    double[][] s = {{scale, 0, 0}, {0, scale, 0}, {0, 0, scale}};
    return toFloat(multiply(multiply(multiply(rz, ry), rx), s));
  }

  /** {@code R @ S} for the in-plane angle. */
  static float[][] affine2d(double angle, double scale) {
    double c = Math.cos(angle);
    double s = Math.sin(angle);
    return toFloat(multiply(new double[][] {{c, -s}, {s, c}}, new double[][] {{scale, 0}, {0, scale}}));
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int n = a.length;
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double v = 0;
        for (int k = 0; k < n; k++) v += a[i][k] * b[k][j];
        out[i][j] = v;
      }
    }
    return out;
  }

  private static float[][] toFloat(double[][] a) {
    float[][] out = new float[a.length][a.length];
    for (int i = 0; i < a.length; i++) for (int j = 0; j < a.length; j++) out[i][j] = (float) a[i][j];
    return out;
  }

  @Override
  public String toString() {
    return "SpatialTransform(patch=" + Arrays.toString(patchSize) + ", inPlane=" + inPlane + ", rotation="
        + Math.toDegrees(rotation) + " deg)";
  }
}
