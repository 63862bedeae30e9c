package org.mednext.train.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link AugmentationConfig#nnUnet}: nnU-Net's per-configuration augmentation settings (spec D.7). */
class AugmentationConfigTest {

  @Test
  void volumePatchesRotateThirtyDegreesAndMirrorAllAxes() {
    AugmentationConfig c = AugmentationConfig.nnUnet(new int[] {128, 128, 128}, new boolean[] {false, false});
    assertEquals(AugmentationConfig.Geometry.VOLUME, c.geometry());
    assertArrayEquals(new int[] {205, 205, 205}, c.initialPatchSize());
    assertEquals(Math.toRadians(30), c.rotation(), 1e-15);
    assertArrayEquals(new int[] {0, 1, 2}, c.mirrorAxes());
    assertFalse(c.maskImage());
    assertFalse(c.inPlane());
  }

  @Test
  void anisotropicPatchesAreAugmentedInPlane() {
    AugmentationConfig c = AugmentationConfig.nnUnet(new int[] {20, 320, 256}, new boolean[] {true});
    assertEquals(AugmentationConfig.Geometry.DUMMY_2D, c.geometry());
    assertEquals(20, c.initialPatchSize()[0]);
    assertEquals(Math.PI, c.rotation(), 1e-15);
    assertTrue(c.maskImage());
    assertTrue(c.inPlane());
  }

  @Test
  void twoDimensionalPatchesAreHeldAsOneSlice() {
    AugmentationConfig c = AugmentationConfig.nnUnet(new int[] {320, 160}, new boolean[] {false});
    assertEquals(AugmentationConfig.Geometry.PLANAR, c.geometry());
    assertArrayEquals(new int[] {1, 320, 160}, c.patchSize());
    assertEquals(1, c.initialPatchSize()[0]);
    assertArrayEquals(new int[] {1, 2}, c.mirrorAxes());
    assertEquals(Math.toRadians(15), c.rotation(), 1e-15);
  }

  @Test
  void rejectsAnInitialPatchSmallerThanThePatch() {
    assertEquals("initial patch [10, 10, 10] is smaller than the patch [12, 10, 10]", assertThrows(
        IllegalArgumentException.class, () -> new AugmentationConfig(new int[] {12, 10, 10},
            new int[] {10, 10, 10}, AugmentationConfig.Geometry.VOLUME, 0.5, new int[0], false)).getMessage());
  }
}
