package org.mednext.train.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Contrast}: {@code (x - mean) * f + mean}, clipped to the channel's original range. */
class ContrastTest {

  @Test
  void scalesAboutTheMeanAndClipsToTheOriginalRange() {
    Random r = new Random(4);
    float[] x = new float[1000];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 3 + 10);
    double mean = 0;
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (float v : x) {
      mean += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    mean /= x.length;
    float[] y = x.clone();
    Contrast.contrast(y, 1.2f);
    int clipped = 0;
    for (int i = 0; i < x.length; i++) {
      double expected = Math.min(Math.max((x[i] - mean) * 1.2 + mean, min), max);
      assertEquals(expected, y[i], 1e-5);
      if (expected == min || expected == max) clipped++;
    }
    assertEquals(true, clipped > 2, "some values reach past the range and are clipped");
  }
}
