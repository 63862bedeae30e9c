package org.mednext.preprocess;

import java.util.Arrays;
import org.mednext.util.Checks;
import org.mednext.util.Parallel;

/**
 * The plans' {@code transpose_forward} / {@code transpose_backward}: a permutation of the three spatial axes,
 * applied as numpy's {@code array.transpose(axes)} (output axis {@code k} is input axis {@code axes[k]}) to
 * channels, label maps and spacings (NNUNET_PIPELINE_SPEC.md B.3, C.7 step 4).
 */
public final class Transposition {

  private Transposition() {}

  /**
   * Checks that {@code axes} is a permutation of {@code {0, 1, 2}}; returns it.
   *
   * @throws IllegalArgumentException otherwise
   */
  public static int[] checkAxes(int[] axes) {
    Checks.notNull(axes, "axes");
    int seen = 0;
    for (int a : axes) if (a >= 0 && a < 3) seen |= 1 << a;
    Checks.argument(axes.length == 3 && seen == 7,
        "a transpose must be a permutation of [0, 1, 2], got %s; check the plans' transpose_forward/backward",
        Arrays.toString(axes));
    return axes;
  }

  /** The inverse permutation ({@code transpose_backward} of a {@code transpose_forward}). */
  public static int[] inverse(int[] axes) {
    checkAxes(axes);
    int[] inv = new int[3];
    for (int d = 0; d < 3; d++) inv[axes[d]] = d;
    return inv;
  }

  /** {@code shape} permuted: {@code out[k] = shape[axes[k]]}. */
  public static int[] shape(int[] shape, int[] axes) {
    checkAxes(axes);
    Volumes.checkShape(shape, "shape");
    return new int[] {shape[axes[0]], shape[axes[1]], shape[axes[2]]};
  }

  /** {@code spacing} permuted like the axes: {@code out[k] = spacing[axes[k]]}. */
  public static double[] spacing(double[] spacing, int[] axes) {
    checkAxes(axes);
    Checks.notNull(spacing, "spacing");
    Checks.argument(spacing.length == 3, "spacing must have 3 values, got %d", spacing.length);
    return new double[] {spacing[axes[0]], spacing[axes[1]], spacing[axes[2]]};
  }

  /**
   * {@code data.transpose(axes)} as a new C-order array of shape {@link #shape(int[], int[])}; {@code data}
   * itself (not a copy) for the identity permutation.
   */
  public static float[] apply(float[] data, int[] shape, int[] axes, int threads) {
    Checks.notNull(data, "data");
    checkAxes(axes);
    Volumes.checkLength(data.length, shape, "data");
    if (isIdentity(axes)) return data;
    return applyInto(data, shape, axes, new float[data.length], threads);
  }

  /** {@code data.transpose(axes)} into {@code res} (same length, overwritten; a copy for the identity). */
  public static float[] applyInto(float[] data, int[] shape, int[] axes, float[] res, int threads) {
    Checks.notNull(data, "data");
    int[] out = shape(shape, axes);
    Volumes.checkLength(data.length, shape, "data");
    Checks.argument(res.length == data.length, "output has %d values, the data %d", res.length, data.length);
    int[] st = inputStrides(shape, axes);
    Parallel.forEach(out[0], threads, i -> {
      int o = i * out[1] * out[2];
      for (int j = 0; j < out[1]; j++) {
        int base = i * st[0] + j * st[1];
        for (int k = 0; k < out[2]; k++) res[o++] = data[base + k * st[2]];
      }
    });
    return res;
  }

  /** {@link #apply(float[], int[], int[], int)} for a uint8/int8 label map. */
  public static byte[] apply(byte[] data, int[] shape, int[] axes, int threads) {
    Checks.notNull(data, "data");
    int[] out = shape(shape, axes);
    Volumes.checkLength(data.length, shape, "data");
    if (isIdentity(axes)) return data;
    byte[] res = new byte[data.length];
    int[] st = inputStrides(shape, axes);
    Parallel.forEach(out[0], threads, i -> {
      int o = i * out[1] * out[2];
      for (int j = 0; j < out[1]; j++) {
        int base = i * st[0] + j * st[1];
        for (int k = 0; k < out[2]; k++) res[o++] = data[base + k * st[2]];
      }
    });
    return res;
  }

  /** {@link #apply(float[], int[], int[], int)} for an int16/uint16 label map. */
  public static short[] apply(short[] data, int[] shape, int[] axes, int threads) {
    Checks.notNull(data, "data");
    int[] out = shape(shape, axes);
    Volumes.checkLength(data.length, shape, "data");
    if (isIdentity(axes)) return data;
    short[] res = new short[data.length];
    int[] st = inputStrides(shape, axes);
    Parallel.forEach(out[0], threads, i -> {
      int o = i * out[1] * out[2];
      for (int j = 0; j < out[1]; j++) {
        int base = i * st[0] + j * st[1];
        for (int k = 0; k < out[2]; k++) res[o++] = data[base + k * st[2]];
      }
    });
    return res;
  }

  /** Whether {@code axes} leaves the order as it is. */
  public static boolean isIdentity(int[] axes) {
    return axes[0] == 0 && axes[1] == 1 && axes[2] == 2;
  }

  /** Input stride (elements) of each output axis. */
  private static int[] inputStrides(int[] shape, int[] axes) {
    int[] in = Volumes.strides(shape);
    return new int[] {in[axes[0]], in[axes[1]], in[axes[2]]};
  }
}
