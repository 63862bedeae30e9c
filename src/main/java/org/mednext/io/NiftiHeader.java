package org.mednext.io;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;

/**
 * The fields of a NIfTI-1 or NIfTI-2 header that matter for reading and writing volumes. Values are as stored
 * (NIfTI-1 floats widened to double); {@link #affine()} and {@link #spacing()} interpret them.
 *
 * <p>Axis order is NIfTI's (i, j, k, t) = (x, y, z, c) of a {@link org.mednext.volume.Volume}; pixdim and
 * spacing are in the file's units (nearly always mm; {@code xyzt_units} is reported but not applied, as nibabel
 * and nnU-Net do not apply it either).
 *
 * <p>Immutable to callers: arrays are copied out.
 */
public final class NiftiHeader {

  // Set once by NiftiHeaderCodec; never changed afterwards.
  int version;
  ByteOrder byteOrder;
  boolean singleFile;
  long[] dim = new long[8];
  int datatypeCode;
  int bitpix;
  double[] pixdim = new double[8];
  long voxOffset;
  double sclSlope;
  double sclInter;
  int qformCode;
  int sformCode;
  double quaternB;
  double quaternC;
  double quaternD;
  double[] qoffset = new double[3];
  double[] srow = new double[12];
  int xyztUnits;
  int intentCode;
  String description = "";

  NiftiHeader() {}

  /** 1 for NIfTI-1 (348-byte header), 2 for NIfTI-2 (540 bytes). */
  public int version() {
    return version;
  }

  /** Byte order of header and voxels. */
  public ByteOrder byteOrder() {
    return byteOrder;
  }

  /** True for a single .nii file (magic "n+1"/"n+2"), false for a .hdr/.img pair ("ni1"/"ni2"). */
  public boolean isSingleFile() {
    return singleFile;
  }

  /** The shape {@code dim[1..dim[0]]}; a new array each call. */
  public long[] shape() {
    return Arrays.copyOfRange(dim, 1, 1 + (int) dim[0]);
  }

  /** The raw {@code dim[0..7]}; a new array each call. */
  public long[] dim() {
    return dim.clone();
  }

  /** The voxel datatype (never null: unsupported codes are refused when parsing). */
  public NiftiDatatype datatype() {
    return NiftiDatatype.forCode(datatypeCode);
  }

  /** The raw {@code pixdim[0..7]} ({@code pixdim[0]} is qfac); a new array each call. */
  public double[] pixdim() {
    return pixdim.clone();
  }

  /** Byte offset of the first voxel in the data file. */
  public long voxOffset() {
    return voxOffset;
  }

  /** {@code scl_slope} as stored (may be 0 or NaN; see {@link #scaling} for what readers make of it). */
  public double sclSlope() {
    return sclSlope;
  }

  /** {@code scl_inter} as stored. */
  public double sclInter() {
    return sclInter;
  }

  /**
   * Whether voxels are scaled on reading, by nibabel's rule: a slope that is finite and non-zero, unless slope is
   * 1 and intercept 0 (which changes nothing and keeps the native type).
   */
  public boolean hasScaling() {
    return scaling(false) != null;
  }

  /**
   * The (slope, intercept) applied on reading, or null where the stored values are kept.
   *
   * <p>nibabel: a slope of 0 or not finite means no scaling, the intercept ignored too; (1, 0) keeps the native type.
   * A finite slope with a non-finite intercept is an error there, left to the reader to refuse.
   *
   * <p>ITK ({@code itk}): nifti1_io's {@code nifti_convert_nhdr2nim} reads both through {@code FIXED_FLOAT}, a
   * non-finite value becoming 0; {@code NiftiImageIO::ReadImageInformation} then takes a slope below DBL_EPSILON in
   * magnitude as 1 and keeps the intercept, and {@code MustRescale} scales unless the slope is within DBL_EPSILON of 1
   * and the intercept of 0 (ITK 5.4's itkNiftiImageIO.cxx; ITK 5.4.3 gives these values on such headers).
   */
  double[] scaling(boolean itk) {
    if (!itk) {
      return sclSlope != 0 && Double.isFinite(sclSlope) && !(sclSlope == 1 && sclInter == 0)
          ? new double[] {sclSlope, sclInter} : null;
    }
    double eps = Math.ulp(1.0);
    double slope = Double.isFinite(sclSlope) ? sclSlope : 0;
    double inter = Double.isFinite(sclInter) ? sclInter : 0;
    if (Math.abs(slope) < eps) slope = 1;
    return Math.abs(slope - 1) > eps || Math.abs(inter) > eps ? new double[] {slope, inter} : null;
  }

  /** {@code qform_code} (0 = no qform). */
  public int qformCode() {
    return qformCode;
  }

  /** {@code sform_code} (0 = no sform). */
  public int sformCode() {
    return sformCode;
  }

  /** {@code xyzt_units} as stored (2 = mm; not applied to the spacing). */
  public int xyztUnits() {
    return xyztUnits;
  }

  /** {@code intent_code} as stored. */
  public int intentCode() {
    return intentCode;
  }

  /** {@code descrip}, trimmed at the first NUL. */
  public String description() {
    return description;
  }

  /** The sform rows {@code srow_x, srow_y, srow_z} plus (0,0,0,1) as a row-major 4x4 affine, whatever the code. */
  public double[] sformAffine() {
    double[] a = new double[16];
    System.arraycopy(srow, 0, a, 0, 12);
    a[15] = 1;
    return a;
  }

  /** The affine built from the quaternion, qoffset and pixdim (NIfTI method 2), whatever the code. */
  public double[] qformAffine() {
    return NiftiAffines.fromQuaternion(quaternB, quaternC, quaternD, qoffset, spacing(), pixdim[0] < 0 ? -1 : 1);
  }

  /**
   * The voxel-to-world affine by nibabel's {@code img.affine} rule: the sform if {@code sform_code != 0}, else the
   * qform if {@code qform_code != 0}, else nibabel's fall-back from pixdim (x flipped, centred on the middle
   * voxel: {@code diag(-sx, sy, sz)} with translation {@code -(shape-1)/2 * zooms}).
   *
   * <p>NB: ITK/SimpleITK choose differently where the two disagree ({@link ItkNiftiGeometry}); models whose nnU-Net
   * reader is SimpleITK-based are given ITK's placement where it matters (their reordering to RAS, their properties).
   */
  public double[] affine() {
    if (sformCode != 0) return sformAffine();
    if (qformCode != 0) return qformAffine();
    return NiftiAffines.fallBack(dim, pixdim);
  }

  /**
   * Voxel spacing (x, y, z): {@code |pixdim[1..3]|}, with a zero, missing or non-finite pixdim read as 1 (nibabel
   * repairs such headers the same way).
   */
  public double[] spacing() {
    double[] s = new double[3];
    for (int d = 0; d < 3; d++) {
      double p = Math.abs(pixdim[d + 1]);
      s[d] = p > 0 && Double.isFinite(p) ? p : 1.0;
    }
    return s;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "NIfTI-%d %s %s %s pixdim=%s sform=%d qform=%d", version,
        byteOrder == ByteOrder.LITTLE_ENDIAN ? "LE" : "BE", Arrays.toString(shape()),
        NiftiDatatype.describe(datatypeCode), Arrays.toString(Arrays.copyOfRange(pixdim, 1, 4)), sformCode, qformCode);
  }
}
