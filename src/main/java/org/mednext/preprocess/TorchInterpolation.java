package org.mednext.preprocess;

import java.util.Arrays;
import org.mednext.util.Checks;
import org.mednext.util.Parallel;

/**
 * PyTorch's {@code F.interpolate(x, size, mode, align_corners=False, antialias=False)} of one float32 channel, with
 * the arithmetic of libtorch 2.x's generic CPU kernels ({@code upsample_generic_Nd_kernel_impl}) on x86-64, whose
 * AVX2 and AVX-512 builds fuse multiply-adds: the result is bit-identical to libtorch 2.7.1's (checked by
 * TorchInterpolationTest against the library itself). nnU-Net's {@code resample_torch_fornnunet} and the training's
 * low-resolution augmentation are built on it.
 *
 * <p>Per axis with {@code in} samples resized to {@code out}: {@code scale = (float) in / out}; output sample
 * {@code k} reads {@code real = max(scale * (k + 0.5f) - 0.5f, 0)}. Linear: {@code lo = min(floor(real), in - 1)},
 * {@code hi = lo + 1} (or {@code lo} at the end), {@code w1 = clamp(real - lo, 0, 1)}, {@code w0 = 1 - w1}, all in
 * float, the products not fused; an axis whose length does not change has weights (1, 0). The value is
 * {@code fma(t0, w0, t1 * w1)} per axis, the last axis innermost. Nearest-exact: {@code real} with a fused
 * multiply-add, then {@code min(floor(real + 0.5), in - 1)}. (The same formulas computed otherwise - in double, or
 * fused where libtorch does not fuse - differ from libtorch in up to 60 % of the weights, by an ulp.)
 *
 * <p>Arrays are C order, the last axis fastest. Results do not depend on the thread count.
 */
public final class TorchInterpolation {

  /**
   * libtorch sends 2-D linear resizes whose output height + width is at most this to its channels-last kernel,
   * which rounds differently (see {@link #bilinearPlanes}).
   */
  static final int CHANNELS_LAST_2D_MAX = 128;

  private TorchInterpolation() {}

  /** Source index of every output index for {@code mode='nearest-exact'} along one axis. */
  public static int[] nearestExactIndices(int in, int out) {
    Checks.argument(in > 0 && out > 0, "sizes must be > 0, got %d -> %d", in, out);
    int[] idx = new int[out];
    float scale = (float) in / out;
    for (int k = 0; k < out; k++) {
      if (in == out) {
        idx[k] = k;
        continue;
      }
      idx[k] = Math.min((int) Math.floor((float) (source(scale, k, true) + 0.5)), in - 1);
    }
    return idx;
  }

  /**
   * {@code mode='trilinear'} of {@code x} (shape {@code shape}) to {@code target}, into {@code out}.
   *
   * @return {@code out}
   */
  public static float[] trilinear(float[] x, int[] shape, int[] target, float[] out, int threads) {
    check(x, shape, target, out, threads);
    LinearAxis a0 = new LinearAxis(shape[0], target[0], false);
    LinearAxis a1 = new LinearAxis(shape[1], target[1], false);
    LinearAxis a2 = new LinearAxis(shape[2], target[2], false);
    int plane = target[1] * target[2];
    // libtorch nests the axes, each level a float: out = fma(P(lo0), u0, P(hi0) * u1) with P(a) the bilinear value of
    // input slice a, itself fma(R(a, lo1), v0, R(a, hi1) * v1) of the linear rows R. Each P(a) is the same float for
    // every output slice that reads it, so it is made once per slice (a task keeps the last two), not per output voxel.
    Parallel.forRanges(target[0], threads, 4, (from, to) -> {
      float[] rows = new float[shape[1] * target[2]];
      float[][] slab = {new float[plane], new float[plane]};
      int[] held = {-1, -1};
      for (int i = from; i < to; i++) {
        float[] lo = slice(x, shape, a0.lo[i], a1, a2, rows, slab, held);
        float[] hi = slice(x, shape, a0.hi[i], a1, a2, rows, slab, held);
        float u0 = a0.w0[i];
        float u1 = a0.w1[i];
        int o = i * plane;
        for (int p = 0; p < plane; p++) out[o + p] = Math.fma(lo[p], u0, hi[p] * u1);
      }
    });
    return out;
  }

  /**
   * Input slice {@code a} resized bilinearly over the last two axes (libtorch's inner two levels), from the two held
   * slices when one is {@code a}, else made into the one not needed next.
   */
  private static float[] slice(float[] x, int[] shape, int a, LinearAxis a1, LinearAxis a2, float[] rows,
      float[][] slab, int[] held) {
    for (int h = 0; h < 2; h++) if (held[h] == a) return slab[h];
    int h = held[0] < held[1] ? 0 : 1; // slices are asked for in ascending order: replace the older
    held[h] = a;
    int s1 = shape[1];
    int s2 = shape[2];
    int t2 = a2.lo.length;
    int base = a * s1 * s2;
    for (int b = 0; b < s1; b++) {
      int in = base + b * s2;
      int r = b * t2;
      for (int k = 0; k < t2; k++) rows[r + k] = Math.fma(x[in + a2.lo[k]], a2.w0[k], x[in + a2.hi[k]] * a2.w1[k]);
    }
    float[] out = slab[h];
    for (int j = 0, o = 0; j < a1.lo.length; j++) {
      int r0 = a1.lo[j] * t2;
      int r1 = a1.hi[j] * t2;
      float v0 = a1.w0[j];
      float v1 = a1.w1[j];
      for (int k = 0; k < t2; k++, o++) out[o] = Math.fma(rows[r0 + k], v0, rows[r1 + k] * v1);
    }
    return out;
  }

  /**
   * {@code mode='nearest-exact'} of {@code x} (shape {@code shape}) to {@code target}, into {@code out}.
   *
   * @return {@code out}
   */
  public static float[] nearestExact(float[] x, int[] shape, int[] target, float[] out, int threads) {
    check(x, shape, target, out, threads);
    int[] i0 = nearestExactIndices(shape[0], target[0]);
    int[] i1 = nearestExactIndices(shape[1], target[1]);
    int[] i2 = nearestExactIndices(shape[2], target[2]);
    int t1 = target[1];
    int t2 = target[2];
    Parallel.forRanges(target[0] * t1, threads, 8, (from, to) -> {
      for (int r = from; r < to; r++) {
        int row = (i0[r / t1] * shape[1] + i1[r % t1]) * shape[2];
        int o = r * t2;
        for (int k = 0; k < t2; k++) out[o + k] = x[row + i2[k]];
      }
    });
    return out;
  }

  /** {@code mode='nearest-exact'} of a label map {@code labels} (shape {@code shape}) to {@code target}. */
  public static short[] nearestExact(short[] labels, int[] shape, int[] target) {
    Checks.notNull(labels, "labels");
    Volumes.checkShape(shape, "shape");
    Volumes.checkShape(target, "target shape");
    Volumes.checkLength(labels.length, shape, "label map");
    int[] i0 = nearestExactIndices(shape[0], target[0]);
    int[] i1 = nearestExactIndices(shape[1], target[1]);
    int[] i2 = nearestExactIndices(shape[2], target[2]);
    short[] out = new short[Volumes.size(target)];
    int o = 0;
    for (int a : i0) {
      for (int b : i1) {
        int row = (a * shape[1] + b) * shape[2];
        for (int c : i2) out[o++] = labels[row + c];
      }
    }
    return out;
  }

  /**
   * {@code mode='bilinear'} of every plane of {@code x} across {@code axis} (whose length stays), as nnU-Net resizes
   * the slices of a separately resampled axis: the two other axes, in their order, are height and width.
   *
   * <p>Outputs whose height + width is at most {@value #CHANNELS_LAST_2D_MAX} libtorch computes with its channels-last
   * kernel: the indices with a fused multiply-add, one weight per tap ({@code wh * ww}), the taps summed as
   * {@code fma(x00, w00, fma(x01, w01, fma(x10, w10, x11 * w11)))}. That form gives libtorch's value for about 83 % of
   * the values and is at most one ulp (of the values' magnitude) from it elsewhere; the exact rule is not known.
   *
   * <p>libtorch also takes that kernel when nnU-Net's folded slices form a channels-last view, whatever the size: for
   * a one-channel array (an image of one modality, a label map) whose separate axis is the last one, with more than 3
   * slices. There this method keeps the generic kernel's arithmetic, and about half the values differ from libtorch's
   * by an ulp: the channels-last kernel sums a plane's taps in one order when the plane falls in a full group of the
   * CPU's vector width and in another otherwise, so no plane-by-plane rule reproduces it.
   *
   * @return {@code out}
   */
  static float[] bilinearPlanes(float[] x, int[] shape, int[] target, int axis, float[] out, int threads) {
    check(x, shape, target, out, threads);
    Checks.argument(axis >= 0 && axis < 3 && shape[axis] == target[axis], "axis %d must keep its length: %s -> %s",
        axis, Arrays.toString(shape), Arrays.toString(target));
    int h = axis == 0 ? 1 : 0;
    int w = axis == 2 ? 1 : 2;
    int th = target[h];
    int tw = target[w];
    boolean channelsLast = th + tw <= CHANNELS_LAST_2D_MAX;
    LinearAxis ah = new LinearAxis(shape[h], th, channelsLast);
    LinearAxis aw = new LinearAxis(shape[w], tw, channelsLast);
    int[] inStrides = Volumes.strides(shape);
    int[] outStrides = Volumes.strides(target);
    Parallel.forRanges(shape[axis] * th, threads, 8, (from, to) -> {
      for (int r = from; r < to; r++) {
        int p = r / th;
        int i = r % th;
        int row0 = p * inStrides[axis] + ah.lo[i] * inStrides[h];
        int row1 = p * inStrides[axis] + ah.hi[i] * inStrides[h];
        float v0 = ah.w0[i];
        float v1 = ah.w1[i];
        int o = p * outStrides[axis] + i * outStrides[h];
        int sw = inStrides[w];
        int ow = outStrides[w];
        for (int k = 0; k < tw; k++) {
          int lo = aw.lo[k] * sw;
          int hi = aw.hi[k] * sw;
          float w0 = aw.w0[k];
          float w1 = aw.w1[k];
          if (channelsLast) {
            out[o + k * ow] = Math.fma(x[row0 + lo], v0 * w0, Math.fma(x[row0 + hi], v0 * w1,
                Math.fma(x[row1 + lo], v1 * w0, x[row1 + hi] * (v1 * w1))));
          } else {
            float t0 = Math.fma(x[row0 + lo], w0, x[row0 + hi] * w1);
            float t1 = Math.fma(x[row1 + lo], w0, x[row1 + hi] * w1);
            out[o + k * ow] = Math.fma(t0, v0, t1 * v1);
          }
        }
      }
    });
    return out;
  }

  /**
   * Where output sample {@code k} reads the input, {@code max(scale * (k + 0.5) - 0.5, 0)} in float: with one rounding
   * ({@code fused}: nearest-exact, the channels-last kernel) or two (the generic kernel's linear weights).
   */
  private static float source(float scale, int k, boolean fused) {
    return Math.max(fused ? Math.fma(scale, k + 0.5f, -0.5f) : scale * (k + 0.5f) - 0.5f, 0f);
  }

  private static void check(float[] x, int[] shape, int[] target, float[] out, int threads) {
    Checks.notNull(x, "input");
    Checks.notNull(out, "output");
    Volumes.checkShape(shape, "shape");
    Volumes.checkShape(target, "target shape");
    Volumes.checkLength(x.length, shape, "input");
    Volumes.checkLength(out.length, target, "output");
    Checks.argument(x != out, "output must not be the input");
    Parallel.checkThreads(threads);
  }

  /** Source indices and weights along one axis (libtorch's {@code compute_source_index_and_lambda}). */
  static final class LinearAxis {
    final int[] lo;
    final int[] hi;
    final float[] w0;
    final float[] w1;

    /** @param fused the source position with a fused multiply-add (libtorch's channels-last kernel) */
    LinearAxis(int in, int out, boolean fused) {
      lo = new int[out];
      hi = new int[out];
      w0 = new float[out];
      w1 = new float[out];
      float scale = (float) in / out;
      for (int k = 0; k < out; k++) {
        if (in == out) { // libtorch copies the index: weights exactly (1, 0)
          lo[k] = k;
          hi[k] = k;
          w0[k] = 1f;
          continue;
        }
        float real = source(scale, k, fused);
        lo[k] = Math.min((int) Math.floor(real), in - 1);
        hi[k] = lo[k] + (lo[k] < in - 1 ? 1 : 0);
        w1[k] = Math.min(Math.max(real - lo[k], 0f), 1f);
        w0[k] = 1f - w1[k];
      }
    }
  }
}
