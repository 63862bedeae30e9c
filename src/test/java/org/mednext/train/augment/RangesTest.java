package org.mednext.train.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Ranges#bgContrast}: half the draws in [lo, 1), half in [1, hi). */
class RangesTest {

  @Test
  void bgContrastSplitsTheRangeAtOne() {
    SplittableRandom r = new SplittableRandom(5);
    int n = 20000;
    int below = 0;
    double sumAbove = 0;
    for (int i = 0; i < n; i++) {
      double g = Ranges.bgContrast(r, 0.7, 1.5);
      assertTrue(g >= 0.7 && g < 1.5);
      if (g < 1) below++;
      else sumAbove += g;
    }
    assertEquals(n / 2.0, below, 5 * Math.sqrt(n * 0.25));
    assertEquals(1.25, sumAbove / (n - below), 0.01); // uniform on [1, 1.5) although 1.5 - 1 > 1 - 0.7
  }

  @Test
  void bgContrastAboveOneOnlyWhenTheRangeStartsAboveOne() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 1000; i++) assertTrue(Ranges.bgContrast(r, 1.1, 1.3) >= 1.1);
  }
}
