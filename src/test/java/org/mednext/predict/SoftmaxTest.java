package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
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
    float[][] blocked = blocked(logits, 3);
    float[][] inPlace = inPlace(logits, 2);
    for (int k = 0; k <= classes; k++) assertArrayEquals(blocked[k], inPlace[k], "the same bits voxel by voxel");
    for (int i = 0; i < n; i++) {
      // the differences rounded to float, as torch's float32 softmax (and ours) has them
      float max = Float.NEGATIVE_INFINITY;
      for (short[] c : logits) max = Math.max(max, Half.toFloat(c[i]));
      double sum = 0;
      for (short[] c : logits) sum += Math.exp(Half.toFloat(c[i]) - max);
      int best = 0;
      for (int k = 0; k < classes; k++) {
        double p = Math.exp(Half.toFloat(logits[k][i]) - max) / sum;
        assertEquals(p, blocked[k][i], 1e-6 * p + 1e-37, "class " + k + ", voxel " + i);
        if (blocked[k][i] > blocked[best][i]) best = k;
      }
      assertEquals(best, blocked[classes][i], "voxel " + i);
    }
    assertEquals(0f, blocked[2][5]);
  }

  @Test
  void blocksAndSingleVoxelsGiveTheSameBitsAtTheExtremes() {
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
    float[][] blocked = blocked(logits, 1);
    float[][] inPlace = inPlace(logits, 3);
    for (int k = 0; k <= classes; k++) assertArrayEquals(blocked[k], inPlace[k], "class " + k);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = -(float) Math.abs(random.nextGaussian() * 30);
    float[] e = x.clone();
    Softmax.exp(e, new float[n], n);
    for (int i = 0; i < n; i++) assertEquals(Softmax.exp(x[i]), e[i], "e^" + x[i]);
  }

  @Test
  void theFirstOfEqualProbabilitiesWins() {
    short[][] logits = {halves(1, 0, 5), halves(3, 2, 5), halves(3, 2, -1)};
    for (float[][] p : new float[][][] {blocked(logits, 2), inPlace(logits, 2)}) {
      assertArrayEquals(new float[] {1, 1, 0}, p[3]);
      assertEquals(p[1][0], p[2][0]);
    }
  }

  /** Every class's probabilities from {@link Softmax#argmax} and {@link Softmax#probabilities}, then the argmax. */
  private static float[][] blocked(short[][] logits, int threads) {
    int n = logits[0].length;
    float[] max = new float[n];
    float[] sum = new float[n];
    short[] seg = Softmax.argmax(logits, max, sum, threads);
    float[][] out = new float[logits.length + 1][n];
    for (int k = 0; k < logits.length; k++) Softmax.probabilities(logits[k], max, sum, out[k], threads);
    for (int i = 0; i < n; i++) out[logits.length][i] = seg[i];
    return out;
  }

  /** The same from {@link Softmax#inPlace} on the logits as floats. */
  private static float[][] inPlace(short[][] logits, int threads) {
    int n = logits[0].length;
    float[][] out = new float[logits.length + 1][n];
    for (int k = 0; k < logits.length; k++) for (int i = 0; i < n; i++) out[k][i] = Half.toFloat(logits[k][i]);
    short[] seg = Softmax.inPlace(Arrays.copyOf(out, logits.length), threads);
    for (int i = 0; i < n; i++) out[logits.length][i] = seg[i];
    return out;
  }

  private static short[] halves(float... values) {
    short[] h = new short[values.length];
    for (int i = 0; i < h.length; i++) h[i] = Half.fromFloat(values[i]);
    return h;
  }
}
