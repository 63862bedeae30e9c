package org.mednext.preprocess;

import org.mednext.util.Parallel;
/**
 * numpy's float32 {@code sum}, {@code mean} and {@code std} (ddof 0), bit for bit as numpy 2.x computes them
 * for a contiguous array: pairwise summation in float32 ({@code pairwise_sum} in numpy's loops_utils.h.src:
 * blocks of up to 128 values summed with 8 interleaved accumulators, larger runs split in two halves at a
 * multiple of 8), the count division in float64 rounded to float32, and a float32 square root.
 *
 * <p>NB: numpy 1.x summed large arrays in buffered blocks of 8192 values, so its mean can differ in the last
 * bit; a plain double accumulator would differ by ~1e-7 relative. Either is far below any tolerance of the
 * pipeline, but matching numpy 2 exactly makes normalized values reproducible bit for bit.
 *
 * <p>The top of the summation tree is split across threads; the tree itself never changes, so neither does
 * the result.
 */
final class Float32Stats {

  private static final int BLOCK = 128;
  /** Runs at most this long are summed by one task. */
  private static final int SEQUENTIAL = 1 << 16;

  private Float32Stats() {}

  /** numpy's {@code a[off:off+n].sum()} for float32 (the reduction adds the pairwise sum to an initial 0). */
  static float sum(float[] a, int off, int n, int threads) {
    return sum(a, off, n, false, 0f, threads);
  }

  /**
   * The sum of {@code a[i]}, or with {@code squares} of the float32 squares {@code (a[i] - mean)^2}
   * (numpy's {@code x = arr - mean; x = x * x; x.sum()} without the temporary array).
   */
  private static float sum(float[] a, int off, int n, boolean squares, float mean, int threads) {
    if (threads <= 1 || n <= SEQUENTIAL) return 0.0f + pairwise(a, off, n, squares, mean);
    int leaves = countLeaves(n);
    float[] partial = new float[leaves];
    int[][] ranges = new int[leaves][];
    collectLeaves(off, n, ranges, new int[1]);
    Parallel.forEach(leaves, threads, k -> partial[k] = pairwise(a, ranges[k][0], ranges[k][1], squares, mean));
    return 0.0f + combine(n, partial, new int[1]);
  }

  /** {mean, std} of {@code a[0..n)} as numpy's {@code a.mean()}, {@code a.std()}; NaN for n == 0. */
  static float[] meanStd(float[] a, int n, int threads) {
    if (n == 0) return new float[] {Float.NaN, Float.NaN};
    float mean = (float) ((double) sum(a, 0, n, false, 0f, threads) / n);
    float var = (float) ((double) sum(a, 0, n, true, mean, threads) / n);
    return new float[] {mean, (float) Math.sqrt(var)};
  }

  /** numpy's float32 {@code pairwise_sum} of {@code a[off..off+n)}. */
  static float pairwise(float[] a, int off, int n) {
    return pairwise(a, off, n, false, 0f);
  }

  /** One value of the summed sequence: {@code a[i]}, or its squared float32 deviation from {@code mean}. */
  private static float value(float[] a, int i, boolean squares, float mean) {
    if (!squares) return a[i];
    float d = a[i] - mean;
    return d * d;
  }

  private static float pairwise(float[] a, int off, int n, boolean squares, float mean) {
    if (n < 8) {
      float res = -0.0f; // numpy starts at -0.0 so that a sum of -0.0 stays -0.0
      for (int i = 0; i < n; i++) res += value(a, off + i, squares, mean);
      return res;
    }
    if (n <= BLOCK) {
      float r0 = value(a, off, squares, mean);
      float r1 = value(a, off + 1, squares, mean);
      float r2 = value(a, off + 2, squares, mean);
      float r3 = value(a, off + 3, squares, mean);
      float r4 = value(a, off + 4, squares, mean);
      float r5 = value(a, off + 5, squares, mean);
      float r6 = value(a, off + 6, squares, mean);
      float r7 = value(a, off + 7, squares, mean);
      int i = 8;
      for (int end = n - n % 8; i < end; i += 8) {
        r0 += value(a, off + i, squares, mean);
        r1 += value(a, off + i + 1, squares, mean);
        r2 += value(a, off + i + 2, squares, mean);
        r3 += value(a, off + i + 3, squares, mean);
        r4 += value(a, off + i + 4, squares, mean);
        r5 += value(a, off + i + 5, squares, mean);
        r6 += value(a, off + i + 6, squares, mean);
        r7 += value(a, off + i + 7, squares, mean);
      }
      float res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) res += value(a, off + i, squares, mean);
      return res;
    }
    int n2 = half(n);
    return pairwise(a, off, n2, squares, mean) + pairwise(a, off + n2, n - n2, squares, mean);
  }

  /** numpy's split point: half, rounded down to a multiple of 8. */
  private static int half(int n) {
    int n2 = n / 2;
    return n2 - n2 % 8;
  }

  private static int countLeaves(int n) {
    return n <= SEQUENTIAL ? 1 : countLeaves(half(n)) + countLeaves(n - half(n));
  }

  private static void collectLeaves(int off, int n, int[][] ranges, int[] next) {
    if (n <= SEQUENTIAL) {
      ranges[next[0]++] = new int[] {off, n};
      return;
    }
    int n2 = half(n);
    collectLeaves(off, n2, ranges, next);
    collectLeaves(off + n2, n - n2, ranges, next);
  }

  private static float combine(int n, float[] partial, int[] next) {
    if (n <= SEQUENTIAL) return partial[next[0]++];
    int n2 = half(n);
    float left = combine(n2, partial, next);
    return left + combine(n - n2, partial, next);
  }

  /** numpy's {@code min()} / {@code max()} of a float32 array: NaN if any value is NaN. */
  static float extreme(float[] a, int threads, boolean min) {
    int chunk = Parallel.chunkSize(a.length, threads, 1 << 16);
    int chunks = (a.length + chunk - 1) / chunk;
    float[] part = new float[chunks];
    Parallel.forEach(chunks, threads, k -> {
      float e = a[k * chunk];
      for (int i = k * chunk, end = Math.min(a.length, i + chunk); i < end; i++) {
        float v = a[i];
        if (v != v) {
          e = v;
          break;
        }
        if (min ? v < e : v > e) e = v;
      }
      part[k] = e;
    });
    float e = part[0];
    for (float v : part) {
      if (v != v) return v;
      if (min ? v < e : v > e) e = v;
    }
    return e;
  }
}
