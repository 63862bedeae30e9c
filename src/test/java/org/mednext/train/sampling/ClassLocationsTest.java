package org.mednext.train.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link ClassLocations} against nnU-Net's sampling re-run with numpy's RandomState(1234) (train_fixtures.npz). */
class ClassLocationsTest {

  @Test
  void selectsTheSameVoxelsInTheSameOrderAsNumpy() {
    short[] labels = TrainFixtures.shorts("locations_labels");
    int[] shape = TrainFixtures.shape("locations_labels");
    int[] classes = TrainFixtures.ints("locations_classes");
    int[] counts = TrainFixtures.ints("locations_counts");
    short[] coords = TrainFixtures.shorts("locations_coords");
    ClassLocations locations = ClassLocations.sample(labels, shape, classes, ClassLocations.NNUNET_SEED);
    int offset = 0;
    for (int i = 0; i < classes.length; i++) {
      assertEquals(counts[i], locations.count(classes[i]), "count of label " + classes[i]);
      int[] expected = new int[3 * counts[i]];
      for (int j = 0; j < expected.length; j++) expected[j] = coords[offset + j];
      assertArrayEquals(expected, locations.coordinates(classes[i]), "voxels of label " + classes[i]);
      offset += expected.length;
    }
    assertArrayEquals(new int[] {1, 2, 4}, locations.eligibleLabels());
  }

  @Test
  void thinsToEveryKthNonZeroVoxelAboveTenMillionLikeNnUnet() {
    int[] shape = TrainFixtures.ints("locations_big_shape");
    short[] labels = new short[shape[0] * shape[1] * shape[2]];
    Arrays.fill(labels, (short) -1);
    fill(labels, shape, 0, 0, 0, 10, shape[1], shape[2], 0);
    fill(labels, shape, 20, 30, 40, 80, 90, 100, 1);
    fill(labels, shape, 100, 200, 10, 130, 230, 40, 2);
    ClassLocations locations = ClassLocations.sample(labels, shape, new int[] {1, 2}, ClassLocations.NNUNET_SEED);
    int[] counts = TrainFixtures.ints("locations_big_counts");
    long[] sums = TrainFixtures.longs("locations_big_index_sums");
    short[] first = TrainFixtures.shorts("locations_big_first");
    for (int i = 0; i < 2; i++) {
      int[] c = locations.coordinates(i + 1);
      assertEquals(counts[i], c.length / 3);
      long sum = 0;
      for (int j = 0; j < c.length; j += 3) sum += ((long) c[j] * shape[1] + c[j + 1]) * shape[2] + c[j + 2];
      assertEquals(sums[i], sum, "sum of linear indices of label " + (i + 1));
      for (int j = 0; j < 60; j++) assertEquals(first[60 * i + j], c[j], "first voxels of label " + (i + 1));
    }
  }

  @Test
  void keepsMaxOfMinTenThousandAndOnePercent() {
    // max(min(10000, N), ceil(0.01 N)) from NNUNET_PIPELINE_SPEC.md D.1
    assertEquals(0, ClassLocations.sampleCount(0));
    assertEquals(57, ClassLocations.sampleCount(57));
    assertEquals(10000, ClassLocations.sampleCount(10000));
    assertEquals(10000, ClassLocations.sampleCount(10001));
    assertEquals(10000, ClassLocations.sampleCount(1_000_000));
    assertEquals(10001, ClassLocations.sampleCount(1_000_001));
    assertEquals(25000, ClassLocations.sampleCount(2_500_000));
  }

  @Test
  void storedLocationsAreCopiedAndQueryable() {
    int[] coords = {1, 2, 3, 4, 5, 6};
    ClassLocations l = ClassLocations.of(new int[] {3, 5}, new int[][] {coords, {}});
    coords[0] = 99;
    assertArrayEquals(new int[] {1, 2, 3}, l.voxel(3, 0));
    assertArrayEquals(new int[] {4, 5, 6}, l.voxel(3, 1));
    assertEquals(0, l.count(5));
    assertEquals(0, l.count(7));
    assertArrayEquals(new int[] {3}, l.eligibleLabels());
    assertArrayEquals(new int[] {3, 5}, l.labels());
  }

  @Test
  void rejectsBadInput() {
    assertEquals("background (0) is not a foreground label", assertThrows(IllegalArgumentException.class,
        () -> ClassLocations.sample(new short[8], new int[] {2, 2, 2}, new int[] {0, 1}, 1)).getMessage());
    assertEquals("label 2 is listed twice", assertThrows(IllegalArgumentException.class,
        () -> ClassLocations.of(new int[] {2, 2}, new int[][] {{}, {}})).getMessage());
    assertEquals("coordinates of label 1 must be (a0, a1, a2) triples, got 4 values",
        assertThrows(IllegalArgumentException.class,
            () -> ClassLocations.of(new int[] {1}, new int[][] {{1, 2, 3, 4}})).getMessage());
    assertEquals("no locations stored for label 9", assertThrows(IllegalArgumentException.class,
        () -> ClassLocations.none().voxel(9, 0)).getMessage());
  }

  private static void fill(short[] a, int[] shape, int z0, int y0, int x0, int z1, int y1, int x1, int value) {
    for (int z = z0; z < z1; z++) {
      for (int y = y0; y < y1; y++) {
        int row = (z * shape[1] + y) * shape[2];
        Arrays.fill(a, row + x0, row + x1, (short) value);
      }
    }
  }
}
