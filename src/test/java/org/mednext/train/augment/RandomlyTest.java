package org.mednext.train.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mednext.train.sampling.Patch;

/** {@link Randomly}. */
class RandomlyTest {

  @Test
  void appliesTheTransformWithTheGivenProbability() {
    int[] applied = {0};
    Transform count = (p, r) -> {
      applied[0]++;
      return p;
    };
    Randomly t = new Randomly(count, 0.15);
    Patch p = new Patch(new float[][] {{0}}, new short[1], new int[] {1, 1, 1});
    int trials = 20000;
    for (int seed = 0; seed < trials; seed++) t.apply(p, new SplittableRandom(seed));
    assertEquals(0.15 * trials, applied[0], 5 * Math.sqrt(trials * 0.15 * 0.85));
  }

  @Test
  void rejectsProbabilitiesOutsideZeroToOne() {
    assertEquals("probability must be in [0, 1], got 1.5", assertThrows(IllegalArgumentException.class,
        () -> new Randomly(new RemoveLabel(), 1.5)).getMessage());
  }
}
