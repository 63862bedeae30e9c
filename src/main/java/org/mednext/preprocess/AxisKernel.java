package org.mednext.preprocess;

import org.mednext.util.Checks;

/**
 * One-dimensional resampling of lines of length {@code inLen} to {@code outLen}, as
 * {@code scipy.ndimage.zoom(order, mode='nearest', grid_mode=True)} computes it along one axis (and, for
 * orders 0 and 1, as {@code map_coordinates(mode='nearest')} at the same coordinates).
 *
 * <p>Output sample {@code k} reads the input at {@code x = (k + 0.5) * (inLen / outLen) - 0.5} (pixel centres),
 * with {@code order + 1} taps from {@code floor(x) - order / 2} (odd orders) or {@code floor(x + 0.5) - order / 2}
 * (even orders): order 0 is nearest, order 1 linear. Orders 2 to 5 are scipy's B-splines: the line is padded with
 * 12 copies of its end samples on each side (any order), turned into spline coefficients (the gain of all poles,
 * then per pole a causal and an anti-causal recursion with scipy's initialisation for mode 'nearest', which is
 * its 'reflect' one since scipy 1.6), and evaluated at {@code x + 12}. Mode 'nearest' as scipy implements it:
 * {@code x} is not clamped; taps beyond the ends read the end sample (NB: clamping {@code x} instead is
 * mathematically the same but not bit-identical, checked against scipy 1.10 and 1.17). Everything is in double
 * precision with scipy's operation order and formulas (ni_splines.c): a line is bit-identical to scipy 1.17's 1-D
 * zoom (the fixture's l cases).
 *
 * <p>Immutable and thread-safe; the work buffers passed in are the caller's.
 */
final class AxisKernel {

  /** Highest spline order scipy implements. */
  static final int MAX_ORDER = 5;
  /** Edge samples added on each side before the spline prefilter (scipy _prepad_for_spline_filter, any order). */
  static final int SPLINE_PAD = 12;

  /** scipy's filter poles per order (ni_splines.c get_filter_poles, same decimal literals); none below order 2. */
  private static final double[][] POLES = {{}, {},
      {-0.171572875253809902396622551580603843}, // sqrt(8) - 3
      {-0.267949192431122706472553658494127633}, // sqrt(3) - 2
      {-0.361341225900220177092212841325675255, // sqrt(664 - sqrt(438976)) + sqrt(304) - 19
          -0.013725429297339121360331226939128204}, // sqrt(664 + sqrt(438976)) - sqrt(304) - 19
      {-0.430575347099973791851434783493520110, // sqrt(67.5 - sqrt(4436.25)) + sqrt(26.25) - 6.5
          -0.043096288203264653822712376822550182}}; // sqrt(67.5 + sqrt(4436.25)) - sqrt(26.25) - 6.5

  final int inLen;
  final int outLen;
  final int order;
  /** Samples per output value: {@code order + 1}. */
  final int taps;
  private final int padded;
  /** Per output sample and tap ({@code k * taps + t}), the index into the (padded) line. */
  final int[] index;
  /** Per output sample and tap, the weight (unused for order 0). */
  final double[] weight;
  private final double[] poles;
  /** scipy's _apply_filter_gain: the product over the poles of (1 - z)(1 - 1/z), starting from 1.0. */
  private final double gain;

  private AxisKernel(int inLen, int outLen, int order) {
    this.inLen = inLen;
    this.outLen = outLen;
    this.order = order;
    this.taps = order + 1;
    int pad = order > 1 ? SPLINE_PAD : 0;
    this.padded = inLen + 2 * pad;
    this.index = new int[outLen * taps];
    this.weight = new double[outLen * taps];
    this.poles = POLES[order];
    double g = 1.0;
    for (double z : poles) g *= (1.0 - z) * (1.0 - 1.0 / z);
    this.gain = g;
    double zoom = (double) inLen / outLen;
    double[] w = new double[taps];
    for (int k = 0; k < outLen; k++) {
      double x = (k + 0.5) * zoom - 0.5 + pad;
      int start = (order & 1) == 1 ? (int) Math.floor(x) - order / 2 : (int) Math.floor(x + 0.5) - order / 2;
      weights(x, order, w);
      for (int t = 0; t < taps; t++) {
        index[k * taps + t] = Math.min(Math.max(start + t, 0), padded - 1); // mode 'nearest'
        weight[k * taps + t] = w[t];
      }
    }
  }

  /** A kernel for lines of {@code inLen} samples resampled to {@code outLen} with spline {@code order} 0 to 5. */
  static AxisKernel of(int inLen, int outLen, int order) {
    Checks.argument(inLen >= 1 && outLen >= 1, "line lengths must be >= 1, got %d -> %d", inLen, outLen);
    Checks.argument(order >= 0 && order <= MAX_ORDER, "spline order must be 0 to %d, got %d", MAX_ORDER, order);
    return new AxisKernel(inLen, outLen, order);
  }

  /** True when the kernel maps a line onto itself (same length: every sample is read at its own centre). */
  boolean isIdentity() {
    return inLen == outLen;
  }

  /** Work-buffer length needed by {@link #line}. */
  int lineWork() {
    return order > 1 ? padded : 0;
  }

  /** Work-buffer length needed by {@link #columns} for {@code m} columns (one row more than the padded lines). */
  int columnsWork(int m) {
    return order > 1 ? (padded + 1) * m : 0;
  }

  /**
   * Resamples one line: input sample {@code i} is {@code src[srcOff + i * srcStride]}, output sample {@code k}
   * goes to {@code dst[dstOff + k * dstStride]}. {@code dst} must not overlap the input.
   */
  void line(double[] src, int srcOff, int srcStride, double[] dst, int dstOff, int dstStride, double[] work) {
    double[] c = src;
    int off = srcOff;
    int stride = srcStride;
    if (order > 1) {
      for (int i = 0; i < padded; i++) {
        int s = Math.min(Math.max(i - SPLINE_PAD, 0), inLen - 1);
        work[i] = src[srcOff + s * srcStride];
      }
      prefilterLine(work, padded);
      c = work;
      off = 0;
      stride = 1;
    }
    for (int k = 0, p = 0; k < outLen; k++) {
      double t = 0.0;
      for (int j = 0; j < taps; j++, p++) {
        double coeff = c[off + index[p] * stride];
        if (order > 0) coeff *= weight[p];
        t += coeff;
      }
      dst[dstOff + k * dstStride] = t;
    }
  }

  /**
   * Resamples {@code m} lines at once, stored as the columns of a row-major matrix: input sample {@code i} of
   * line {@code j} is {@code src[srcOff + i * srcRowStride + j]}, output sample {@code k} of line {@code j} goes
   * to {@code dst[dstOff + k * dstRowStride + j]}. Each column sees exactly the operations of {@link #line}.
   */
  void columns(double[] src, int srcOff, int srcRowStride, int m, double[] dst, int dstOff, int dstRowStride,
      double[] work) {
    double[] c = src;
    int off = srcOff;
    int rowStride = srcRowStride;
    if (order > 1) {
      for (int i = 0; i < padded; i++) {
        int s = Math.min(Math.max(i - SPLINE_PAD, 0), inLen - 1);
        System.arraycopy(src, srcOff + s * srcRowStride, work, i * m, m);
      }
      prefilterColumns(work, padded, m);
      c = work;
      off = 0;
      rowStride = m;
    }
    for (int k = 0, p = 0; k < outLen; k++, p += taps) {
      int d = dstOff + k * dstRowStride;
      int r = off + index[p] * rowStride;
      if (order == 0) {
        for (int j = 0; j < m; j++) dst[d + j] = 0.0 + c[r + j];
        continue;
      }
      double w0 = weight[p];
      for (int j = 0; j < m; j++) dst[d + j] = 0.0 + c[r + j] * w0;
      for (int t = 1; t < taps; t++) {
        int rt = off + index[p + t] * rowStride;
        double wt = weight[p + t];
        for (int j = 0; j < m; j++) dst[d + j] += c[rt + j] * wt;
      }
    }
  }

  // -- scipy's spline machinery (ni_splines.c), restated --

  /** Interpolation weights for the samples starting at the window start of {@code x} (get_spline_interpolation_weights). */
  static void weights(double x, int order, double[] w) {
    x -= Math.floor((order & 1) == 1 ? x : x + 0.5);
    switch (order) {
      case 0:
        break;
      case 1:
        w[0] = 1.0 - x;
        break;
      case 2: {
        w[1] = 0.75 - x * x;
        double y = 0.5 - x;
        w[0] = 0.5 * y * y;
        break;
      }
      case 3: {
        double y = x;
        double z = 1.0 - x;
        w[1] = (y * y * (y - 2.0) * 3.0 + 4.0) / 6.0;
        w[2] = (z * z * (z - 2.0) * 3.0 + 4.0) / 6.0;
        w[0] = z * z * z / 6.0;
        break;
      }
      case 4: {
        double t = x * x;
        w[2] = t * (t * 0.25 - 0.625) + 115.0 / 192.0;
        double y = 1.0 + x;
        w[1] = y * (y * (y * (5.0 - y) / 6.0 - 1.25) + 5.0 / 24.0) + 55.0 / 96.0;
        double z = 1.0 - x;
        w[3] = z * (z * (z * (5.0 - z) / 6.0 - 1.25) + 5.0 / 24.0) + 55.0 / 96.0;
        y = 0.5 - x;
        t = y * y;
        w[0] = t * t / 24.0;
        break;
      }
      case 5: {
        double y = x;
        double z = 1.0 - x;
        double t = y * y;
        w[2] = t * (t * (0.25 - y / 12.0) - 0.5) + 0.55;
        t = z * z;
        w[3] = t * (t * (0.25 - z / 12.0) - 0.5) + 0.55;
        y += 1.0;
        w[1] = y * (y * (y * (y * (y / 24.0 - 0.375) + 1.25) - 1.75) + 0.625) + 0.425;
        z += 1.0;
        w[4] = z * (z * (z * (z * (z / 24.0 - 0.375) + 1.25) - 1.75) + 0.625) + 0.425;
        y = 1.0 - x;
        t = y * y;
        w[0] = y * t * t / 120.0;
        break;
      }
      default:
        throw new IllegalArgumentException("spline order must be 0 to " + MAX_ORDER + ", got " + order);
    }
    // the weights add up to 1; the last one takes the remainder
    w[order] = 1.0;
    for (int i = 0; i < order; i++) w[order] -= w[i];
  }

  /**
   * In-place B-spline prefilter of {@code c[0..n)} (n >= 2) for mode 'nearest' (ni_splines.c apply_filter): the
   * gain once, then per pole scipy's reflect initialisations and recursions.
   */
  private void prefilterLine(double[] c, int n) {
    for (int i = 0; i < n; i++) c[i] *= gain;
    for (double z : poles) {
      // StrictMath: the same bits on every JVM. Where its last bit differs from C's pow, the terms zn * c[i]
      // (zn <= 0.431^25) move far below the last bit of the sum
      double zn = StrictMath.pow(z, n);
      double c0 = c[0];
      double s = c0 + zn * c[n - 1];
      double zi = z;
      for (int i = 1; i < n - 1; i++) {
        s += zi * (c[i] + zn * c[n - 1 - i]);
        zi *= z;
      }
      // scipy sums into c[0], so its last term (i = n - 1) reads the running sum where c[0] is due
      s += zi * (c[n - 1] + zn * s);
      c[0] = s * (z / (1 - zn * zn)) + c0;
      for (int i = 1; i < n; i++) c[i] += z * c[i - 1];
      c[n - 1] *= z / (z - 1);
      for (int i = n - 2; i >= 0; i--) c[i] = z * (c[i + 1] - c[i]);
    }
  }

  /**
   * {@link #prefilterLine} applied to each of the {@code m} columns of the row-major {@code n x m} matrix {@code c},
   * whose row {@code n} (see {@link #columnsWork}) keeps row 0 for the causal initialisation.
   */
  private void prefilterColumns(double[] c, int n, int m) {
    for (int i = 0, len = n * m; i < len; i++) c[i] *= gain;
    int last = (n - 1) * m;
    int saved = n * m;
    for (double z : poles) {
      double zn = StrictMath.pow(z, n);
      System.arraycopy(c, 0, c, saved, m);
      for (int j = 0; j < m; j++) c[j] = c[j] + zn * c[last + j];
      double zi = z;
      for (int i = 1; i < n; i++) { // as scipy: at i = n - 1 the term reads row 0, the running sum
        int ri = i * m;
        int rm = (n - 1 - i) * m;
        for (int j = 0; j < m; j++) c[j] += zi * (c[ri + j] + zn * c[rm + j]);
        zi *= z;
      }
      double norm = z / (1 - zn * zn);
      for (int j = 0; j < m; j++) c[j] = c[j] * norm + c[saved + j];
      for (int i = 1; i < n; i++) {
        int r = i * m;
        for (int j = 0; j < m; j++) c[r + j] += z * c[r - m + j];
      }
      double end = z / (z - 1);
      for (int j = 0; j < m; j++) c[last + j] *= end;
      for (int i = n - 2; i >= 0; i--) {
        int r = i * m;
        for (int j = 0; j < m; j++) c[r + j] = z * (c[r + m + j] - c[r + j]);
      }
    }
  }
}
