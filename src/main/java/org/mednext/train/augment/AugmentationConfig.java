package org.mednext.train.augment;

import java.util.Arrays;
import org.mednext.train.sampling.InitialPatchSize;
import org.mednext.util.Checks;

/**
 * What nnU-Net's augmentation depends on for one configuration ({@code
 * configure_rotation_dummyDA_mirroring_and_inital_patch_size}; NNUNET_PIPELINE_SPEC.md §D.7). Shapes always have
 * three axes {@code (a0, a1, a2)}: a 2D configuration's patch {@code (h, w)} is held as {@code (1, h, w)}.
 *
 * @param patchSize the final patch the network sees
 * @param initialPatchSize the enlarged patch the sampler crops for training
 * @param geometry volume, dummy 2D or 2D
 * @param rotation largest rotation angle in radians (angles are drawn in {@code [-rotation, rotation]})
 * @param mirrorAxes axes that may be flipped, in {@code (a0, a1, a2)} numbering
 * @param maskImage whether any channel uses {@code use_mask_for_norm} (adds the mask step)
 */
public record AugmentationConfig(int[] patchSize, int[] initialPatchSize, Geometry geometry, double rotation,
    int[] mirrorAxes, boolean maskImage) {

  /** How spatial augmentation treats the patch. */
  public enum Geometry {
    /** 3D rotation and scaling. */
    VOLUME,
    /** A strongly anisotropic 3D patch: rotation and scaling in the a1/a2 plane, slice by slice. */
    DUMMY_2D,
    /** A 2D configuration, held as one slice. */
    PLANAR
  }

  /** Validates and copies the arrays. */
  public AugmentationConfig {
    Checks.notNull(geometry, "geometry");
    patchSize = checkShape(patchSize, "patchSize");
    initialPatchSize = checkShape(initialPatchSize, "initialPatchSize");
    for (int d = 0; d < 3; d++) {
      Checks.argument(initialPatchSize[d] >= patchSize[d], "initial patch %s is smaller than the patch %s",
          Arrays.toString(initialPatchSize), Arrays.toString(patchSize));
    }
    Checks.argument(geometry == Geometry.VOLUME || initialPatchSize[0] == patchSize[0],
        "%s augmentation keeps axis 0, so the initial patch %s must have the patch's %d slices", geometry,
        Arrays.toString(initialPatchSize), patchSize[0]);
    Checks.argument(geometry != Geometry.PLANAR || patchSize[0] == 1, "a 2D patch is held as (1, h, w), got %s",
        Arrays.toString(patchSize));
    Checks.argument(rotation >= 0 && Double.isFinite(rotation), "rotation must be a finite angle >= 0, got %s",
        rotation);
    Checks.notNull(mirrorAxes, "mirrorAxes");
    mirrorAxes = mirrorAxes.clone();
    for (int a : mirrorAxes) Checks.argument(a >= 0 && a < 3, "mirror axes must be 0, 1 or 2, got %d", a);
  }

  /**
   * nnU-Net's defaults for a plans patch size ({@code (h, w)} or {@code (a0, a1, a2)}) and the configuration's
   * {@code use_mask_for_norm} flags.
   */
  public static AugmentationConfig nnUnet(int[] patchSize, boolean[] useMaskForNorm) {
    Checks.notNull(useMaskForNorm, "useMaskForNorm");
    boolean mask = false;
    for (boolean b : useMaskForNorm) mask |= b;
    int[] initial = InitialPatchSize.of(patchSize);
    double rotation = InitialPatchSize.rotationRange(patchSize);
    if (patchSize.length == 2) {
      return new AugmentationConfig(new int[] {1, patchSize[0], patchSize[1]},
          new int[] {1, initial[0], initial[1]}, Geometry.PLANAR, rotation, new int[] {1, 2}, mask);
    }
    Geometry g = InitialPatchSize.isDummy2d(patchSize) ? Geometry.DUMMY_2D : Geometry.VOLUME;
    return new AugmentationConfig(patchSize, initial, g, rotation, new int[] {0, 1, 2}, mask);
  }

  /** Whether spatial augmentation works slice by slice in the a1/a2 plane. */
  public boolean inPlane() {
    return geometry != Geometry.VOLUME;
  }

  @Override
  public int[] patchSize() {
    return patchSize.clone();
  }

  @Override
  public int[] initialPatchSize() {
    return initialPatchSize.clone();
  }

  @Override
  public int[] mirrorAxes() {
    return mirrorAxes.clone();
  }

  private static int[] checkShape(int[] shape, String name) {
    Checks.notNull(shape, name);
    Checks.argument(shape.length == 3, "%s must have 3 axes (a0, a1, a2), got %s", name, Arrays.toString(shape));
    for (int s : shape) Checks.argument(s > 0, "%s sizes must be > 0, got %s", name, Arrays.toString(shape));
    return shape.clone();
  }
}
