package org.mednext.train.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mednext.train.sampling.Patch;

/** {@link RemoveLabel}. */
class RemoveLabelTest {

  @Test
  void turnsMinusOneIntoBackgroundAndKeepsOtherLabels() {
    Patch p = new Patch(new float[][] {{1, 2, 3, 4}}, new short[] {-1, 0, 3, -2}, new int[] {1, 2, 2});
    new RemoveLabel().apply(p, new SplittableRandom(0));
    assertArrayEquals(new short[] {0, 0, 3, -2}, p.labels());
    assertArrayEquals(new float[] {1, 2, 3, 4}, p.data()[0]);
  }
}
