package org.mednext.preprocess;

import org.mednext.util.Checks;

/**
 * One-dimensional resampling of lines of length {@code inLen} to {@code outLen}, as
 * {@code scipy.ndimage.zoom(order, mode='nearest', grid_mode=True)} computes it along one axis (and, for
 * orders 0 and 1, as {@code map_coordinates(mode='nearest')} at the same coordinates).
 *
 * <p>Output sample {@code k} reads the input at {@code x = (k + 0.5) * (inLen / outLen) - 0.5} (pixel centres).
 * Order 0 takes sample {@code floor(x + 0.5)}; order 1 interpolates linearly between samples
 * {@code floor(x)} and {@code floor(x) + 1} with weights from the fraction of {@code x}. Order 3 is scipy's
 * cubic B-spline: the line is padded with 12 copies of its end samples on each side, turned into spline
 * coefficients (gain, then causal and anti-causal recursions with pole sqrt(3) - 2 and scipy's mirror
 * initialisation), and evaluated with 4 weights at {@code x + 12}. Mode 'nearest' as scipy implements it:
 * {@code x} is not clamped; taps beyond the ends read the end sample (NB: clamping {@code x} instead is
 * mathematically the same but not bit-identical, checked against scipy 1.10 and 1.17). Everything is in
 * double precision with scipy's operation order and formulas.
 *
 * <p>Immutable and thread-safe; the work buffers passed in are the caller's.
 */
final class AxisKernel {

  /** scipy's pole for cubic splines, sqrt(3) - 2 (ni_splines.c get_filter_poles). */
  static final double POLE = -0.267949192431122706472553658494127633;
  /** Edge samples added on each side before the spline prefilter (scipy _prepad_for_spline_filter). */
  static final int SPLINE_PAD = 12;

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

  private AxisKernel(int inLen, int outLen, int order) {
    this.inLen = inLen;
    this.outLen = outLen;
    this.order = order;
    this.taps = order + 1;
    int pad = order > 1 ? SPLINE_PAD : 0;
    this.padded = inLen + 2 * pad;
    this.index = new int[outLen * taps];
    this.weight = new double[outLen * taps];
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

  /** A kernel for lines of {@code inLen} samples resampled to {@code outLen} with spline {@code order} 0, 1 or 3. */
  static AxisKernel of(int inLen, int outLen, int order) {
    Checks.argument(inLen >= 1 && outLen >= 1, "line lengths must be >= 1, got %d -> %d", inLen, outLen);
    Checks.argument(order == 0 || order == 1 || order == 3, "spline order must be 0, 1 or 3, got %d", order);
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

  /** Work-buffer length needed by {@link #columns} for {@code m} columns. */
  int columnsWork(int m) {
    return order > 1 ? padded * m : 0;
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
      case 3: {
        double y = x;
        double z = 1.0 - x;
        w[1] = (y * y * (y - 2.0) * 3.0 + 4.0) / 6.0;
        w[2] = (z * z * (z - 2.0) * 3.0 + 4.0) / 6.0;
        w[0] = z * z * z / 6.0;
        break;
      }
      default:
        throw new IllegalArgumentException("spline order must be 0, 1 or 3, got " + order);
    }
    // the weights add up to 1; the last one takes the remainder
    w[order] = 1.0;
    for (int i = 0; i < order; i++) w[order] -= w[i];
  }

  private static final double GAIN = (1.0 - POLE) * (1.0 - 1.0 / POLE);

  /** In-place cubic B-spline prefilter of {@code c[0..n)} with mirror boundary conditions (n >= 2). */
  static void prefilterLine(double[] c, int n) {
    final double z = POLE;
    for (int i = 0; i < n; i++) c[i] *= GAIN;
    // causal initialisation (mirror)
    double zi = z;
    double zn1 = StrictMath.pow(z, n - 1);
    double c0 = c[0] + zn1 * c[n - 1];
    for (int i = 1; i < n - 1; i++) {
      c0 += zi * (c[i] + zn1 * c[n - 1 - i]);
      zi *= z;
    }
    c[0] = c0 / (1 - zn1 * zn1);
    for (int i = 1; i < n; i++) c[i] += z * c[i - 1];
    // anti-causal initialisation (mirror)
    c[n - 1] = (z * c[n - 2] + c[n - 1]) * z / (z * z - 1);
    for (int i = n - 2; i >= 0; i--) c[i] = z * (c[i + 1] - c[i]);
  }

  /** {@link #prefilterLine} applied to each of the {@code m} columns of the row-major {@code n x m} matrix {@code c}. */
  static void prefilterColumns(double[] c, int n, int m) {
    final double z = POLE;
    for (int i = 0, len = n * m; i < len; i++) c[i] *= GAIN;
    double zn1 = StrictMath.pow(z, n - 1);
    int last = (n - 1) * m;
    for (int j = 0; j < m; j++) c[j] = c[j] + zn1 * c[last + j];
    double zi = z;
    for (int i = 1; i < n - 1; i++) {
      int ri = i * m;
      int rm = (n - 1 - i) * m;
      for (int j = 0; j < m; j++) c[j] += zi * (c[ri + j] + zn1 * c[rm + j]);
      zi *= z;
    }
    double norm = 1 - zn1 * zn1;
    for (int j = 0; j < m; j++) c[j] /= norm;
    for (int i = 1; i < n; i++) {
      int r = i * m;
      for (int j = 0; j < m; j++) c[r + j] += z * c[r - m + j];
    }
    int prev = (n - 2) * m;
    for (int j = 0; j < m; j++) c[last + j] = (z * c[prev + j] + c[last + j]) * z / (z * z - 1);
    for (int i = n - 2; i >= 0; i--) {
      int r = i * m;
      for (int j = 0; j < m; j++) c[r + j] = z * (c[r + m + j] - c[r + j]);
    }
  }
}
