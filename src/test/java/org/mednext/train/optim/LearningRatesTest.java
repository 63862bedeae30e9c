package org.mednext.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * {@link LearningRates} against values computed by hand from nnU-Net's formulas (NNUNET_PIPELINE_SPEC §D.3,
 * §D.10.2-3; polylr.py, warmup.py): 0.5^0.9 = 0.5358867312681466, 0.001^0.9 = 0.001995262314968881.
 */
class LearningRatesTest {

  private static final double TOL = 1e-15;

  @Test
  void polyStartsAtTheInitialRateAndDecaysWithExponent09() {
    assertEquals(0.01, LearningRates.poly(0.01, 0, 1000), 0);
    assertEquals(0.009990999549834914, LearningRates.poly(0.01, 1, 1000), TOL);
    assertEquals(0.005358867312681466, LearningRates.poly(0.01, 500, 1000), TOL);
    assertEquals(1.995262314968881e-05, LearningRates.poly(0.01, 999, 1000), TOL);
    assertEquals(0.0, LearningRates.poly(0.01, 1000, 1000), 0);
  }

  @Test
  void warmupRisesLinearlyFromLr0OverNToLr0() {
    assertEquals(2e-05, LearningRates.linearWarmup(1e-3, 0, 50), 0);
    assertEquals(0.001, LearningRates.linearWarmup(1e-3, 49, 50), 0);
    assertEquals(0.0005333333333333334, LearningRates.linearWarmup(1e-3, 7, 15), TOL);
  }

  @Test
  void polyWithOffsetHoldsLr0UntilTheStartThenDecaysOverTheRemainingEpochs() {
    assertEquals(1e-3, LearningRates.polyWithOffset(1e-3, 10, 1000, 50), 0);
    assertEquals(1e-3, LearningRates.polyWithOffset(1e-3, 50, 1000, 50), 0);
    assertEquals(0.0005358867312681466, LearningRates.polyWithOffset(1e-3, 525, 1000, 50), TOL);
    assertEquals(2.0895306948576245e-06, LearningRates.polyWithOffset(1e-3, 999, 1000, 50), TOL);
  }

  @Test
  void warmupThenPolySwitchesAtTheWarmupLength() {
    assertEquals(2e-05, LearningRates.warmupThenPoly(1e-3, 0, 1000, 50), 0);
    assertEquals(0.001, LearningRates.warmupThenPoly(1e-3, 49, 1000, 50), 0);
    assertEquals(0.001, LearningRates.warmupThenPoly(1e-3, 50, 1000, 50), 0);
    assertEquals(2.0895306948576246e-05, LearningRates.warmupThenPoly(1e-2, 999, 1000, 50), TOL);
    // PretrainedTrainer_150ep: 15 warm-up epochs of 150
    assertEquals(0.0005333333333333334, LearningRates.warmupThenPoly(1e-3, 7, 150, 15), TOL);
    assertEquals(0.0004090464352728869, LearningRates.warmupThenPoly(1e-3, 100, 150, 15), TOL);
  }

  @Test
  void rejectsEpochsOutsideTheSchedule() {
    assertEquals("epoch 1001 outside [0, 1000]",
        assertThrows(IllegalArgumentException.class, () -> LearningRates.poly(0.01, 1001, 1000)).getMessage());
    assertEquals("warm-up epoch 50 outside [0, 50)",
        assertThrows(IllegalArgumentException.class, () -> LearningRates.linearWarmup(0.01, 50, 50)).getMessage());
    assertEquals("warm-up epochs 1000 outside [1, 1000)",
        assertThrows(IllegalArgumentException.class, () -> LearningRates.warmupThenPoly(0.01, 5, 1000, 1000))
            .getMessage());
  }
}
