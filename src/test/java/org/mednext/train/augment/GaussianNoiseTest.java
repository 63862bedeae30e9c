package org.mednext.train.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mednext.train.sampling.Patch;

/** {@link GaussianNoise}: one N(0, sigma) field for all channels, sigma ~ U(0, 0.1). */
class GaussianNoiseTest {

  @Test
  void addsOneFieldWithTheGivenStdToEveryChannelForAnyThreadCount() {
    int n = 200_000;
    float[][] a = {new float[n], new float[n]};
    float[][] b = {new float[n], new float[n]};
    GaussianNoise.addNoise(a, 0.05, 99, 1);
    GaussianNoise.addNoise(b, 0.05, 99, 4);
    assertArrayEquals(a[0], a[1]);
    assertArrayEquals(a[0], b[0]);
    ChannelStats s = ChannelStats.of(a[0]);
    assertEquals(0, s.mean(), 5 * 0.05 / Math.sqrt(n));
    assertEquals(0.05, s.std(), 0.05 * 5 / Math.sqrt(2 * n));
  }

  @Test
  void stdIsUniformBetweenZeroAndOneTenth() {
    GaussianNoise t = new GaussianNoise(1);
    int trials = 2000;
    int below = 0;
    double max = 0;
    for (int seed = 0; seed < trials; seed++) {
      Patch p = new Patch(new float[][] {new float[4096]}, new short[4096], new int[] {16, 16, 16});
      t.apply(p, new SplittableRandom(seed));
      double std = ChannelStats.of(p.data()[0]).std();
      max = Math.max(max, std);
      if (std < 0.025) below++;
    }
    assertTrue(max < 0.1 * 1.06 && max > 0.095, "largest std " + max);
    assertEquals(trials / 4.0, below, 5 * Math.sqrt(trials * 0.25 * 0.75));
  }
}
