package org.mednext.train.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mednext.preprocess.TorchInterpolation;
import org.mednext.util.Checks;

/**
 * The label pyramid nnU-Net trains deep supervision against ({@code DownsampleSegForDSTransform}; scales from
 * {@code _get_deep_supervision_scales}; NNUNET_PIPELINE_SPEC.md §D.5): the label map at scale {@code s} is
 * resized to {@code round_half_even(shape * s)} with torch's {@code nearest-exact} rule.
 */
public final class DeepSupervisionTargets {

  private DeepSupervisionTargets() {}

  /**
   * nnU-Net's scales from the network's per-stage strides ({@code pool_op_kernel_sizes}, first stage usually all
   * 1): {@code 1 / cumprod(strides)} per axis, without the last stage. {@code strides[i]} has one entry per axis.
   */
  public static double[][] scales(int[][] strides) {
    Checks.notNull(strides, "strides");
    Checks.argument(strides.length >= 1, "at least one stage stride is needed");
    int dims = strides[0].length;
    double[][] out = new double[strides.length - 1][];
    long[] product = new long[dims];
    Arrays.fill(product, 1);
    for (int i = 0; i < strides.length - 1; i++) {
      Checks.argument(strides[i].length == dims, "stage %d has %d strides, stage 0 has %d", i, strides[i].length,
          dims);
      out[i] = new double[dims];
      for (int d = 0; d < dims; d++) {
        Checks.argument(strides[i][d] >= 1, "strides must be >= 1, got %s", Arrays.toString(strides[i]));
        product[d] *= strides[i][d];
        out[i][d] = 1.0 / product[d];
      }
    }
    return out;
  }

  /** {@code round_half_even(shape[d] * scale[d])} per axis (the product taken in double, as Python does). */
  public static int[] targetShape(int[] shape, double[] scale) {
    Checks.argument(shape.length == scale.length, "shape %s and scale %s differ in axes", Arrays.toString(shape),
        Arrays.toString(scale));
    int[] out = new int[shape.length];
    for (int d = 0; d < shape.length; d++) out[d] = (int) Math.rint(shape[d] * scale[d]);
    return out;
  }

  /**
   * The targets for {@code scales} (3 entries each, in {@code (a0, a1, a2)}; use 1 for an axis a 2D network does
   * not have): scale 1 returns {@code labels} itself, others a nearest-exact resize.
   */
  public static List<short[]> pyramid(short[] labels, int[] shape, double[][] scales) {
    List<short[]> out = new ArrayList<>(scales.length);
    for (double[] s : scales) {
      int[] target = targetShape(shape, s);
      out.add(Arrays.equals(target, shape) && allOne(s) ? labels : downsample(labels, shape, target));
    }
    return out;
  }

  /** Nearest-exact resize of a label map (C order) from {@code shape} to {@code target}. */
  public static short[] downsample(short[] labels, int[] shape, int[] target) {
    return TorchInterpolation.nearestExact(labels, shape, target);
  }

  private static boolean allOne(double[] s) {
    for (double v : s) if (v != 1) return false;
    return true;
  }
}
