package org.mednext.volume;

import java.util.Arrays;
import org.mednext.util.Checks;

/**
 * A volume's voxel axes permuted and flipped so that they run along the world's R, A and S axes, as nnU-Net's
 * reorienting readers read images, and back, as they write the segmentation. Works on nnU-Net-order (z, y, x) arrays;
 * only voxels move, no value changes.
 *
 * <p>The two readers choose the axes differently. {@code NibabelIOWithReorient}
 * ({@code img.as_reoriented(io_orientation(img.affine))}, {@link #toRasAsNibabel}): the affine's columns are divided
 * by their norms, replaced by the nearest orthonormal matrix (the polar factor, which nibabel gets from an SVD), and
 * voxel axes x, y, z in turn take the world axis of their largest component not taken before.
 * {@code SimpleITKIOWithReorient} ({@code sitk.DICOMOrient(image, "RAS")}, {@link #toRasAsItk}): the largest
 * direction cosine of the whole matrix first. Both flip an axis whose chosen component is negative, and agree for
 * every affine whose axes are within 45 degrees of a world axis; beyond, they can differ (8 % of random rotations).
 */
public final class Reorientation {

  /** For each voxel axis of the file (x, y, z): the world axis (0 = R, 1 = A, 2 = S) it goes to. */
  private final int[] axis;
  /** For each voxel axis of the file: whether it runs against that world axis. */
  private final boolean[] flip;

  private Reorientation(int[] axis, boolean[] flip) {
    this.axis = axis;
    this.flip = flip;
  }

  /** Nothing moves: the file's voxel order is kept. */
  public static Reorientation none() {
    return new Reorientation(new int[] {0, 1, 2}, new boolean[3]);
  }

  /** The reorientation to RAS of a volume with this geometry as nibabel's {@code io_orientation} chooses it. */
  public static Reorientation toRasAsNibabel(Geometry geometry) {
    double[][] r = polar(directionCosines(geometry));
    int[] axis = new int[3];
    boolean[] flip = new boolean[3];
    for (int j = 0; j < 3; j++) { // voxel axis j: its column of r
      int best = 0;
      for (int i = 1; i < 3; i++) if (Math.abs(r[i][j]) > Math.abs(r[best][j])) best = i;
      axis[j] = best;
      flip[j] = r[best][j] < 0;
      Arrays.fill(r[best], 0); // that world axis is taken
    }
    return new Reorientation(axis, flip);
  }

  /**
   * The reorientation to RAS of a volume with this geometry (where ITK places the file) as ITK's
   * {@code DICOMOrientation} chooses it from the direction cosines: the largest |cosine| not struck yet gives its voxel
   * axis its world axis, then that row and column are struck; of equal ones the last in (world axis, voxel axis) order
   * wins, as ITK takes the last of equal keys in its ordered map.
   */
  public static Reorientation toRasAsItk(Geometry geometry) {
    double[][] m = directionCosines(geometry);
    inverseTransposed(m); // a degenerate matrix has no orientation, as for nibabel
    int[] axis = new int[3];
    boolean[] flip = new boolean[3];
    boolean[] worldTaken = new boolean[3];
    boolean[] voxelTaken = new boolean[3];
    for (int step = 0; step < 3; step++) {
      int bi = -1;
      int bj = -1;
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          if (worldTaken[i] || voxelTaken[j]) continue;
          if (bi < 0 || Math.abs(m[i][j]) >= Math.abs(m[bi][bj])) {
            bi = i;
            bj = j;
          }
        }
      }
      axis[bj] = bi;
      flip[bj] = m[bi][bj] < 0;
      worldTaken[bi] = true;
      voxelTaken[bj] = true;
    }
    return new Reorientation(axis, flip);
  }

  /** The affine's 3x3 part with its columns divided by their lengths: m[world axis][voxel axis]. */
  private static double[][] directionCosines(Geometry geometry) {
    double[] a = geometry.affine();
    double[] norm = geometry.axisLengths();
    double[][] m = new double[3][3];
    for (int j = 0; j < 3; j++) {
      for (int i = 0; i < 3; i++) m[i][j] = a[4 * i + j] / (norm[j] == 0 ? 1 : norm[j]);
    }
    return m;
  }

  /**
   * The orthonormal factor of {@code m} (Newton's iteration X = (X + X^-T) / 2, which converges to it for every
   * invertible matrix).
   *
   * @throws IllegalArgumentException if the affine's 3x3 part is singular: its voxels have no orientation
   */
  private static double[][] polar(double[][] m) {
    double[][] x = new double[3][];
    for (int i = 0; i < 3; i++) x[i] = m[i].clone();
    for (int iteration = 0; iteration < 100; iteration++) {
      double[][] inverseTransposed = inverseTransposed(x);
      double change = 0;
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          double next = 0.5 * (x[i][j] + inverseTransposed[i][j]);
          change = Math.max(change, Math.abs(next - x[i][j]));
          x[i][j] = next;
        }
      }
      if (change < 1e-15) break;
    }
    return x;
  }

  private static double[][] inverseTransposed(double[][] x) {
    double[][] c = new double[3][3]; // cofactors: inverse^T = cofactors / det
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        int i1 = (i + 1) % 3, i2 = (i + 2) % 3, j1 = (j + 1) % 3, j2 = (j + 2) % 3;
        c[i][j] = x[i1][j1] * x[i2][j2] - x[i1][j2] * x[i2][j1];
      }
    }
    double det = x[0][0] * c[0][0] + x[0][1] * c[0][1] + x[0][2] * c[0][2];
    Checks.argument(Math.abs(det) > 1e-12, "the affine's axes are degenerate (determinant %s): no orientation", det);
    for (double[] row : c) for (int j = 0; j < 3; j++) row[j] /= det;
    return c;
  }

  /** Whether the volume is in RAS order already (nothing moves). */
  public boolean isIdentity() {
    return Arrays.equals(axis, new int[] {0, 1, 2}) && !flip[0] && !flip[1] && !flip[2];
  }

  /** The reoriented shape, (z, y, x), of a volume of shape {@code shapeZyx}. */
  public int[] shape(int[] shapeZyx) {
    int[] out = new int[3];
    for (int j = 0; j < 3; j++) out[2 - axis[j]] = shapeZyx[2 - j];
    return out;
  }

  /**
   * The reoriented volume's voxel-to-world affine (row-major 4x4), as nibabel's {@code as_reoriented} gives it:
   * the same world positions for the moved voxels.
   *
   * @param fileShapeZyx the file's (z, y, x) shape
   */
  public double[] affine(Geometry geometry, int[] fileShapeZyx) {
    double[] a = geometry.affine();
    double[] out = a.clone();
    for (int j = 0; j < 3; j++) { // file axis j becomes world axis axis[j]'s column
      int n = fileShapeZyx[2 - j];
      for (int i = 0; i < 3; i++) {
        out[4 * i + axis[j]] = flip[j] ? -a[4 * i + j] : a[4 * i + j];
        if (flip[j]) out[4 * i + 3] += a[4 * i + j] * (n - 1);
      }
    }
    return out;
  }

  /** The file's (z, y, x) shape of a volume whose reoriented shape is {@code reorientedZyx}. */
  public int[] fileShape(int[] reorientedZyx) {
    int[] out = new int[3];
    for (int j = 0; j < 3; j++) out[2 - j] = reorientedZyx[2 - axis[j]];
    return out;
  }

  /**
   * The reoriented volume's spacing in nnU-Net's (z, y, x) order, as nibabel gives it: the geometry's spacing
   * (pixdim) when nothing moves, else the norms of the affine's columns as nibabel writes them into the new image's
   * header: rounded to float for a NIfTI-1 header ({@code float32}), kept for a NIfTI-2 one.
   */
  public double[] spacingNnUnetOrder(Geometry geometry, boolean float32) {
    if (isIdentity()) return geometry.spacingNnUnetOrder();
    double[] lengths = geometry.axisLengths();
    double[] out = new double[3];
    for (int j = 0; j < 3; j++) out[2 - axis[j]] = float32 ? (float) lengths[j] : lengths[j];
    return out;
  }

  /**
   * Per-axis values of the file in nnU-Net's (z, y, x) order (its pixdim spacing, say) in the reoriented order:
   * what SimpleITK's {@code DICOMOrient} does to the spacing, which ITK reads from pixdim whatever the affine says.
   */
  public double[] permuted(double[] fileZyx) {
    double[] out = new double[3];
    for (int j = 0; j < 3; j++) out[2 - axis[j]] = fileZyx[2 - j];
    return out;
  }

  /**
   * The values of a (z, y, x) array of shape {@code shapeZyx} in RAS order: a new array, or {@code values} itself
   * when nothing moves.
   */
  public float[] apply(float[] values, int[] shapeZyx) {
    if (isIdentity()) return values;
    float[] out = new float[values.length];
    forEachVoxel(shapeZyx, (reoriented, file) -> out[reoriented] = values[file]);
    return out;
  }

  /** {@link #apply(float[], int[])} for a label map (the previous stage's segmentation of a cascade). */
  public short[] apply(short[] labels, int[] shapeZyx) {
    if (isIdentity()) return labels;
    short[] out = new short[labels.length];
    forEachVoxel(shapeZyx, (reoriented, file) -> out[reoriented] = labels[file]);
    return out;
  }

  /**
   * Labels in RAS order back in the file's voxel order: a new array, or {@code labels} itself when nothing moves.
   *
   * @param shapeZyx the file's (z, y, x) shape, not the reoriented one
   */
  public short[] undo(short[] labels, int[] shapeZyx) {
    if (isIdentity()) return labels;
    short[] out = new short[labels.length];
    forEachVoxel(shapeZyx, (reoriented, file) -> out[file] = labels[reoriented]);
    return out;
  }

  /** A voxel's index in the reoriented array and in the file's. */
  private interface VoxelPair {
    void at(int reoriented, int file);
  }

  /** Every voxel of a file array of shape {@code shapeZyx}, in the reoriented array's (z, y, x) order. */
  private void forEachVoxel(int[] shapeZyx, VoxelPair action) {
    int nx = shapeZyx[2], ny = shapeZyx[1];
    int[] size = {nx, ny, shapeZyx[0]};
    long[] stride = {1, nx, (long) nx * ny};
    long base = 0;
    long[] step = new long[3]; // per world axis (R, A, S): the file-array step of one voxel along it
    for (int j = 0; j < 3; j++) {
      step[axis[j]] = flip[j] ? -stride[j] : stride[j];
      if (flip[j]) base += (size[j] - 1) * stride[j];
    }
    int[] out = shape(shapeZyx); // (S, A, R) extents
    int n = 0;
    for (int s = 0; s < out[0]; s++) {
      for (int a = 0; a < out[1]; a++) {
        long row = base + s * step[2] + a * step[1];
        for (int r = 0; r < out[2]; r++) action.at(n++, (int) (row + r * step[0]));
      }
    }
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    String[] names = {"R", "A", "S"};
    String[] opposite = {"L", "P", "I"};
    for (int j = 0; j < 3; j++) b.append(flip[j] ? opposite[axis[j]] : names[axis[j]]);
    return b.toString(); // the file's axis codes: nibabel's aff2axcodes, ITK's orientation string
  }
}
