package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mednext.util.Half;

class SoftmaxTest {

  @Test
  void expIsWithinOneUnitOfTheRoundedExactValueDownToUnderflow() {
    int n = 1 << 16;
    float[] x = new float[n];
    float[] t = new float[n];
    long values = 0;
    long equal = 0;
    int bits = Float.floatToRawIntBits(-0f);
    while (Float.intBitsToFloat(bits) >= -110f) {
      int m = 0;
      for (; m < n && Float.intBitsToFloat(bits) >= -110f; m++, bits += 61) x[m] = Float.intBitsToFloat(bits);
      float[] in = x.clone();
      Softmax.exp(x, t, m);
      for (int i = 0; i < m; i++) {
        float expected = (float) Math.exp(in[i]);
        int ulps = Math.abs(Float.floatToRawIntBits(expected) - Float.floatToRawIntBits(x[i]));
        assertTrue(ulps <= 1, () -> "e^" + in[0] + "...: " + ulps + " units off");
        if (ulps == 0) equal++;
      }
      values += m;
    }
    assertTrue(values > 18_000_000, "floats checked: " + values);
    assertTrue(equal > 0.99 * values, "equal to (float) Math.exp: " + equal + " of " + values);
  }

  @Test
  void expOfSpecialValues() {
    assertEquals(1f, Softmax.exp(-0f));
    assertEquals(1f, Softmax.exp(0f));
    assertEquals(0f, Softmax.exp(Float.NEGATIVE_INFINITY));
    assertEquals(0f, Softmax.exp(-104f));
    assertEquals(0f, Softmax.exp(-1e30f));
    assertTrue(Float.isNaN(Softmax.exp(Float.NaN)));
    assertEquals(Float.MIN_VALUE, Softmax.exp(-103.9f)); // rounds to the smallest subnormal
    assertEquals((float) Math.exp(-87.5), Softmax.exp(-87.5f)); // subnormal
  }

  @Test
  void probabilitiesAndArgmaxMatchAPerVoxelSoftmaxInEitherForm() {
    int classes = 7;
    int n = 3 * Softmax.BLOCK + 123;
    Random random = new Random(3);
    short[][] logits = new short[classes][n];
    for (short[] c : logits) for (int i = 0; i < n; i++) c[i] = Half.fromDouble(random.nextGaussian() * 8);
    logits[2][5] = Half.fromFloat(Float.NEGATIVE_INFINITY);
    float[][] one = probabilities(logits, 1);
    float[][] two = probabilities(logits, 2);
    for (int k = 0; k <= classes; k++) assertArrayEquals(one[k], two[k], "the same bits voxel by voxel on 2 threads");
    for (int i = 0; i < n; i++) {
      // the differences rounded to float, as torch's float32 softmax (and ours) has them
      float max = Float.NEGATIVE_INFINITY;
      for (short[] c : logits) max = Math.max(max, Half.toFloat(c[i]));
      double sum = 0;
      for (short[] c : logits) sum += Math.exp(Half.toFloat(c[i]) - max);
      int best = 0;
      for (int k = 0; k < classes; k++) {
        double p = Math.exp(Half.toFloat(logits[k][i]) - max) / sum;
        assertEquals(p, one[k][i], 1e-6 * p + 1e-37, "class " + k + ", voxel " + i);
        if (one[k][i] > one[best][i]) best = k;
      }
      assertEquals(best, one[classes][i], "voxel " + i);
    }
    assertEquals(0f, one[2][5]);
  }

  @Test
  void blocksAndSingleVoxelsGiveTheSameBits() {
    int classes = 5;
    int n = 2 * Softmax.BLOCK + 77;
    Random random = new Random(11);
    short[][] logits = new short[classes][n];
    for (short[] c : logits) {
      for (int i = 0; i < n; i++) c[i] = Half.fromDouble(random.nextGaussian() * (i % 3 == 0 ? 40 : 4));
    }
    logits[1][3] = logits[0][3]; // a tie
    logits[3][9] = Half.fromFloat(Float.NEGATIVE_INFINITY);
    logits[4][10] = Half.fromFloat(-60000f); // e^(x - max) below float's normal range
    float[] maxBlocked = new float[n];
    float[] sumBlocked = new float[n];
    float[] max = new float[n];
    float[] sum = new float[n];
    assertArrayEquals(Softmax.argmax(logits, max, sum, 2, false), Softmax.argmax(logits, maxBlocked, sumBlocked, 2, true));
    assertArrayEquals(max, maxBlocked);
    assertArrayEquals(sum, sumBlocked);
    float[] blocked = new float[n];
    float[] single = new float[n];
    for (int k = 0; k < classes; k++) {
      Softmax.probabilities(logits[k], max, sum, single, 1, false);
      Softmax.probabilities(logits[k], max, sum, blocked, 3, true);
      assertArrayEquals(single, blocked, "class " + k);
    }
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = -(float) Math.abs(random.nextGaussian() * 30);
    float[] e = x.clone();
    Softmax.exp(e, new float[n], n);
    for (int i = 0; i < n; i++) assertEquals(Softmax.exp(x[i]), e[i], "e^" + x[i]);
  }

  @Test
  void theFirstOfEqualProbabilitiesWins() {
    short[][] logits = {halves(1, 0, 5), halves(3, 2, 5), halves(3, 2, -1)};
    float[][] p = probabilities(logits, 2);
    assertArrayEquals(new float[] {1, 1, 0}, p[3]);
    assertEquals(p[1][0], p[2][0]);
  }

  /** Every class's probabilities, then the argmax as floats; in blocks with an odd thread count. */
  private static float[][] probabilities(short[][] logits, int threads) {
    int n = logits[0].length;
    float[] max = new float[n];
    float[] sum = new float[n];
    boolean blocked = threads % 2 == 1;
    short[] seg = Softmax.argmax(logits, max, sum, threads, blocked);
    float[][] out = new float[logits.length + 1][n];
    for (int k = 0; k < logits.length; k++) Softmax.probabilities(logits[k], max, sum, out[k], threads, blocked);
    for (int i = 0; i < n; i++) out[logits.length][i] = seg[i];
    return out;
  }

  private static short[] halves(float... values) {
    short[] h = new short[values.length];
    for (int i = 0; i < h.length; i++) h[i] = Half.fromFloat(values[i]);
    return h;
  }
}
