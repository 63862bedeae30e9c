package org.mednext.preprocess;

import java.util.Arrays;
import org.mednext.util.Half;
import org.mednext.util.Parallel;

/**
 * Separable resampling of one 3-D channel (C order, axis 2 fastest) in two stages, holding at most the input,
 * the output and one double-precision intermediate:
 *
 * <ol>
 *   <li>for every slice along the <em>slab axis</em> {@code s}: resize the slice in-plane (the two other axes,
 *       last axis first) with {@code order};
 *   <li>resample along {@code s} (skipped when its length does not change).
 * </ol>
 *
 * <p>Without a separate axis this is skimage's 3-D {@code resize} ({@code s = 0}, all axes with {@code order},
 * result clipped to the channel's range). With separate axis {@code a} it is nnU-Net's separate-z path
 * ({@code s = a}): each in-plane result is clipped to its own slice's range, then axis {@code a} is
 * interpolated with {@code orderZ} ({@code map_coordinates}, no clipping).
 *
 * <p>Orders 0 and 1 are evaluated as scipy does, as a tensor product over all taps of the resized axes
 * (8 for a 3-D linear zoom, summed in scipy's tap order), so linear results are bit-identical to scipy's; a
 * 3-D resize of order 0 or 1 then needs no intermediate at all. Orders 2 to 5 are separable (prefilter and
 * evaluation one axis at a time), which agrees with scipy's 3-D zoom to ~1e-15 relative.
 *
 * <p>Tasks are whole slices or whole lines (or column blocks of lines) with a fixed operation sequence per
 * output value, so the result does not depend on the thread count.
 */
final class ResampleEngine {

  /** Receives final values: {@code n} doubles from {@code src[srcOff..]} to output positions {@code dstOff + i * dstStride}. */
  interface Target {
    void store(double[] src, int srcOff, int n, int dstOff, int dstStride);
  }

  /** Target bytes per stage-2 column block: keeps a block's padded work buffer near the L2 cache size. */
  private static final int COLUMN_BLOCK_DOUBLES = 1 << 17;

  private ResampleEngine() {}

  static Target toFloat(float[] out) {
    return (src, srcOff, n, dstOff, dstStride) -> {
      for (int i = 0; i < n; i++) out[dstOff + i * dstStride] = (float) src[srcOff + i];
    };
  }

  static Target toHalf(float[] out) {
    return (src, srcOff, n, dstOff, dstStride) -> {
      for (int i = 0; i < n; i++) out[dstOff + i * dstStride] = Half.round(src[srcOff + i]);
    };
  }

  static Target toHalfBits(short[] out) {
    return (src, srcOff, n, dstOff, dstStride) -> {
      for (int i = 0; i < n; i++) out[dstOff + i * dstStride] = Half.fromDouble(src[srcOff + i]);
    };
  }

  static Target toDouble(double[] out) {
    return (src, srcOff, n, dstOff, dstStride) -> {
      for (int i = 0; i < n; i++) out[dstOff + i * dstStride] = src[srcOff + i];
    };
  }

  /**
   * Resamples {@code in} of {@code shape} to {@code outShape} into {@code target}.
   *
   * @param separateAxis -1 for a 3-D resize, else the axis resampled separately with {@code orderZ}
   */
  static void run(float[] in, int[] shape, int[] outShape, int order, int separateAxis, int orderZ, Target target,
      int threads) {
    boolean separate = separateAxis >= 0;
    int s = separate ? separateAxis : 0;
    int b = s == 0 ? 1 : 0;
    int c = s == 2 ? 1 : 2;
    AxisKernel kb = AxisKernel.of(shape[b], outShape[b], order);
    AxisKernel kc = AxisKernel.of(shape[c], outShape[c], order);
    AxisKernel ks = AxisKernel.of(shape[s], outShape[s], separate ? orderZ : order);
    double[] range = separate ? null : Volumes.finiteRange(in, threads);
    if (!separate && order <= 1) {
      direct3d(in, shape, outShape, ks, kb, kc, range, target, threads);
      return;
    }

    int[] mid = outShape.clone();
    mid[s] = shape[s];
    boolean direct = ks.isIdentity();
    double[] midData = direct ? null : new double[Volumes.size(mid)];
    int[] inStrides = Volumes.strides(shape);
    int[] midStrides = Volumes.strides(mid);
    int sb = shape[b];
    int sc = shape[c];
    int ob = outShape[b];
    int oc = outShape[c];

    Parallel.forEach(shape[s], threads, () -> new SliceWork(sb * sc, order > 1 ? sb * oc : 0, ob * oc,
        Math.max(kc.lineWork(), kb.columnsWork(oc))), (w, i) -> {
      // gather the slice (sb x sc) as doubles
      int base = i * inStrides[s];
      for (int jb = 0, p = 0; jb < sb; jb++) {
        int row = base + jb * inStrides[b];
        for (int jc = 0; jc < sc; jc++, p++) w.plane[p] = in[row + jc * inStrides[c]];
      }
      double[] r;
      if (order <= 1) {
        direct2d(w.plane, sc, kb, kc, w.result);
        r = w.result;
      } else {
        double[] q = w.plane;
        if (!kc.isIdentity()) {
          for (int jb = 0; jb < sb; jb++) kc.line(w.plane, jb * sc, 1, w.rows, jb * oc, 1, w.work);
          q = w.rows;
        }
        r = q;
        if (!kb.isIdentity()) {
          kb.columns(q, 0, oc, oc, w.result, 0, oc, w.work);
          r = w.result;
        }
      }
      int n = ob * oc;
      if (separate) {
        double[] sliceRange = Volumes.finiteRange(w.plane, sb * sc);
        Volumes.clip(r, 0, n, sliceRange[0], sliceRange[1]);
      } else if (direct) {
        Volumes.clip(r, 0, n, range[0], range[1]);
      }
      if (direct) {
        int[] outStrides = midStrides; // mid == outShape here
        for (int jb = 0; jb < ob; jb++) {
          target.store(r, jb * oc, oc, i * outStrides[s] + jb * outStrides[b], outStrides[c]);
        }
      } else {
        int dst = i * midStrides[s];
        for (int jb = 0, p = 0; jb < ob; jb++) {
          int row = dst + jb * midStrides[b];
          for (int jc = 0; jc < oc; jc++, p++) midData[row + jc * midStrides[c]] = r[p];
        }
      }
    });
    if (direct) return;

    // stage 2: lines along s in the intermediate, viewed as (outer, shape[s], inner)
    int outer = 1;
    for (int d = 0; d < s; d++) outer *= mid[d];
    int inner = 1;
    for (int d = s + 1; d < 3; d++) inner *= mid[d];
    int n = shape[s];
    int on = outShape[s];
    if (inner == 1) {
      int linesPerTask = Math.max(1, Math.min(256, COLUMN_BLOCK_DOUBLES / (n + 2 * AxisKernel.SPLINE_PAD)));
      int tasks = (outer + linesPerTask - 1) / linesPerTask;
      final int outerLines = outer;
      Parallel.forEach(tasks, threads, () -> new LineWork(on, ks.lineWork()), (w, t) -> {
        int end = Math.min(outerLines, (t + 1) * linesPerTask);
        for (int u = t * linesPerTask; u < end; u++) {
          ks.line(midData, u * n, 1, w.out, 0, 1, w.work);
          if (!separate) Volumes.clip(w.out, 0, on, range[0], range[1]);
          target.store(w.out, 0, on, u * on, 1);
        }
      });
    } else {
      int m = Math.max(1, Math.min(inner, COLUMN_BLOCK_DOUBLES / (n + 2 * AxisKernel.SPLINE_PAD)));
      int blocks = (inner + m - 1) / m;
      final int innerCols = inner;
      Parallel.forEach(outer * blocks, threads, () -> new LineWork(on * m, ks.columnsWork(m)), (w, t) -> {
        int u = t / blocks;
        int j0 = (t % blocks) * m;
        int width = Math.min(m, innerCols - j0);
        ks.columns(midData, u * n * innerCols + j0, innerCols, width, w.out, 0, width, w.work);
        if (!separate) Volumes.clip(w.out, 0, on * width, range[0], range[1]);
        for (int k = 0; k < on; k++) target.store(w.out, k * width, width, (u * on + k) * innerCols + j0, 1);
      });
    }
  }

  /**
   * Order 0/1 zoom of a whole channel as scipy's NI_ZoomShift evaluates it: per output voxel, the sum over the
   * tap grid (last axis fastest) of {@code ((value * w0) * w1) * w2}, then clipped to the channel's range.
   *
   * <p>Per output row, the input rows it reads are first multiplied by their axis-0 and axis-1 weights, exactly as
   * scipy forms {@code (value * w0) * w1}; each output value then needs one product and one sum per tap, in scipy's
   * order, instead of three products and the index arithmetic (the same bits, about twice as fast).
   */
  private static void direct3d(float[] in, int[] shape, int[] outShape, AxisKernel k0, AxisKernel k1,
      AxisKernel k2, double[] range, Target target, int threads) {
    int o1 = outShape[1];
    int o2 = outShape[2];
    int rowTaps = k0.taps * k1.taps;
    Parallel.forEach(outShape[0], threads, () -> new RowWork(o2, rowTaps, shape[2]), (w, a) -> {
      // one call per output row, not one loop over a plane's rows here: a method called thousands of times gets
      // compiled early, while a loop in a task that runs a few dozen times waits for on-stack replacement
      for (int b = 0; b < o1; b++) {
        directRow(in, shape, k0, k1, k2, a, b, w);
        Volumes.clip(w.row, 0, o2, range[0], range[1]);
        target.store(w.row, 0, o2, (a * o1 + b) * o2, 1);
      }
    });
  }

  /** Output row (a, b) of {@link #direct3d} into {@code w.row}, not clipped. */
  private static void directRow(float[] in, int[] shape, AxisKernel k0, AxisKernel k1, AxisKernel k2, int a, int b,
      RowWork w) {
    int s0 = shape[1] * shape[2];
    int s1 = shape[2];
    boolean weighted = k0.order > 0;
    int t0n = k0.taps;
    int t1n = k1.taps;
    int t2n = k2.taps;
    int rows = 0;
    for (int x = 0; x < t0n; x++) {
      int i0 = k0.index[a * t0n + x] * s0;
      double w0 = k0.weight[a * t0n + x];
      // NB: a zero-weight tap adds +-0 to the sum and cannot change it (inputs are finite); skipping it
      // halves the work per axis whose length does not change (weights 1 and 0), e.g. z at export
      if (weighted && w0 == 0.0) continue;
      for (int y = 0; y < t1n; y++) {
        int i1 = i0 + k1.index[b * t1n + y] * s1;
        double w1 = k1.weight[b * t1n + y];
        if (weighted && w1 == 0.0) continue;
        double[] r = w.taps[rows++];
        if (weighted) {
          for (int j = 0; j < s1; j++) {
            double v = in[i1 + j];
            v *= w0;
            v *= w1;
            r[j] = v;
          }
        } else {
          for (int j = 0; j < s1; j++) r[j] = in[i1 + j];
        }
      }
    }
    // each output value is 0.0 plus its terms in scipy's order (tap row by tap row, then along the row); summed a tap
    // row at a time over the whole output row, which runs long inner loops instead of a few iterations per value
    double[] row = w.row;
    Arrays.fill(row, 0.0);
    int[] index = k2.index;
    double[] weight = k2.weight;
    for (int q = 0; q < rows; q++) {
      double[] r = w.taps[q];
      if (weighted && t2n == 2) { // linear: the export's zoom
        for (int c = 0, j = 0; c < row.length; c++, j += 2) {
          double t = row[c];
          t += r[index[j]] * weight[j];
          t += r[index[j + 1]] * weight[j + 1];
          row[c] = t;
        }
      } else {
        for (int c = 0; c < row.length; c++) {
          double t = row[c];
          for (int z = 0; z < t2n; z++) {
            double coeff = r[index[c * t2n + z]];
            if (weighted) coeff *= weight[c * t2n + z];
            t += coeff;
          }
          row[c] = t;
        }
      }
    }
  }

  /** The 2-D version of {@link #direct3d} for one {@code plane} with {@code width} columns, without clipping. */
  private static void direct2d(double[] plane, int width, AxisKernel kb, AxisKernel kc, double[] out) {
    boolean weighted = kb.order > 0;
    int tbn = kb.taps;
    int tcn = kc.taps;
    for (int b = 0, p = 0; b < kb.outLen; b++) {
      for (int c = 0; c < kc.outLen; c++, p++) {
        double t = 0.0;
        for (int y = 0; y < tbn; y++) {
          int ib = kb.index[b * tbn + y] * width;
          double wb = kb.weight[b * tbn + y];
          for (int z = 0; z < tcn; z++) {
            double coeff = plane[ib + kc.index[c * tcn + z]];
            if (weighted) {
              coeff *= wb;
              coeff *= kc.weight[c * tcn + z];
            }
            t += coeff;
          }
        }
        out[p] = t;
      }
    }
  }

  /** Per-thread buffers of stage 1. */
  private static final class SliceWork {
    final double[] plane;
    final double[] rows;
    final double[] result;
    final double[] work;

    SliceWork(int plane, int rows, int result, int work) {
      this.plane = new double[plane];
      this.rows = new double[rows];
      this.result = new double[result];
      this.work = new double[work];
    }
  }

  /** Per-thread buffers of {@link #direct3d}: one output row and the weighted input rows it reads. */
  private static final class RowWork {
    final double[] row;
    final double[][] taps;

    RowWork(int row, int tapRows, int rowLength) {
      this.row = new double[row];
      this.taps = new double[tapRows][rowLength];
    }
  }

  /** Per-thread buffers of stage 2. */
  private static final class LineWork {
    final double[] out;
    final double[] work;

    LineWork(int out, int work) {
      this.out = new double[out];
      this.work = new double[work];
    }
  }
}
