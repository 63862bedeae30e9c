package org.mednext.train.augment;

import java.util.SplittableRandom;
import org.mednext.preprocess.TorchInterpolation;
import org.mednext.train.sampling.Patch;
import org.mednext.util.Checks;

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
    return TorchInterpolation.nearestExact(x, shape, target, new float[target[0] * target[1] * target[2]], 1);
  }

  /** torch {@code interpolate(mode='trilinear', align_corners=False)} of one channel to {@code target}. */
  static float[] upsampleLinear(float[] x, int[] shape, int[] target, int threads) {
    return TorchInterpolation.trilinear(x, shape, target, new float[target[0] * target[1] * target[2]], threads);
  }

  @Override
  public String toString() {
    return "SimulateLowResolution(p per channel " + P_PER_CHANNEL + ", scale ~ U(" + MIN_SCALE + ", " + MAX_SCALE
        + "), keep axis 0: " + keepAxis0 + ")";
  }
}
