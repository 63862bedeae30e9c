package org.mednext.train.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mednext.train.sampling.Patch;

/** {@link MultiplicativeBrightness}: a BGContrast(0.75, 1.25) factor per channel. */
class MultiplicativeBrightnessTest {

  @Test
  void multipliesEachChannelByItsOwnFactorBelowOrAboveOneEquallyOften() {
    MultiplicativeBrightness t = new MultiplicativeBrightness();
    int trials = 4000;
    int below = 0;
    int differ = 0;
    double sumBelow = 0;
    for (int seed = 0; seed < trials; seed++) {
      float[][] data = {{1f, 2f}, {1f, 2f}};
      t.apply(new Patch(data, new short[2], new int[] {1, 1, 2}), new SplittableRandom(seed));
      float f = data[0][0];
      assertEquals(2 * f, data[0][1], 1e-6);
      assertTrue(f >= 0.75f && f < 1.25f, "factor " + f);
      if (f < 1) {
        below++;
        sumBelow += f;
      }
      if (data[1][0] != f) differ++;
    }
    assertEquals(trials / 2.0, below, 5 * Math.sqrt(trials * 0.25));
    assertEquals(0.875, sumBelow / below, 0.01); // uniform on [0.75, 1)
    assertTrue(differ > trials * 0.99);
  }
}
