package org.mednext.io;

/**
 * NIfTI's three ways to a voxel-to-world affine (row-major 4x4, RAS+ mm): qform (quaternion), sform (rows), and
 * nibabel's fall-back from pixdim; plus the reverse, a qform from an affine, for writing.
 */
final class NiftiAffines {

  /** Largest deviation of R^T R from the identity still taken as a rotation when writing a qform. */
  static final double ROTATION_TOLERANCE = 1e-4;

  private NiftiAffines() {}

  /**
   * NIfTI method 2: rotation from the quaternion (b, c, d) with a = sqrt(1 - b^2 - c^2 - d^2), times
   * diag(sx, sy, qfac * sz), plus the offset. A quaternion slightly longer than 1 is normalised with a = 0, as
   * nifti1_io does.
   */
  static double[] fromQuaternion(double b, double c, double d, double[] offset, double[] spacing, int qfac) {
    double a = 1.0 - (b * b + c * c + d * d);
    if (a < 1e-7) {
      double n = 1.0 / Math.sqrt(b * b + c * c + d * d);
      b *= n;
      c *= n;
      d *= n;
      a = 0;
    } else {
      a = Math.sqrt(a);
    }
    double nq = a * a + b * b + c * c + d * d;
    double s = 2.0 / nq;
    double x = b * s, y = c * s, z = d * s;
    double wx = a * x, wy = a * y, wz = a * z;
    double xx = b * x, xy = b * y, xz = b * z;
    double yy = c * y, yz = c * z, zz = d * z;
    double[][] r = {
      {1.0 - (yy + zz), xy - wz, xz + wy},
      {xy + wz, 1.0 - (xx + zz), yz - wx},
      {xz - wy, yz + wx, 1.0 - (xx + yy)}};
    double[] scale = {spacing[0], spacing[1], spacing[2] * qfac};
    double[] m = new double[16];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) m[4 * i + j] = r[i][j] * scale[j];
      m[4 * i + 3] = offset[i];
    }
    m[15] = 1;
    return m;
  }

  /**
   * nibabel's affine for a header with neither qform nor sform ({@code shape_zoom_affine} with x flipped):
   * diag(-zx, zy, zz) with the centre voxel at the origin. Shape and zooms beyond {@code dim[0]} count as 1;
   * zooms are |pixdim| with 0 read as 1.
   */
  static double[] fallBack(long[] dim, double[] pixdim) {
    double[] m = new double[16];
    for (int d = 0; d < 3; d++) {
      boolean present = d < dim[0];
      double n = present ? dim[d + 1] : 1;
      double p = present ? Math.abs(pixdim[d + 1]) : 1;
      double zoom = p > 0 && Double.isFinite(p) ? p : 1;
      if (d == 0) zoom = -zoom;
      m[5 * d] = zoom;
      m[4 * d + 3] = -(n - 1) / 2.0 * zoom;
    }
    m[15] = 1;
    return m;
  }

  /**
   * The qform parameters {b, c, d, qfac, ox, oy, oz} of an affine whose 3x3 part is a rotation times
   * diag(spacing) (up to a flip of z, expressed by qfac = -1), or null when it is not (shear, or scaling that
   * differs from the spacing).
   */
  static double[] toQuaternion(double[] affine, double[] spacing) {
    double[][] r = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) r[i][j] = affine[4 * i + j] / spacing[j];
    }
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double dot = 0;
        for (int k = 0; k < 3; k++) dot += r[k][i] * r[k][j];
        if (Math.abs(dot - (i == j ? 1 : 0)) > ROTATION_TOLERANCE) return null;
      }
    }
    double det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1])
        - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
        + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
    double qfac = 1;
    if (det < 0) {
      qfac = -1;
      for (int i = 0; i < 3; i++) r[i][2] = -r[i][2];
    }
    // Shepperd's method as in nifti1_io's nifti_mat44_to_quatern, with a >= 0.
    double a = r[0][0] + r[1][1] + r[2][2] + 1;
    double b, c, d;
    if (a > 0.5) {
      a = 0.5 * Math.sqrt(a);
      b = 0.25 * (r[2][1] - r[1][2]) / a;
      c = 0.25 * (r[0][2] - r[2][0]) / a;
      d = 0.25 * (r[1][0] - r[0][1]) / a;
    } else {
      double xd = 1.0 + r[0][0] - (r[1][1] + r[2][2]);
      double yd = 1.0 + r[1][1] - (r[0][0] + r[2][2]);
      double zd = 1.0 + r[2][2] - (r[0][0] + r[1][1]);
      if (xd > 1.0) {
        b = 0.5 * Math.sqrt(xd);
        c = 0.25 * (r[0][1] + r[1][0]) / b;
        d = 0.25 * (r[0][2] + r[2][0]) / b;
        a = 0.25 * (r[2][1] - r[1][2]) / b;
      } else if (yd > 1.0) {
        c = 0.5 * Math.sqrt(yd);
        b = 0.25 * (r[0][1] + r[1][0]) / c;
        d = 0.25 * (r[1][2] + r[2][1]) / c;
        a = 0.25 * (r[0][2] - r[2][0]) / c;
      } else {
        d = 0.5 * Math.sqrt(zd);
        b = 0.25 * (r[0][2] + r[2][0]) / d;
        c = 0.25 * (r[1][2] + r[2][1]) / d;
        a = 0.25 * (r[1][0] - r[0][1]) / d;
      }
      if (a < 0) {
        b = -b;
        c = -c;
        d = -d;
      }
    }
    return new double[] {b, c, d, qfac, affine[3], affine[7], affine[11]};
  }
}
