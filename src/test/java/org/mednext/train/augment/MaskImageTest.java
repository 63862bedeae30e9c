package org.mednext.train.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mednext.train.sampling.Patch;

/** {@link MaskImage}. */
class MaskImageTest {

  @Test
  void zeroesEveryChannelWhereTheLabelIsNegative() {
    Patch p = new Patch(new float[][] {{1, 2, 3}, {4, 5, 6}}, new short[] {-1, 0, 2}, new int[] {1, 1, 3});
    new MaskImage().apply(p, new SplittableRandom(0));
    assertArrayEquals(new float[] {0, 2, 3}, p.data()[0]);
    assertArrayEquals(new float[] {0, 5, 6}, p.data()[1]);
    assertArrayEquals(new short[] {-1, 0, 2}, p.labels());
  }
}
