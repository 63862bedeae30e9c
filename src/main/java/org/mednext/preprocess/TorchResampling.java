package org.mednext.preprocess;

import java.util.Arrays;
import org.mednext.util.Half;
import org.mednext.util.Parallel;

/**
 * nnU-Net's {@code resample_torch_fornnunet} (nnunetv2/preprocessing/resampling/resample_torch.py) for one channel
 * whose shape changes, on {@link TorchInterpolation}: without a separate axis a trilinear resize; with separate axis
 * {@code a}, first the slices across {@code a} bilinear in-plane (nnU-Net folds them into torch's channels), then
 * {@code a} with {@code nearest-exact} ({@code orderZ} 0) or trilinear, each step skipped when it changes nothing.
 * Label maps go per label through the same steps.
 */
final class TorchResampling {

  /** The shortcut of the non-memory-efficient label path: a label wins where its 0/1000 mask is above this. */
  private static final float SURE = 0.7f * 1000;

  private TorchResampling() {}

  /** The channel {@code x} of {@code shape} on {@code newShape} (different shapes), into {@code out}. */
  static float[] resample(float[] x, int[] shape, int[] newShape, int axis, int orderZ, float[] out, int threads) {
    if (axis < 0) return TorchInterpolation.trilinear(x, shape, newShape, out, threads);
    int[] mid = newShape.clone();
    mid[axis] = shape[axis];
    boolean alongAxis = !Arrays.equals(mid, newShape);
    float[] inPlane = x;
    if (!Arrays.equals(mid, shape)) {
      inPlane = TorchInterpolation.bilinearPlanes(x, shape, mid, axis,
          alongAxis ? new float[Volumes.size(mid)] : out, threads);
    }
    if (!alongAxis) return inPlane; // out (the shapes differ, so the in-plane step ran)
    return orderZ == 0 ? TorchInterpolation.nearestExact(inPlane, mid, newShape, out, threads)
        : TorchInterpolation.trilinear(inPlane, mid, newShape, out, threads);
  }

  /**
   * A label map on {@code newShape} (different shapes): each label's 0/1 mask, in ascending label order, through
   * the steps of {@link #resample}; with {@code memoryEfficient} a label is set where its mask is &gt; 0.5 (later
   * labels overwrite, unset voxels 0), else where its mask times 1000, rounded to fp16, is &gt; 700, and the others
   * take the label of the largest such value (the first of equals).
   */
  static short[] labels(short[] labels, int[] shape, int[] newShape, int axis, int orderZ, boolean memoryEfficient,
      int threads) {
    if (axis < 0) return labelStep(labels, shape, newShape, -1, memoryEfficient, threads);
    int[] mid = newShape.clone();
    mid[axis] = shape[axis];
    short[] inPlane = Arrays.equals(mid, shape) ? labels
        : labelStep(labels, shape, mid, axis, memoryEfficient, threads);
    if (Arrays.equals(mid, newShape)) return inPlane;
    if (orderZ == 1) return labelStep(inPlane, mid, newShape, -1, memoryEfficient, threads);
    // nearest-exact copies one source voxel: its label's mask is 1 there (wins), every other 0
    return TorchInterpolation.nearestExact(inPlane, mid, newShape);
  }

  /** One linear step for labels: trilinear ({@code planeAxis} -1) or bilinear across {@code planeAxis}. */
  private static short[] labelStep(short[] labels, int[] shape, int[] target, int planeAxis, boolean memoryEfficient,
      int threads) {
    short[] unique = LabelResampling.uniqueSorted(labels);
    int n = Volumes.size(target);
    short[] out = new short[n];
    float[] mask = new float[labels.length];
    float scale = memoryEfficient ? 1f : 1000f;
    float[][] kept = memoryEfficient ? null : new float[unique.length][];
    boolean[] done = memoryEfficient ? null : new boolean[n];
    float[] reused = memoryEfficient ? new float[n] : null; // the other rule keeps every label's values
    for (int u = 0; u < unique.length; u++) {
      short label = unique[u];
      Parallel.forRanges(mask.length, threads, (from, to) -> {
        for (int i = from; i < to; i++) mask[i] = labels[i] == label ? scale : 0f;
      });
      float[] r = memoryEfficient ? reused : new float[n];
      if (planeAxis < 0) TorchInterpolation.trilinear(mask, shape, target, r, threads);
      else TorchInterpolation.bilinearPlanes(mask, shape, target, planeAxis, r, threads);
      if (memoryEfficient) {
        for (int i = 0; i < n; i++) if (r[i] > 0.5f) out[i] = label;
      } else {
        for (int i = 0; i < n; i++) {
          r[i] = Half.round(r[i]); // torch keeps these in an fp16 tensor
          if (r[i] > SURE) {
            out[i] = label;
            done[i] = true;
          }
        }
        kept[u] = r;
      }
    }
    if (!memoryEfficient) {
      for (int i = 0; i < n; i++) {
        if (done[i]) continue;
        int best = 0;
        for (int u = 1; u < unique.length; u++) if (kept[u][i] > kept[best][i]) best = u;
        out[i] = unique[best];
      }
    }
    return out;
  }
}
