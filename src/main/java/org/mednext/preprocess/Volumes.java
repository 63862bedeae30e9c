package org.mednext.preprocess;

import org.mednext.util.Checks;
import org.mednext.util.Parallel;

/** Shape checks and small whole-array helpers for 3-D channels in C order (axis 2 fastest). */
final class Volumes {

  private Volumes() {}

  /** Checks that {@code shape} has three positive sizes whose product fits a Java array; returns it. */
  static int[] checkShape(int[] shape, String name) {
    Checks.notNull(shape, name);
    Checks.argument(shape.length == 3, "%s must have 3 axes (nnU-Net array order), got %d", name, shape.length);
    long n = 1;
    for (int d = 0; d < 3; d++) {
      Checks.argument(shape[d] >= 1, "%s must be >= 1 along every axis, got %s", name, java.util.Arrays.toString(shape));
      n *= shape[d];
    }
    Checks.argument(n <= Integer.MAX_VALUE - 8, "%s %s has %d voxels, more than a Java array holds",
        name, java.util.Arrays.toString(shape), n);
    return shape;
  }

  /** Checks that an array of {@code length} voxels matches {@code shape}. */
  static void checkLength(int length, int[] shape, String name) {
    Checks.argument(length == size(shape), "%s has %d voxels but its shape %s needs %d",
        name, length, java.util.Arrays.toString(shape), size(shape));
  }

  /** Number of voxels of a checked shape. */
  static int size(int[] shape) {
    return shape[0] * shape[1] * shape[2];
  }

  /** C-order strides (in elements) of a 3-D shape. */
  static int[] strides(int[] shape) {
    return new int[] {shape[1] * shape[2], shape[2], 1};
  }

  /**
   * {min, max} over the non-NaN values (skimage's clip range falls back to nanmin/nanmax when the image has
   * NaNs); {NaN, NaN} when there are none. Exact, so independent of the thread count.
   */
  static double[] finiteRange(float[] a, int threads) {
    int chunk = Parallel.chunkSize(a.length, threads, 1 << 16);
    int chunks = (a.length + chunk - 1) / chunk;
    double[][] parts = new double[chunks][];
    Parallel.forEach(chunks, threads, k -> {
      int from = k * chunk;
      int end = Math.min(a.length, from + chunk);
      // Math.min/max reductions run vectorised; they give NaN if the chunk holds one, and only then is it scanned again
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int i = from; i < end; i++) {
        lo = Math.min(lo, a[i]);
        hi = Math.max(hi, a[i]);
      }
      if (lo != lo) {
        lo = Float.POSITIVE_INFINITY;
        hi = Float.NEGATIVE_INFINITY;
        for (int i = from; i < end; i++) {
          float v = a[i];
          if (v < lo) lo = v; // false for NaN
          if (v > hi) hi = v;
        }
      }
      parts[k] = lo <= hi ? new double[] {lo, hi} : null; // lo > hi: all NaN
    });
    return merge(parts);
  }

  /** {@link #finiteRange(float[], int)} of {@code a[0..n)}. */
  static double[] finiteRange(double[] a, int n) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) { // as in the float version: vectorised, scanned again only when NaN came out
      lo = Math.min(lo, a[i]);
      hi = Math.max(hi, a[i]);
    }
    if (lo != lo) {
      lo = Double.POSITIVE_INFINITY;
      hi = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        double v = a[i];
        if (v < lo) lo = v; // false for NaN
        if (v > hi) hi = v;
      }
    }
    return lo <= hi ? new double[] {lo, hi} : new double[] {Double.NaN, Double.NaN};
  }

  private static double[] merge(double[][] parts) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    boolean any = false;
    for (double[] p : parts) {
      if (p == null) continue;
      any = true;
      lo = Math.min(lo, p[0]);
      hi = Math.max(hi, p[1]);
    }
    return any ? new double[] {lo, hi} : new double[] {Double.NaN, Double.NaN};
  }

  /** numpy's {@code clip}: {@code min(max(v, lo), hi)} where a NaN value stays NaN. */
  static void clip(double[] a, int off, int n, double lo, double hi) {
    for (int i = off, end = off + n; i < end; i++) {
      double v = a[i];
      if (v != v) continue;
      v = v > lo ? v : lo;
      a[i] = v < hi ? v : hi;
    }
  }
}
