package org.mednext.train.augment;

import java.util.SplittableRandom;

/** The two ways batchgeneratorsv2 draws a factor from a range. */
final class Ranges {

  private Ranges() {}

  /** {@code np.random.uniform(lo, hi)}. */
  static double uniform(SplittableRandom random, double lo, double hi) {
    return lo + (hi - lo) * random.nextDouble();
  }

  /**
   * {@code BGContrast(lo, hi)}: with probability 0.5 (and only if lo < 1) a factor in [lo, 1), else one in
   * [max(lo, 1), hi), so reductions and increases are equally likely.
   */
  static double bgContrast(SplittableRandom random, double lo, double hi) {
    if (random.nextDouble() < 0.5 && lo < 1) return uniform(random, lo, 1);
    return uniform(random, Math.max(lo, 1), hi);
  }
}
