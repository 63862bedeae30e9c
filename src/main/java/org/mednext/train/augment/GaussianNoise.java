package org.mednext.train.augment;

import java.util.SplittableRandom;
import org.mednext.train.sampling.Patch;
import org.mednext.train.sampling.Seeds;
import org.mednext.util.Checks;
import org.mednext.util.Parallel;

/**
 * batchgeneratorsv2 {@code GaussianNoiseTransform} as nnU-Net configures it (§D.7 row 2; applied with p = 0.1):
 * one standard deviation {@code sigma ~ U(0, 0.1)} (the parameter is named {@code noise_variance} but used as the
 * std) and, because channels are synchronized, one noise field N(0, sigma) added to every channel.
 */
public final class GaussianNoise implements Transform {

  /** Upper end of the standard deviation range. */
  public static final double MAX_STD = 0.1;
  private static final int BLOCK = 1 << 16;

  private final int threads;

  /** Noise drawn on {@code threads} threads (the values do not depend on it). */
  public GaussianNoise(int threads) {
    Checks.argument(threads >= 1, "thread count must be >= 1, got %d", threads);
    this.threads = threads;
  }

  @Override
  public Patch apply(Patch patch, SplittableRandom random) {
    double sigma = Ranges.uniform(random, 0, MAX_STD);
    addNoise(patch.data(), sigma, random.nextLong(), threads);
    return patch;
  }

  /**
   * Adds the same field of N(0, sigma) values (drawn in double, rounded to float) to every channel. Blocks of
   * voxels draw from their own generators derived from {@code seed}, so the field is the same for any thread count.
   */
  static void addNoise(float[][] data, double sigma, long seed, int threads) {
    int n = data[0].length;
    int blocks = (n + BLOCK - 1) / BLOCK;
    Parallel.forRanges(blocks, threads, 1, (from, to) -> {
      for (int b = from; b < to; b++) {
        SplittableRandom r = Seeds.random(seed, b);
        for (int v = b * BLOCK; v < Math.min(n, (b + 1) * BLOCK); v++) {
          float noise = (float) (sigma * r.nextGaussian());
          for (float[] channel : data) channel[v] += noise;
        }
      }
    });
  }

  @Override
  public String toString() {
    return "GaussianNoise(std ~ U(0, " + MAX_STD + "))";
  }
}
