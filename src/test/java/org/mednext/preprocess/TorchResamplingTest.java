package org.mednext.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code resample_torch_fornnunet} through {@link Resampling}: which torch steps run for which spacings, and its two
 * label rules. The steps themselves are checked against libtorch in {@link TorchInterpolationTest}.
 */
class TorchResamplingTest {

  private static final ResamplingOptions AUTO = ResamplingOptions.torch(0, null, Resampling.ANISO_THRESHOLD, false);

  private static float[] random(int n) {
    SplittableRandom r = new SplittableRandom(3);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) r.nextDouble(-2, 2);
    return x;
  }

  @Test
  void isotropicSpacingsResizeTrilinearly() {
    int[] shape = {10, 12, 14};
    int[] target = {13, 9, 20};
    float[] x = random(10 * 12 * 14);
    float[] out = Resampling.resample(x, shape, target, new double[] {1, 1, 1}, new double[] {0.8, 1.3, 0.7}, AUTO, 2);
    assertArrayEquals(TorchInterpolation.trilinear(x, shape, target, new float[13 * 9 * 20], 1), out, 0f);
  }

  @Test
  void anAnisotropicAxisIsResizedInPlaneFirstThenNearestExactAlongIt() {
    int[] shape = {6, 12, 14};
    int[] target = {15, 9, 20};
    float[] x = random(6 * 12 * 14);
    double[] spacing = {4, 1, 1}; // 4 / 1 > 3: axis 0 separately
    double[] newSpacing = {1.6, 1.33, 0.7};
    int[] mid = {6, 9, 20};
    float[] inPlane = TorchInterpolation.bilinearPlanes(x, shape, mid, 0, new float[6 * 9 * 20], 1);
    float[] expected = TorchInterpolation.nearestExact(inPlane, mid, target, new float[15 * 9 * 20], 1);
    assertArrayEquals(expected, Resampling.resample(x, shape, target, spacing, newSpacing, AUTO, 2), 0f);
    // aniso_axis_mode 'linear': trilinear along the axis, the in-plane weights (1, 0)
    ResamplingOptions linearZ = ResamplingOptions.torch(1, null, Resampling.ANISO_THRESHOLD, false);
    assertArrayEquals(TorchInterpolation.trilinear(inPlane, mid, target, new float[15 * 9 * 20], 1),
        Resampling.resample(x, shape, target, spacing, newSpacing, linearZ, 2), 0f);
    // the plans of nnUNetPlannerResEncL_torchres force it off: one trilinear resize
    ResamplingOptions off = ResamplingOptions.torch(0, false, Resampling.ANISO_THRESHOLD, false);
    assertArrayEquals(TorchInterpolation.trilinear(x, shape, target, new float[15 * 9 * 20], 1),
        Resampling.resample(x, shape, target, spacing, newSpacing, off, 2), 0f);
  }

  @Test
  void stepsThatChangeNothingAreSkipped() {
    int[] shape = {6, 12, 14};
    float[] x = random(6 * 12 * 14);
    double[] spacing = {4, 1, 1};
    // only the separate axis changes: nearest-exact alone (a bilinear pass with unchanged planes would still round)
    int[] deeper = {15, 12, 14};
    assertArrayEquals(TorchInterpolation.nearestExact(x, shape, deeper, new float[15 * 12 * 14], 1),
        Resampling.resample(x, shape, deeper, spacing, new double[] {1.6, 1, 1}, AUTO, 1), 0f);
    // only the planes change
    int[] wider = {6, 9, 20};
    assertArrayEquals(TorchInterpolation.bilinearPlanes(x, shape, wider, 0, new float[6 * 9 * 20], 1),
        Resampling.resample(x, shape, wider, spacing, new double[] {4, 1.33, 0.7}, AUTO, 1), 0f);
    assertSame(x, Resampling.resample(x, shape, shape, spacing, spacing, AUTO, 1));
  }

  @Test
  void labelsAreSetWhereTheirMaskExceedsOneHalfOrByTheSureShortcutAndArgmax() {
    // two labels, two voxels -> three: the middle voxel reads both at weight 0.5
    short[] labels = {1, 2};
    int[] shape = {1, 1, 2};
    int[] target = {1, 1, 3};
    double[] spacing = {1, 1, 1};
    double[] newSpacing = {1, 1, 2 / 3.0};
    ResamplingOptions memoryEfficient = ResamplingOptions.torch(0, null, Resampling.ANISO_THRESHOLD, true);
    // memefficient_seg_resampling: neither mask is > 0.5 there, so it keeps the 0 it started with
    assertArrayEquals(new short[] {1, 0, 2},
        Resampling.resampleLabels(labels, shape, target, spacing, newSpacing, memoryEfficient, 1));
    // otherwise neither 500 is above 700, and the argmax takes the first of the equal values: label 1
    assertArrayEquals(new short[] {1, 1, 2},
        Resampling.resampleLabels(labels, shape, target, spacing, newSpacing, AUTO, 1));
  }

  @Test
  void labelsAlongASeparateAxisAreCopiedFromTheNearestSlice() {
    short[] labels = {-1, 0, 3, 3, 0, -1, 5, 5}; // (2, 2, 2), -1 outside the mask as in training
    int[] shape = {2, 2, 2};
    int[] target = {5, 2, 2};
    short[] out = Resampling.resampleLabels(labels, shape, target, new double[] {5, 1, 1}, new double[] {2, 1, 1},
        AUTO, 1);
    int[] src = TorchInterpolation.nearestExactIndices(2, 5);
    for (int a = 0; a < 5; a++) {
      for (int i = 0; i < 4; i++) assertArrayEquals(new short[] {labels[src[a] * 4 + i]}, new short[] {out[a * 4 + i]});
    }
  }

  @Test
  void torchOptionsAreLinearFloat32AndKeepTheirFunctionThroughPrecisionChanges() {
    assertThrows(IllegalArgumentException.class, () -> new ResamplingOptions(3, 0, ResamplingOptions.SeparateZ.AUTO,
        3, ResamplingOptions.Precision.FLOAT32, ResamplingOptions.Function.TORCH, false));
    assertThrows(IllegalArgumentException.class, () -> new ResamplingOptions(1, 0, ResamplingOptions.SeparateZ.AUTO,
        3, ResamplingOptions.Precision.FLOAT32, ResamplingOptions.Function.SPLINE, true));
    assertThrows(IllegalArgumentException.class, () -> AUTO.withPrecision(ResamplingOptions.Precision.FLOAT16));
  }
}
