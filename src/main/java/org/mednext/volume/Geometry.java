package org.mednext.volume;

import java.util.Arrays;
import java.util.Locale;
import org.mednext.util.Checks;

/**
 * Where the voxels of a volume sit in the world: voxel spacing and the voxel-to-world affine.
 *
 * <p>Axis order is the image's own (x, y, z) = NIfTI (i, j, k) = ImgLib2 dimensions 0, 1, 2 (x varies
 * fastest in memory). nnU-Net works in the reversed order (z, y, x); {@link #spacingNnUnetOrder()} gives it.
 * Units are millimetres. The affine maps voxel indices (i, j, k, 1) to RAS+ world coordinates, as NIfTI's
 * sform and nibabel's {@code img.affine} do. Spacing is kept separately (NIfTI {@code pixdim}) because nnU-Net
 * reads spacing from {@code pixdim}, not from the affine's column norms.
 *
 * <p>Immutable; arrays are copied in and out.
 */
public final class Geometry {

  private final double[] spacing;
  private final double[] affine; // 4x4, row-major

  private Geometry(double[] spacing, double[] affine) {
    this.spacing = spacing;
    this.affine = affine;
  }

  /**
   * A geometry from spacing (x, y, z) in mm and a row-major 4x4 voxel-to-RAS affine.
   *
   * @throws IllegalArgumentException if a spacing is not finite and positive, or the affine is not 4x4 with a
   *     last row (0, 0, 0, 1)
   */
  public static Geometry of(double[] spacing, double[] affine4x4) {
    Checks.argument(spacing.length == 3, "spacing must have 3 entries (x, y, z): %s", Arrays.toString(spacing));
    for (double s : spacing) {
      Checks.argument(Double.isFinite(s) && s > 0, "spacing must be finite and > 0: %s", Arrays.toString(spacing));
    }
    Checks.argument(affine4x4.length == 16, "affine must have 16 entries (4x4 row-major), got %d", affine4x4.length);
    for (double a : affine4x4) Checks.argument(Double.isFinite(a), "affine has a non-finite entry: %s", Arrays.toString(affine4x4));
    Checks.argument(affine4x4[12] == 0 && affine4x4[13] == 0 && affine4x4[14] == 0 && affine4x4[15] == 1,
        "affine's last row must be (0, 0, 0, 1): %s", Arrays.toString(affine4x4));
    return new Geometry(spacing.clone(), affine4x4.clone());
  }

  /** Axis-aligned geometry: diagonal affine with the given spacing (x, y, z) and origin (x, y, z) in mm. */
  public static Geometry ofSpacing(double[] spacing, double[] origin) {
    Checks.argument(origin.length == 3, "origin must have 3 entries (x, y, z): %s", Arrays.toString(origin));
    double[] a = {
      spacing[0], 0, 0, origin[0],
      0, spacing[1], 0, origin[1],
      0, 0, spacing[2], origin[2],
      0, 0, 0, 1};
    return of(spacing, a);
  }

  /** Axis-aligned geometry with the origin at 0. */
  public static Geometry ofSpacing(double... spacing) {
    return ofSpacing(spacing, new double[3]);
  }

  /** Voxel spacing (x, y, z) in mm; a new array each call. */
  public double[] spacing() {
    return spacing.clone();
  }

  /** Spacing of axis {@code d} (0 = x, 1 = y, 2 = z) in mm. */
  public double spacing(int d) {
    return spacing[d];
  }

  /** Spacing in nnU-Net's array order (z, y, x); a new array each call. */
  public double[] spacingNnUnetOrder() {
    return new double[] {spacing[2], spacing[1], spacing[0]};
  }

  /** The 4x4 voxel-to-RAS affine, row-major; a new array each call. */
  public double[] affine() {
    return affine.clone();
  }

  /**
   * The lengths of the affine's columns (x, y, z): the voxel size the affine implies, which can differ from the
   * spacing (pixdim) in a file whose header disagrees with itself.
   */
  public double[] axisLengths() {
    double[] out = new double[3];
    for (int j = 0; j < 3; j++) {
      out[j] = Math.sqrt(affine[j] * affine[j] + affine[4 + j] * affine[4 + j] + affine[8 + j] * affine[8 + j]);
    }
    return out;
  }

  /** World position (RAS, mm) of the centre of voxel (0, 0, 0). */
  public double[] origin() {
    return new double[] {affine[3], affine[7], affine[11]};
  }

  /** This geometry with another spacing, keeping the affine's orientation and origin. */
  public Geometry withSpacing(double[] newSpacing) {
    double[] a = affine.clone();
    for (int c = 0; c < 3; c++) {
      double f = newSpacing[c] / spacing[c];
      for (int r = 0; r < 3; r++) a[4 * r + c] *= f;
    }
    return of(newSpacing, a);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Geometry g && Arrays.equals(spacing, g.spacing) && Arrays.equals(affine, g.affine);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(spacing) + Arrays.hashCode(affine);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "Geometry[spacing=%s mm, origin=%s]",
        Arrays.toString(spacing), Arrays.toString(origin()));
  }
}
