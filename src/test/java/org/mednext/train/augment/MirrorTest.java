package org.mednext.train.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mednext.train.sampling.Patch;

/** {@link Mirror}. */
class MirrorTest {

  @Test
  void flippingTwiceIsTheIdentityAndImageAndLabelsMoveTogether() {
    Patch p = SpatialTransformTest.randomPatch(new int[] {3, 4, 5}, 2);
    for (int mask = 0; mask < 8; mask++) {
      boolean[] f = {(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0};
      Patch once = Mirror.flip(p, f);
      Patch twice = Mirror.flip(once, f);
      assertArrayEquals(p.data()[1], twice.data()[1]);
      assertArrayEquals(p.labels(), twice.labels());
      int src = ((f[0] ? 2 : 0) * 4 + (f[1] ? 3 : 0)) * 5 + (f[2] ? 4 : 0);
      assertEquals(p.data()[0][src], once.data()[0][0]);
      assertEquals(p.labels()[src], once.labels()[0]);
    }
  }

  @Test
  void flipsEachAllowedAxisWithProbabilityOneHalf() {
    Mirror m = new Mirror(new int[] {0, 2});
    float[] values = new float[8];
    for (int i = 0; i < 8; i++) values[i] = i;
    int[] flips = new int[3];
    int trials = 4000;
    for (int seed = 0; seed < trials; seed++) {
      Patch p = new Patch(new float[][] {values.clone()}, new short[8], new int[] {2, 2, 2});
      int first = (int) m.apply(p, new SplittableRandom(seed)).data()[0][0];
      for (int d = 0; d < 3; d++) if ((first & (4 >> d)) != 0) flips[d]++;
    }
    assertEquals(trials / 2.0, flips[0], 5 * Math.sqrt(trials * 0.25));
    assertEquals(0, flips[1]);
    assertEquals(trials / 2.0, flips[2], 5 * Math.sqrt(trials * 0.25));
  }
}
