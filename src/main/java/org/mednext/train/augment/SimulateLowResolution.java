package org.mednext.train.augment;

import java.util.SplittableRandom;
import org.mednext.train.sampling.DeepSupervisionTargets;
import org.mednext.train.sampling.Patch;
import org.mednext.util.Checks;
import org.mednext.util.Parallel;

/**
 * batchgeneratorsv2 {@code SimulateLowResolutionTransform} as nnU-Net configures it (§D.7 row 6; applied with
 * p = 0.25): each channel with probability 0.5, one scale {@code s ~ U(0.5, 1)} (float32) for all axes, the channel
 * shrunk to {@code round_half_even(shape * s)} with torch's {@code nearest-exact} and grown back with
 * {@code trilinear} ({@code align_corners=False}). Dummy 2D and 2D leave axis 0 alone.
 */
public final class SimulateLowResolution implements Transform {

  /** Probability of degrading each channel. */
  public static final double P_PER_CHANNEL = 0.5;
  /** Scale range. */
  public static final double MIN_SCALE = 0.5;
  /** Scale range. */
  public static final double MAX_SCALE = 1.0;

  private final boolean keepAxis0;
  private final int threads;

  /** {@code keepAxis0} for dummy 2D and 2D; resampling on {@code threads} threads. */
  public SimulateLowResolution(boolean keepAxis0, int threads) {
    Checks.argument(threads >= 1, "thread count must be >= 1, got %d", threads);
    this.keepAxis0 = keepAxis0;
    this.threads = threads;
  }

  @Override
  public Patch apply(Patch patch, SplittableRandom random) {
    boolean[] chosen = new boolean[patch.channels()];
    for (int c = 0; c < chosen.length; c++) chosen[c] = random.nextDouble() < P_PER_CHANNEL;
    int[] shape = patch.shape();
    for (int c = 0; c < chosen.length; c++) {
      if (!chosen[c]) continue;
      float scale = (float) Ranges.uniform(random, MIN_SCALE, MAX_SCALE);
      int[] low = new int[3];
      for (int d = 0; d < 3; d++) {
        // NB: nnU-Net would fail on an axis that rounds to 0 voxels; one voxel is the closest thing
        low[d] = keepAxis0 && d == 0 ? shape[0] : Math.max(1, (int) Math.rint(shape[d] * (double) scale));
      }
      float[] down = downsampleNearestExact(patch.data()[c], shape, low);
      float[] up = upsampleLinear(down, low, shape, threads);
      System.arraycopy(up, 0, patch.data()[c], 0, up.length);
    }
    return patch;
  }

  /** torch {@code interpolate(mode='nearest-exact')} of one channel from {@code shape} to {@code target}. */
  static float[] downsampleNearestExact(float[] x, int[] shape, int[] target) {
    int[] i0 = DeepSupervisionTargets.sourceIndices(shape[0], target[0]);
    int[] i1 = DeepSupervisionTargets.sourceIndices(shape[1], target[1]);
    int[] i2 = DeepSupervisionTargets.sourceIndices(shape[2], target[2]);
    float[] out = new float[target[0] * target[1] * target[2]];
    int o = 0;
    for (int a : i0) {
      for (int b : i1) {
        int row = (a * shape[1] + b) * shape[2];
        for (int c : i2) out[o++] = x[row + c];
      }
    }
    return out;
  }

  /**
   * torch {@code interpolate(mode='trilinear', align_corners=False)} of one channel from {@code shape} to {@code
   * target}: per axis source {@code scale * (k + 0.5) - 0.5} (clamped at 0), the innermost axis interpolated first.
   */
  static float[] upsampleLinear(float[] x, int[] shape, int[] target, int threads) {
    Axis a0 = new Axis(shape[0], target[0]);
    Axis a1 = new Axis(shape[1], target[1]);
    Axis a2 = new Axis(shape[2], target[2]);
    float[] out = new float[target[0] * target[1] * target[2]];
    Parallel.forRanges(target[0] * target[1], threads, 8, (from, to) -> {
      for (int r = from; r < to; r++) {
        int i = r / target[1];
        int j = r % target[1];
        int base00 = (a0.lo[i] * shape[1] + a1.lo[j]) * shape[2];
        int base01 = (a0.lo[i] * shape[1] + a1.hi[j]) * shape[2];
        int base10 = (a0.hi[i] * shape[1] + a1.lo[j]) * shape[2];
        int base11 = (a0.hi[i] * shape[1] + a1.hi[j]) * shape[2];
        for (int k = 0; k < target[2]; k++) {
          float t00 = x[base00 + a2.lo[k]] * a2.w0[k] + x[base00 + a2.hi[k]] * a2.w1[k];
          float t01 = x[base01 + a2.lo[k]] * a2.w0[k] + x[base01 + a2.hi[k]] * a2.w1[k];
          float t10 = x[base10 + a2.lo[k]] * a2.w0[k] + x[base10 + a2.hi[k]] * a2.w1[k];
          float t11 = x[base11 + a2.lo[k]] * a2.w0[k] + x[base11 + a2.hi[k]] * a2.w1[k];
          float t0 = t00 * a1.w0[j] + t01 * a1.w1[j];
          float t1 = t10 * a1.w0[j] + t11 * a1.w1[j];
          out[r * target[2] + k] = t0 * a0.w0[i] + t1 * a0.w1[i];
        }
      }
    });
    return out;
  }

  /** Source indices and weights along one axis ({@code compute_source_index_and_lambda}). */
  private static final class Axis {
    final int[] lo;
    final int[] hi;
    final float[] w0;
    final float[] w1;

    Axis(int in, int out) {
      lo = new int[out];
      hi = new int[out];
      w0 = new float[out];
      w1 = new float[out];
      float scale = (float) in / out;
      for (int k = 0; k < out; k++) {
        if (in == out) { // torch copies: weights exactly (1, 0)
          lo[k] = k;
          hi[k] = k;
          w0[k] = 1f;
          continue;
        }
        float real = (float) (scale * (k + 0.5) - 0.5);
        if (real < 0) real = 0;
        lo[k] = Math.min((int) real, in - 1);
        hi[k] = lo[k] + (lo[k] < in - 1 ? 1 : 0);
        w1[k] = Math.min(Math.max(real - lo[k], 0f), 1f);
        w0[k] = 1f - w1[k];
      }
    }
  }

  @Override
  public String toString() {
    return "SimulateLowResolution(p per channel " + P_PER_CHANNEL + ", scale ~ U(" + MIN_SCALE + ", " + MAX_SCALE
        + "), keep axis 0: " + keepAxis0 + ")";
  }
}
