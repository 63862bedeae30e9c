package org.mednext.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Voxels reordered to RAS as nibabel's {@code img.as_reoriented(io_orientation(img.affine))} and SimpleITK's
 * {@code DICOMOrient(image, "RAS")} do, and back.
 */
class ReorientationTest {

  /**
   * nibabel 5.0 on this affine and an (x, y, z) = (4, 5, 6) array d (pixdim 1, 2, 3): axis codes P, L, S; the
   * reoriented array e has shape (5, 4, 6) with e[r, a, s] = d[3 - a, 4 - r, s], and zooms (0.7, 0.8, 2.5), the
   * affine's column norms rather than pixdim (checked with nibabel, not taken from it).
   */
  @Test
  void aPermutedFlippedVolumeIsReorderedAsNibabelDoes() {
    double[] affine = {0, -0.7, 0, 10, -0.8, 0, 0, 20, 0, 0, 2.5, 30, 0, 0, 0, 1};
    Geometry g = Geometry.of(new double[] {1, 2, 3}, affine);
    Reorientation r = Reorientation.toRasAsNibabel(g);
    assertEquals("PLS", r.toString());
    int nx = 4, ny = 5, nz = 6;
    float[] d = new float[nx * ny * nz];
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) d[(k * ny + j) * nx + i] = i * 30 + j * 6 + k;
      }
    }
    int[] shape = {nz, ny, nx};
    assertArrayEquals(new int[] {6, 4, 5}, r.shape(shape));
    float[] e = r.apply(d, shape);
    for (int s = 0; s < 6; s++) {
      for (int a = 0; a < 4; a++) {
        for (int rr = 0; rr < 5; rr++) {
          int i = 3 - a, j = 4 - rr, k = s;
          assertEquals(i * 30 + j * 6 + k, e[(s * 4 + a) * 5 + rr], "e[" + rr + ", " + a + ", " + s + "]");
        }
      }
    }
    assertArrayEquals(new double[] {2.5, (float) 0.8, (float) 0.7}, r.spacingNnUnetOrder(g, true));
    assertArrayEquals(new double[] {2.5, 0.8, 0.7}, r.spacingNnUnetOrder(g, false), "a NIfTI-2 header keeps doubles");
    assertArrayEquals(new double[] {30, 10, 20}, r.permuted(new double[] {30, 20, 10}), "z stays, x and y swap");
    // nibabel: [[0.7, 0, 0, 7.2], [0, 0.8, 0, 17.6], [0, 0, 2.5, 30]]
    assertArrayEquals(new double[] {0.7, 0, 0, 7.2, 0, 0.8, 0, 17.6, 0, 0, 2.5, 30, 0, 0, 0, 1}, r.affine(g, shape), 1e-12);
    assertArrayEquals(shape, r.fileShape(r.shape(shape)));
  }

  @Test
  void aVolumeInRasOrderStaysAsItIsWithItsPixdimSpacing() {
    Geometry g = Geometry.of(new double[] {1, 2, 3}, new double[] {0.7, 0, 0, 5, 0, 0.8, 0, 6, 0, 0, 2.5, 7, 0, 0, 0, 1});
    Reorientation r = Reorientation.toRasAsNibabel(g);
    assertTrue(r.isIdentity());
    assertArrayEquals(new double[] {3, 2, 1}, r.spacingNnUnetOrder(g, true), "nibabel returns the image itself");
    float[] v = {1, 2, 3, 4, 5, 6};
    assertArrayEquals(v, r.apply(v, new int[] {1, 2, 3}));
  }

  /**
   * Sheared axes: x turned from L towards P by 30 or 50 degrees, y towards P, z towards S. nibabel 5.0 says LPS for
   * both: at 50 degrees x points more to P than to L, but the nearest orthonormal matrix, not the raw column, decides.
   */
  @Test
  void aShearedVolumeTakesTheAxesOfTheNearestRotation() {
    for (double degrees : new double[] {30, 50}) {
      double t = Math.toRadians(degrees);
      double[] affine = {-Math.cos(t), 0, 0, 0, -Math.sin(t), -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
      assertEquals("LPS", Reorientation.toRasAsNibabel(Geometry.of(new double[] {1, 1, 1}, affine)).toString(), degrees + "");
    }
  }

  @Test
  void undoingReturnsEveryVoxelToItsPlaceForAllFortyEightOrientations() {
    int[] shape = {3, 4, 5}; // (z, y, x)
    short[] labels = new short[60];
    Random random = new Random(3);
    for (int i = 0; i < labels.length; i++) labels[i] = (short) random.nextInt(1000);
    float[] values = new float[60];
    for (int i = 0; i < values.length; i++) values[i] = labels[i];
    int[][] permutations = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    int seen = 0;
    for (int[] p : permutations) {
      for (int flips = 0; flips < 8; flips++) {
        double[] affine = new double[16];
        affine[15] = 1;
        for (int j = 0; j < 3; j++) affine[4 * p[j] + j] = (flips >> j & 1) == 1 ? -1.5 : 1.5; // voxel axis j -> p[j]
        Reorientation r = Reorientation.toRasAsNibabel(Geometry.of(new double[] {1.5, 1.5, 1.5}, affine));
        assertEquals(p[0] == 0 && p[1] == 1 && flips == 0, r.isIdentity(), r.toString());
        assertEquals(r.toString(), Reorientation.toRasAsItk(Geometry.of(new double[] {1.5, 1.5, 1.5}, affine)).toString(),
            "ITK's rule agrees on axis-aligned affines");
        float[] moved = r.apply(values, shape);
        short[] asLabels = new short[moved.length];
        for (int i = 0; i < moved.length; i++) asLabels[i] = (short) moved[i];
        assertArrayEquals(labels, r.undo(asLabels, shape), r.toString());
        if (!r.isIdentity()) assertFalse(java.util.Arrays.equals(values, moved), r + " moved nothing");
        seen++;
      }
    }
    assertEquals(48, seen);
  }

  /**
   * Axes far from the world's: x mostly to L, y between P (0.65) and I (0.675), z between P (0.645) and S (0.733).
   * nibabel 5.0 says LIP: y, before z, takes I, its largest component. ITK's rule (worked by hand from
   * {@code DICOMOrientation::DirectionCosinesToOrientation}, which cannot run here) takes the largest cosines of the
   * whole matrix first: 0.912 (x to L), then 0.733 (z to S), leaving A for y: LPS.
   */
  @Test
  void farFromTheWorldAxesNibabelGoesAxisByAxisAndItkTakesTheLargestCosineFirst() {
    double[] m = {-0.912, -0.349, -0.217, 0.402, -0.65, -0.645, 0.084, -0.675, 0.733};
    double[] affine = new double[16];
    for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) affine[4 * i + j] = 1.5 * m[3 * i + j];
    affine[15] = 1;
    Geometry g = Geometry.of(new double[] {1.5, 1.5, 1.5}, affine);
    assertEquals("LIP", Reorientation.toRasAsNibabel(g).toString());
    assertEquals("LPS", Reorientation.toRasAsItk(g).toString());
  }

  /**
   * Sheared axes with equal cosines towards R: x = (0.8, 0.6, 0), y = (0.8, -0.6, 0). ITK takes z first (1), then the
   * last of the two equal 0.8 in (world axis, voxel axis) order, y's: y to R, x to A.
   */
  @Test
  void ofEqualCosinesItkTakesTheLastVoxelAxis() {
    double[] affine = {0.8, 0.8, 0, 0, 0.6, -0.6, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    assertEquals("ARS", Reorientation.toRasAsItk(Geometry.of(new double[] {1, 1, 1}, affine)).toString());
  }

  @Test
  void aDegenerateAffineHasNoOrientation() {
    double[] affine = {1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    for (boolean itk : new boolean[] {false, true}) {
      Geometry g = Geometry.of(new double[] {1, 1, 1}, affine);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> (itk ? Reorientation.toRasAsItk(g) : Reorientation.toRasAsNibabel(g)).toString());
      assertTrue(e.getMessage().contains("degenerate"), e.getMessage());
    }
  }
}
