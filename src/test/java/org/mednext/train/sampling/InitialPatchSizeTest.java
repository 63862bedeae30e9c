package org.mednext.train.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link InitialPatchSize}: the examples of NNUNET_PIPELINE_SPEC.md D.6 and get_patch_size re-run in numpy. */
class InitialPatchSizeTest {

  @Test
  void matchesTheSpecExamples() {
    assertArrayEquals(new int[] {205, 205, 205}, InitialPatchSize.of(new int[] {128, 128, 128}));
    assertArrayEquals(new int[] {191, 257, 219}, InitialPatchSize.of(new int[] {96, 160, 160}));
  }

  @Test
  void matchesGetPatchSizeForVolumesDummy2dAnd2d() {
    int[] patches = TrainFixtures.ints("initial_patches");
    int[] sizes = TrainFixtures.ints("initial_sizes");
    for (int r = 0; r < patches.length / 3; r++) {
      int[] p = Arrays.copyOfRange(patches, 3 * r, 3 * r + 3);
      int[] expected = Arrays.copyOfRange(sizes, 3 * r, 3 * r + 3);
      if (p[2] == 0) {
        p = Arrays.copyOf(p, 2);
        expected = Arrays.copyOf(expected, 2);
      }
      assertArrayEquals(expected, InitialPatchSize.of(p), "patch " + Arrays.toString(p));
    }
  }

  @Test
  void dummy2dWhenLargestEdgeExceedsThreeTimesTheFirst() {
    assertTrue(InitialPatchSize.isDummy2d(new int[] {20, 320, 256}));
    assertFalse(InitialPatchSize.isDummy2d(new int[] {64, 192, 160}));
    assertFalse(InitialPatchSize.isDummy2d(new int[] {40, 120, 96})); // exactly 3: not above
    assertFalse(InitialPatchSize.isDummy2d(new int[] {512, 512}));
    assertEquals(20, InitialPatchSize.of(new int[] {20, 320, 256})[0]);
  }

  @Test
  void rotationRangesFollowNnUnet() {
    assertEquals(Math.toRadians(30), InitialPatchSize.rotationRange(new int[] {128, 128, 128}), 1e-15);
    assertEquals(Math.toRadians(180), InitialPatchSize.rotationRange(new int[] {20, 320, 256}), 1e-15);
    assertEquals(Math.toRadians(180), InitialPatchSize.rotationRange(new int[] {512, 512}), 1e-15);
    assertEquals(Math.toRadians(15), InitialPatchSize.rotationRange(new int[] {320, 160}), 1e-15);
  }

  @Test
  void rejectsPatchesOfWrongRank() {
    assertEquals("patch size must have 2 or 3 axes, got [1, 2, 3, 4]", assertThrows(
        IllegalArgumentException.class, () -> InitialPatchSize.of(new int[] {1, 2, 3, 4})).getMessage());
  }
}
