package org.mednext.train.sampling;

import java.util.Arrays;
import org.mednext.util.Checks;

/**
 * nnU-Net's enlarged training patch: the patch the sampler crops so that rotation and scaling never reach past
 * it, and the rotation range and "dummy 2D" rule that decide its size ({@code
 * nnUNetTrainer.configure_rotation_dummyDA_mirroring_and_inital_patch_size}, {@code get_patch_size};
 * NNUNET_PIPELINE_SPEC.md §D.6, §D.7). Shapes are in nnU-Net axis order.
 */
public final class InitialPatchSize {

  /** A 3D patch whose largest edge exceeds this multiple of its first edge is augmented in-plane ("dummy 2D"). */
  public static final double ANISOTROPY_THRESHOLD = 3;
  /** nnU-Net's smallest scale factor for the enlargement (the lower end of (0.85, 1.25)). */
  public static final double MIN_SCALE = 0.85;

  private InitialPatchSize() {}

  /** Whether nnU-Net augments a 3D {@code patchSize} slice by slice in the a1/a2 plane. */
  public static boolean isDummy2d(int[] patchSize) {
    checkPatch(patchSize);
    return patchSize.length == 3 && max(patchSize) / (double) patchSize[0] > ANISOTROPY_THRESHOLD;
  }

  /**
   * nnU-Net's rotation range (radians, symmetric): 30 degrees for 3D patches, 180 for dummy 2D, and for 2D
   * patches 15 if the longer edge exceeds 1.5 times the shorter, else 180.
   */
  public static double rotationRange(int[] patchSize) {
    checkPatch(patchSize);
    if (patchSize.length == 2) {
      int lo = Math.min(patchSize[0], patchSize[1]);
      return Math.toRadians(max(patchSize) / (double) lo > 1.5 ? 15 : 180);
    }
    return Math.toRadians(isDummy2d(patchSize) ? 180 : 30);
  }

  /**
   * The enlarged patch nnU-Net crops for training: {@code compute(patchSize, rotationRange(patchSize),
   * MIN_SCALE)}, with the first axis kept for dummy 2D. Same number of axes as {@code patchSize}.
   */
  public static int[] of(int[] patchSize) {
    int[] out = compute(patchSize, rotationRange(patchSize), MIN_SCALE);
    if (isDummy2d(patchSize)) out[0] = patchSize[0];
    return out;
  }

  /**
   * {@code get_patch_size}: per axis the largest extent of the patch vector rotated about each single axis by
   * {@code +min(rotation, 90 deg)} (row vector times batchgenerators' rotation matrices), divided by {@code
   * minScale} and truncated.
   */
  public static int[] compute(int[] patchSize, double rotation, double minScale) {
    checkPatch(patchSize);
    Checks.argument(rotation >= 0 && Double.isFinite(rotation), "rotation must be a finite angle >= 0, got %s",
        rotation);
    Checks.argument(minScale > 0 && Double.isFinite(minScale), "minScale must be > 0, got %s", minScale);
    double a = Math.min(Math.toRadians(90), rotation);
    double c = Math.cos(a);
    double s = Math.sin(a);
    double[] p = Arrays.stream(patchSize).asDoubleStream().toArray();
    double[] extent = p.clone();
    if (p.length == 3) {
      // coords @ R for R = rotation about a0 ([[1,0,0],[0,c,-s],[0,s,c]]), a1 and a2, as batchgenerators builds them
      widen(extent, new double[] {p[0], p[1] * c + p[2] * s, -p[1] * s + p[2] * c});
      widen(extent, new double[] {p[0] * c - p[2] * s, p[1], p[0] * s + p[2] * c});
      widen(extent, new double[] {p[0] * c + p[1] * s, -p[0] * s + p[1] * c, p[2]});
    } else {
      widen(extent, new double[] {p[0] * c + p[1] * s, -p[0] * s + p[1] * c});
    }
    int[] out = new int[p.length];
    for (int d = 0; d < p.length; d++) out[d] = (int) (extent[d] / minScale);
    return out;
  }

  private static void widen(double[] extent, double[] rotated) {
    for (int d = 0; d < extent.length; d++) extent[d] = Math.max(extent[d], Math.abs(rotated[d]));
  }

  private static void checkPatch(int[] patchSize) {
    Checks.notNull(patchSize, "patchSize");
    Checks.argument(patchSize.length == 2 || patchSize.length == 3, "patch size must have 2 or 3 axes, got %s",
        Arrays.toString(patchSize));
    for (int s : patchSize) Checks.argument(s > 0, "patch sizes must be > 0, got %s", Arrays.toString(patchSize));
  }

  private static int max(int[] v) {
    return Arrays.stream(v).max().orElseThrow();
  }
}
