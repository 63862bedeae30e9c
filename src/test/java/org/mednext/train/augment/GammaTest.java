package org.mednext.train.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Gamma}: the power law on the min-max range with mean and (unbiased) std restored. */
class GammaTest {

  @Test
  void followsTheFormulaAndKeepsMeanAndStd() {
    for (boolean invert : new boolean[] {false, true}) {
      float[] x = sample(7);
      float[] y = x.clone();
      Gamma.gamma(y, 1.4f, invert);
      double[] expected = reference(x, 1.4, invert);
      for (int i = 0; i < x.length; i++) assertEquals(expected[i], y[i], 1e-4, "invert " + invert + " voxel " + i);
      ChannelStats a = ChannelStats.of(x);
      ChannelStats b = ChannelStats.of(y);
      assertEquals(a.mean(), b.mean(), 1e-4);
      assertEquals(a.std(), b.std(), 1e-4);
    }
  }

  @Test
  void invertedGammaBendsTheOtherTail() {
    float[] plain = sample(3);
    float[] inverted = plain.clone();
    Gamma.gamma(plain, 1.5f, false);
    Gamma.gamma(inverted, 1.5f, true);
    double diff = 0;
    for (int i = 0; i < plain.length; i++) diff = Math.max(diff, Math.abs(plain[i] - inverted[i]));
    assertTrue(diff > 0.1, "difference " + diff);
  }

  private static float[] sample(long seed) {
    Random r = new Random(seed);
    float[] x = new float[500];
    for (int i = 0; i < x.length; i++) x[i] = (float) Math.exp(r.nextGaussian());
    return x;
  }

  /** The GammaTransform steps in double precision. */
  private static double[] reference(float[] in, double gamma, boolean invert) {
    double[] x = new double[in.length];
    for (int i = 0; i < in.length; i++) x[i] = invert ? -in[i] : in[i];
    double[] s = stats(x);
    double range = s[3] - s[2];
    for (int i = 0; i < x.length; i++) x[i] = Math.pow((x[i] - s[2]) / range, gamma) * range + s[2];
    double[] t = stats(x);
    for (int i = 0; i < x.length; i++) {
      x[i] = (x[i] - t[0]) * (s[1] / t[1]) + s[0];
      if (invert) x[i] = -x[i];
    }
    return x;
  }

  private static double[] stats(double[] x) {
    double mean = 0;
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (double v : x) {
      mean += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    mean /= x.length;
    double ss = 0;
    for (double v : x) ss += (v - mean) * (v - mean);
    return new double[] {mean, Math.sqrt(ss / (x.length - 1)), min, max};
  }
}
