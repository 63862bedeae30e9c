package org.mednext.io;

import java.util.Optional;
import org.mednext.volume.Geometry;

/**
 * Where ITK's NIfTI reader, and so SimpleITK and nnU-Net's {@code SimpleITKIO}, places a NIfTI file, as ITK 5.4.3
 * (SimpleITK 2.5) does: checked against that ITK on files for each rule below (ItkNiftiGeometryTest). This project's
 * reader follows nibabel ({@link NiftiHeader#affine()}: the sform when its code is set); ITK decides otherwise where
 * a file's two transforms disagree:
 * <ul>
 *   <li>neither code set: origin 0, the identity direction (in ITK's LPS world);
 *   <li>the sform is taken when it splits into a rotation and a scaling (its columns orthonormal to 1e-4) and either
 *       the qform code is 0, or the sform code is 1 (scanner), or the two transforms agree (to 1e-4 in rotation,
 *       scaling and offset); also when they agree to 1e-5 element by element;
 *   <li>else the qform, when its code is set; else ITK refuses the file (a sheared sform alone).
 * </ul>
 * The direction is the chosen matrix's columns made unit length, the origin its offset, the spacing |pixdim|, never
 * the matrix's column lengths; spacing and origin in millimetres by {@code xyzt_units} (metres x1000, micrometres
 * x0.001). ITK 5.2.1 (measured too) differs in three places: it takes the qform where a scanner-coded sform's scaling
 * differs from pixdim, or where the two differ by less than 1e-4 but more than 1e-5; and it does not scale the origin.
 */
public final class ItkNiftiGeometry {

  private static final int NIFTI_UNITS_METER = 1;
  private static final int NIFTI_UNITS_MICRON = 3;
  private static final int SCANNER_ANAT = 1;

  private ItkNiftiGeometry() {}

  /**
   * The geometry ITK gives the file with this header: spacing (x, y, z) in mm and a RAS affine whose columns are
   * ITK's direction times that spacing; empty where ITK refuses the file (nnU-Net could not read it either) or the
   * transform it would take holds non-finite numbers.
   */
  public static Optional<Geometry> of(NiftiHeader h) {
    double scale = unitScale(h);
    double[] spacing = spacing(h);
    double[] m;
    boolean q = h.qformCode() > 0; // nifti1_io takes a code of 0 or below as unknown
    boolean sf = h.sformCode() > 0;
    if (!q && !sf) {
      m = new double[] {-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}; // LPS identity, origin 0
    } else if (prefersSform(h)) {
      m = h.sformAffine();
    } else if (q) {
      m = h.qformAffine();
    } else {
      return Optional.empty();
    }
    for (double v : m) if (!Double.isFinite(v)) return Optional.empty(); // a broken header: no placement to give
    double[] a = new double[16];
    for (int j = 0; j < 3; j++) {
      double norm = columnLength(m, j);
      for (int i = 0; i < 3; i++) a[4 * i + j] = norm == 0 ? 0 : m[4 * i + j] / norm * spacing[j];
    }
    for (int i = 0; i < 3; i++) a[4 * i + 3] = m[4 * i + 3] * scale;
    a[15] = 1;
    return Optional.of(Geometry.of(spacing, a));
  }

  /** ITK's spacing (x, y, z): |pixdim| times the scale of the header's spatial unit to millimetres. */
  public static double[] spacing(NiftiHeader h) {
    double scale = unitScale(h);
    double[] s = h.spacing();
    if (scale != 1) for (int d = 0; d < 3; d++) s[d] *= scale;
    return s;
  }

  /** Millimetres per unit of the header's {@code xyzt_units}: metres 1000, micrometres 0.001, others 1. */
  private static double unitScale(NiftiHeader h) {
    int unit = h.xyztUnits() & 0x07;
    return unit == NIFTI_UNITS_METER ? 1e3 : unit == NIFTI_UNITS_MICRON ? 1e-3 : 1;
  }

  private static boolean prefersSform(NiftiHeader h) {
    double[] s = sto(h);
    double[] q = qto(h);
    boolean prefer = similar(s, q);
    boolean sf = h.sformCode() > 0;
    boolean qf = h.qformCode() > 0;
    if ((!prefer || sf) && isRotationTimesScaling(s)) {
      if (!qf && sf) prefer = true;
      else if (h.sformCode() == SCANNER_ANAT) prefer = true;
      else if (qf && sf) prefer = agree(s, q);
    }
    return prefer;
  }

  /** nifti1_io's {@code sto_xyz}: the sform rows when its code is set, else zeros. */
  private static double[] sto(NiftiHeader h) {
    return h.sformCode() > 0 ? h.sformAffine() : new double[16];
  }

  /** nifti1_io's {@code qto_xyz}: the qform when its code is set, else pixdim on the diagonal. */
  private static double[] qto(NiftiHeader h) {
    if (h.qformCode() > 0) return h.qformAffine();
    double[] p = h.pixdim();
    return new double[] {p[1], 0, 0, 0, 0, p[2], 0, 0, 0, 0, p[3], 0, 0, 0, 0, 1};
  }

  /** Element by element: 1e-5 in the 3x3 part, 1e-7 (sum of absolute differences) in the offset. */
  private static boolean similar(double[] s, double[] q) {
    double offset = 0;
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) if (Math.abs(s[4 * i + j] - q[4 * i + j]) > 1e-5) return false;
      offset += Math.abs(s[4 * i + 3] - q[4 * i + 3]);
    }
    return offset <= 1e-7;
  }

  /** The columns made unit length are orthonormal to 1e-4 (ITK's test that the sform has no shear). */
  private static boolean isRotationTimesScaling(double[] m) {
    double[][] c = new double[3][3];
    for (int j = 0; j < 3; j++) {
      double norm = columnLength(m, j);
      if (!(norm > 0)) return false;
      for (int i = 0; i < 3; i++) c[j][i] = m[4 * i + j] / norm;
    }
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 3; b++) {
        double dot = c[a][0] * c[b][0] + c[a][1] * c[b][1] + c[a][2] * c[b][2];
        if (Math.abs(dot - (a == b ? 1 : 0)) > 1e-4) return false;
      }
    }
    return true;
  }

  /**
   * The two transforms agree to 1e-4 in direction, scaling and offset (ITK compares their singular value
   * decompositions; for a rotation times a scaling, which both are here, that is the same test).
   */
  private static boolean agree(double[] s, double[] q) {
    for (int j = 0; j < 3; j++) {
      double ns = columnLength(s, j);
      double nq = columnLength(q, j);
      if (Math.abs(ns - nq) > 1e-4) return false;
      for (int i = 0; i < 3; i++) if (Math.abs(s[4 * i + j] / ns - q[4 * i + j] / nq) > 1e-4) return false;
    }
    for (int i = 0; i < 3; i++) if (Math.abs(s[4 * i + 3] - q[4 * i + 3]) > 1e-4) return false;
    return true;
  }

  /** The length of column {@code j} of a row-major 4x4 matrix's 3x3 part. */
  private static double columnLength(double[] m, int j) {
    return Math.sqrt(m[j] * m[j] + m[4 + j] * m[4 + j] + m[8 + j] * m[8 + j]);
  }
}
