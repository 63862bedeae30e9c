package org.mednext.predict;

import java.util.Arrays;
import org.mednext.util.Half;
import org.mednext.util.Parallel;

/**
 * Softmax over classes in float32, per voxel, as torch's softmax over the class axis in nnU-Net's export (maximum
 * subtracted, exponentials summed in class order, each divided by the sum), and numpy's argmax of the probabilities
 * (the first maximum wins). Two forms with the same float operations in the same order, so the same bits:
 *
 * <ul>
 *   <li>{@link #inPlace}: float maps replaced by their probabilities, voxel by voxel in scalar code - for exports
 *       small enough to hold every class's map;
 *   <li>{@link #argmax} and {@link #probabilities}: from fp16 logits, keeping only each voxel's maximum and sum, from
 *       which one class's map is made when it is written. With 30 classes of a 512x512x200 CT that is 3.1 GB of fp16
 *       logits and two float volumes instead of 6.3 GB of float maps (and the first touch of that much fresh memory,
 *       which costs seconds). The voxels go in blocks, class by class, through short loops that index all their
 *       arrays alike, the form HotSpot's C2 turns into vector instructions.
 * </ul>
 *
 * The exponential is a float polynomial ({@link #exp}), which C2 can vectorise. The blocks run slowly until the JIT
 * has compiled them (a cold call on 4 x 1.4M values took 0.2-0.25 s, 0.02 s compiled), hence the scalar form for
 * small exports.
 */
final class Softmax {

  /** Voxels per block: a block of every class (30 x 4 KB) stays in the L2 cache between the passes. */
  static final int BLOCK = 1024;

  /** Values (voxels x classes) from which an export keeps fp16 logits and goes in blocks. */
  static final long BLOCKED_FROM = 1L << 25;

  private Softmax() {}

  /**
   * Each voxel's maximum logit into {@code max}, its sum of exponentials into {@code sum}; returns the argmax of
   * the probabilities.
   *
   * @param logits per class, fp16 bits, all of one length
   * @param threads worker threads; the result does not depend on it
   */
  static short[] argmax(short[][] logits, float[] max, float[] sum, int threads) {
    int n = max.length;
    for (short[] c : logits) checkLength(c.length, n);
    if (sum.length != n) throw new IllegalArgumentException("sum has " + sum.length + " values, not " + n);
    short[] seg = new short[n];
    Parallel.forRanges(n, threads, BLOCK,
        (from, to) -> new Block(logits.length).statistics(logits, max, sum, seg, from, to));
    return seg;
  }

  /** One class's probabilities into {@code out}, from its fp16 logits and what {@link #argmax} kept. */
  static void probabilities(short[] logits, float[] max, float[] sum, float[] out, int threads) {
    int n = max.length;
    if (logits.length != n || sum.length != n || out.length != n) {
      throw new IllegalArgumentException("lengths differ: " + logits.length + ", " + n + ", " + sum.length + ", "
          + out.length);
    }
    Parallel.forRanges(n, threads, BLOCK, (from, to) -> new Block(1).probabilities(logits, max, sum, out, from, to));
  }

  /**
   * Replaces {@code v[class][voxel]} by the probabilities, voxel by voxel; returns the argmax.
   *
   * @param threads worker threads; the result does not depend on it
   */
  static short[] inPlace(float[][] v, int threads) {
    int n = v[0].length;
    for (float[] c : v) checkLength(c.length, n);
    int k = v.length;
    short[] seg = new short[n];
    Parallel.forRanges(n, threads, (from, to) -> {
      float[] x = new float[k];
      float[] p = new float[k];
      for (int i = from; i < to; i++) {
        for (int j = 0; j < k; j++) x[j] = v[j][i];
        seg[i] = (short) softmax(x, p);
        for (int j = 0; j < k; j++) v[j][i] = p[j];
      }
    });
    return seg;
  }

  /**
   * One voxel's probabilities into {@code p}; returns their argmax (the first maximum). The operations of
   * {@link Block#statistics} and {@link Block#probabilities}, so their values.
   *
   * @param x the voxel's logit per class
   */
  static int softmax(float[] x, float[] p) {
    int k = x.length;
    float max = x[0];
    for (int j = 1; j < k; j++) max = Math.max(max, x[j]);
    float sum = 0;
    for (int j = 0; j < k; j++) {
      p[j] = exp(x[j] - max);
      sum += p[j];
    }
    int arg = 0;
    for (int j = 0; j < k; j++) {
      p[j] = p[j] / sum;
      if (p[j] > p[arg]) arg = j;
    }
    return arg;
  }

  private static void checkLength(int length, int n) {
    if (length != n) throw new IllegalArgumentException("classes of different lengths: " + length + " vs " + n);
  }

  /**
   * One range's scratch rows; every loop indexes them alike, so that C2 vectorises it. A range's blocks run in one
   * call, so that the JIT compiles the loops while they run (a method per block waits for hundreds of calls).
   */
  private static final class Block {
    final float[][] x;
    final float[] max = new float[BLOCK];
    final float[] sum = new float[BLOCK];
    final float[] best = new float[BLOCK];
    final int[] arg = new int[BLOCK];
    final float[] scratch = new float[BLOCK];

    Block(int classes) {
      x = new float[classes][BLOCK];
    }

    void statistics(short[][] logits, float[] maxOut, float[] sumOut, short[] seg, int start, int end) {
      int k = logits.length;
      for (int from = start; from < end; from += BLOCK) {
        int m = Math.min(BLOCK, end - from);
        for (int j = 0; j < k; j++) {
          short[] l = logits[j];
          float[] row = x[j];
          for (int i = 0; i < m; i++) row[i] = Half.toFloat(l[from + i]);
        }
        System.arraycopy(x[0], 0, max, 0, m);
        for (int j = 1; j < k; j++) {
          float[] row = x[j];
          for (int i = 0; i < m; i++) max[i] = Math.max(max[i], row[i]);
        }
        Arrays.fill(sum, 0, m, 0f);
        for (int j = 0; j < k; j++) {
          float[] row = x[j];
          for (int i = 0; i < m; i++) row[i] = row[i] - max[i];
          exp(row, scratch, m);
          for (int i = 0; i < m; i++) sum[i] += row[i];
        }
        float[] first = x[0];
        for (int i = 0; i < m; i++) {
          best[i] = first[i] / sum[i];
          arg[i] = 0;
        }
        for (int j = 1; j < k; j++) {
          float[] row = x[j];
          for (int i = 0; i < m; i++) {
            float p = row[i] / sum[i];
            boolean greater = p > best[i]; // selects, not a branch: strictly greater, so the first maximum wins
            best[i] = greater ? p : best[i];
            arg[i] = greater ? j : arg[i];
          }
        }
        System.arraycopy(max, 0, maxOut, from, m);
        System.arraycopy(sum, 0, sumOut, from, m);
        for (int i = 0; i < m; i++) seg[from + i] = (short) arg[i];
      }
    }

    /** The same operations on one class as {@link #statistics}, so the same values. */
    void probabilities(short[] logits, float[] maxIn, float[] sumIn, float[] out, int start, int end) {
      float[] row = x[0];
      for (int from = start; from < end; from += BLOCK) {
        int m = Math.min(BLOCK, end - from);
        for (int i = 0; i < m; i++) row[i] = Half.toFloat(logits[from + i]);
        System.arraycopy(maxIn, from, max, 0, m);
        System.arraycopy(sumIn, from, sum, 0, m);
        for (int i = 0; i < m; i++) row[i] = row[i] - max[i];
        exp(row, scratch, m);
        for (int i = 0; i < m; i++) row[i] = row[i] / sum[i];
        System.arraycopy(row, 0, out, from, m);
      }
    }
  }

  private static final float SHIFT = 0x1.8p23f; // adding it rounds a float of magnitude < 2^22 to an integer
  private static final float LOG2_E = 1.44269504f;
  private static final float LN2_HIGH = 0x1.62ep-1f; // ln 2 in two parts: n * LN2_HIGH is exact for |n| < 2^11
  private static final float LN2_LOW = (float) (Math.log(2) - 0x1.62ep-1);

  /**
   * {@code x[i] = e^x[i]} for {@code i < m}, in float, for x &lt;= 0 (what softmax needs once the maximum is
   * subtracted): within one unit in the last place of the exact value and equal to {@code (float) Math.exp(x)} for
   * 99.2 % of floats, subnormal results included; NaN stays NaN. x = n ln 2 + r with |r| &lt;= ln 2 / 2 (ln 2 in
   * two parts, so that x - n LN2_HIGH is exact), e^r by its Taylor series to degree 8 (truncation
   * below 10^-9 of a unit), then 2^n as 2^(n+64) 2^-64: both are normal floats down to the smallest result, so a
   * result below float's normal range is rounded once.
   *
   * <p>Two loops because HotSpot's C2 (Java 17) vectorises the polynomial but not the scaling through the bits, which
   * would keep a single loop scalar: the first loop leaves n in {@code t} (as n + 1.5 2^23), the second scales. About
   * 1 ns a value, against 13 for {@code Math.exp}. No Math.fma: it would save little and is emulated, very slowly,
   * on processors without fused multiply-add.
   */
  static void exp(float[] x, float[] t, int m) {
    for (int i = 0; i < m; i++) {
      float v = Math.max(x[i], -104f); // e^-104 rounds to 0 in float; it also bounds n for the scaling
      float s = shifted(v);
      x[i] = polynomial(v, s);
      t[i] = s;
    }
    for (int i = 0; i < m; i++) x[i] = scaled(x[i], t[i]);
  }

  /** {@link #exp(float[], float[], int)} of one value: the same operations. */
  static float exp(float x) {
    float v = Math.max(x, -104f);
    float s = shifted(v);
    return scaled(polynomial(v, s), s);
  }

  /** n + 1.5 2^23, n the integer nearest to v log2(e) in float. */
  private static float shifted(float v) {
    return v * LOG2_E + SHIFT;
  }

  /** e^r for r = v - n ln 2. */
  private static float polynomial(float v, float shifted) {
    float n = shifted - SHIFT;
    float r = v - n * LN2_HIGH;
    r = r - n * LN2_LOW;
    float q = 1f / 40320;
    q = q * r + 1f / 5040;
    q = q * r + 1f / 720;
    q = q * r + 1f / 120;
    q = q * r + 1f / 24;
    q = q * r + 1f / 6;
    q = q * r + 0.5f;
    return (q * (r * r) + r) + 1f;
  }

  /** p 2^n: the shifted value's low mantissa bits hold n; the shift moves n + 191 into the exponent field. */
  private static float scaled(float p, float shifted) {
    return p * Float.intBitsToFloat((Float.floatToRawIntBits(shifted) + 191) << 23) * 0x1p-64f;
  }
}
