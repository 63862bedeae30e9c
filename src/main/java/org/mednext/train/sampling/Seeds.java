package org.mednext.train.sampling;

import java.util.SplittableRandom;

/**
 * Derives independent seeds from a root seed and a path of indices (iteration, sample, transform, ...), so that
 * every random choice depends only on where it sits in the pipeline, never on thread timing or on how many
 * random numbers an earlier step happened to use.
 */
public final class Seeds {

  private Seeds() {}

  /** A seed for child {@code index} of {@code seed} (SplitMix64 finalizer over both; distinct for distinct pairs). */
  public static long mix(long seed, long index) {
    return finalize64(finalize64(seed) ^ (index * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L));
  }

  /** A generator for the child of {@code seed} reached by following {@code path}. */
  public static SplittableRandom random(long seed, long... path) {
    long s = seed;
    for (long p : path) s = mix(s, p);
    return new SplittableRandom(s);
  }

  private static long finalize64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
