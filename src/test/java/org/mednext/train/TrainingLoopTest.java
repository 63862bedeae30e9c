package org.mednext.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrainingLoopTest {

  @Test
  void divergenceMessageSaysWhereItHappenedAndWhatToChange() {
    String m = TrainingLoop.diverged(2, 7, Double.NaN, Double.POSITIVE_INFINITY, 0.01);
    assertTrue(m.contains("epoch 3, iteration 8") && m.contains("loss NaN") && m.contains("gradient norm Infinity"), m);
    assertTrue(m.contains("--lr, now 0.0100") && m.contains("--warmup") && m.contains("not updated"), m);
  }
}
