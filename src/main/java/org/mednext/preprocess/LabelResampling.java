package org.mednext.preprocess;

import java.util.Arrays;

/**
 * The {@code is_seg=True} branch of nnU-Net's resampling: batchgenerators' {@code resize_segmentation}
 * in-plane or in 3-D, and the per-label interpolation (order_z above 0) along a separate axis.
 */
final class LabelResampling {

  private LabelResampling() {}

  static short[] resample(short[] labels, int[] shape, int[] newShape, int order, int axis, int orderZ,
      int threads) {
    if (axis < 0) return resizeSegmentation(labels, shape, newShape, order, -1, threads);
    int[] mid = newShape.clone();
    mid[axis] = shape[axis];
    short[] inPlane = resizeSegmentation(labels, shape, mid, order, axis, threads);
    if (mid[axis] == newShape[axis]) return inPlane;
    if (orderZ == 0) return nearest(inPlane, mid, newShape, axis, threads);
    // per label of the in-plane result: order_z along the axis, set where the value rounds to 1 or more
    short[] out = new short[Volumes.size(newShape)];
    float[] mask = new float[inPlane.length];
    double[] value = new double[out.length];
    for (short label : uniqueSorted(inPlane)) {
      for (int i = 0; i < mask.length; i++) mask[i] = inPlane[i] == label ? 1f : 0f;
      ResampleEngine.run(mask, mid, newShape, 0, axis, orderZ, ResampleEngine.toDouble(value), threads);
      for (int i = 0; i < out.length; i++) if (Math.rint(value[i]) > 0.5) out[i] = label;
    }
    return out;
  }

  /**
   * {@code resize_segmentation} from {@code shape} to {@code target}: in 3-D ({@code axis < 0}) or per slice
   * along {@code axis} (where {@code target[axis] == shape[axis]}).
   */
  private static short[] resizeSegmentation(short[] labels, int[] shape, int[] target, int order, int axis,
      int threads) {
    if (order == 0) return nearest(labels, shape, target, axis, threads);
    short[] out = new short[Volumes.size(target)];
    float[] mask = new float[labels.length];
    double[] value = new double[out.length];
    for (short label : uniqueSorted(labels)) {
      for (int i = 0; i < mask.length; i++) mask[i] = labels[i] == label ? 1f : 0f;
      ResampleEngine.run(mask, shape, target, order, axis, 0, ResampleEngine.toDouble(value), threads);
      for (int i = 0; i < out.length; i++) if (value[i] >= 0.5) out[i] = label;
    }
    return out;
  }

  /** Nearest-neighbour resampling of the label values themselves (order 0 everywhere). */
  private static short[] nearest(short[] labels, int[] shape, int[] target, int axis, int threads) {
    float[] in = new float[labels.length];
    for (int i = 0; i < in.length; i++) in[i] = labels[i];
    float[] res = new float[Volumes.size(target)];
    ResampleEngine.run(in, shape, target, 0, axis, 0, ResampleEngine.toFloat(res), threads);
    short[] out = new short[res.length];
    for (int i = 0; i < out.length; i++) out[i] = (short) res[i];
    return out;
  }

  static short[] uniqueSorted(short[] labels) {
    boolean[] seen = new boolean[1 << 16];
    int n = 0;
    for (short v : labels) {
      if (!seen[v & 0xffff]) {
        seen[v & 0xffff] = true;
        n++;
      }
    }
    short[] out = new short[n];
    int k = 0;
    for (int v = Short.MIN_VALUE; v <= Short.MAX_VALUE; v++) if (seen[v & 0xffff]) out[k++] = (short) v;
    return Arrays.copyOf(out, k);
  }
}
