package org.mednext.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/** Parses and validates NIfTI-1/2 headers, and encodes the headers the writer produces. */
final class NiftiHeaderCodec {

  static final int NIFTI1_SIZE = 348;
  static final int NIFTI2_SIZE = 540;
  /** Largest voxel count of one (x, y) plane: one Java array. */
  static final long MAX_PLANE_VOXELS = Integer.MAX_VALUE - 8;
  /** Largest number of (z, c) planes of one volume. */
  static final long MAX_PLANES = Integer.MAX_VALUE - 8;
  /** The bits of xyzt_units that hold the spatial unit (the rest is the time unit). */
  private static final int SPATIAL_UNITS = 0x07;

  private NiftiHeaderCodec() {}

  /** The header size announced by the first four bytes (348 or 540), and their byte order; null if neither. */
  static ByteOrder byteOrderOf(byte[] first4) {
    int le = ByteBuffer.wrap(first4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (le == NIFTI1_SIZE || le == NIFTI2_SIZE) return ByteOrder.LITTLE_ENDIAN;
    int be = Integer.reverseBytes(le);
    if (be == NIFTI1_SIZE || be == NIFTI2_SIZE) return ByteOrder.BIG_ENDIAN;
    return null;
  }

  /** Message for a file whose first four bytes are not a NIfTI sizeof_hdr. */
  static String badSizeofHdr(byte[] first4) {
    int le = ByteBuffer.wrap(first4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    return String.format(Locale.ROOT, "not a NIfTI file: sizeof_hdr is %d (read little-endian) or %d (big-endian); "
        + "NIfTI-1 has 348 and NIfTI-2 has 540", le, Integer.reverseBytes(le));
  }

  /**
   * Parses and validates a whole header ({@code raw} holds exactly 348 or 540 bytes, as announced by its first
   * four). Checks everything that can be checked without the data: magic, dims, datatype and bitpix, vox_offset,
   * and the size limits of one plane and of the number of planes (scaling is the reader's: its rules differ).
   */
  static NiftiHeader parse(byte[] raw, ByteOrder order, Path file) throws VolumeFormatException {
    ByteBuffer b = ByteBuffer.wrap(raw).order(order);
    NiftiHeader h = new NiftiHeader();
    h.byteOrder = order;
    h.version = b.getInt(0) == NIFTI1_SIZE ? 1 : 2;
    if (h.version == 1) parse1(b, h, file);
    else parse2(b, h, file);
    validate(h, file);
    return h;
  }

  private static void parse1(ByteBuffer b, NiftiHeader h, Path file) throws VolumeFormatException {
    String magic = magic(b, 344, 4);
    if (magic.equals("n+1\\0")) h.singleFile = true;
    else if (magic.equals("ni1\\0")) h.singleFile = false;
    else throw new VolumeFormatException(file, "no NIfTI-1 magic at byte 344 (expected 'n+1' or 'ni1', found '"
        + magic + "'); plain Analyze 7.5 files are not supported");
    for (int i = 0; i < 8; i++) h.dim[i] = b.getShort(40 + 2 * i);
    h.intentCode = b.getShort(68);
    h.datatypeCode = b.getShort(70);
    h.bitpix = b.getShort(72);
    for (int i = 0; i < 8; i++) h.pixdim[i] = b.getFloat(76 + 4 * i);
    double off = b.getFloat(108);
    if (!(off >= 0) || off != Math.rint(off) || off > Integer.MAX_VALUE) {
      throw new VolumeFormatException(file, "vox_offset " + off + " is not a non-negative whole number of bytes");
    }
    h.voxOffset = (long) off;
    h.sclSlope = b.getFloat(112);
    h.sclInter = b.getFloat(116);
    h.xyztUnits = b.get(123) & 0xff;
    h.description = text(b, 148, 80);
    h.qformCode = b.getShort(252);
    h.sformCode = b.getShort(254);
    h.quaternB = b.getFloat(256);
    h.quaternC = b.getFloat(260);
    h.quaternD = b.getFloat(264);
    for (int i = 0; i < 3; i++) h.qoffset[i] = b.getFloat(268 + 4 * i);
    for (int i = 0; i < 12; i++) h.srow[i] = b.getFloat(280 + 4 * i);
  }

  private static void parse2(ByteBuffer b, NiftiHeader h, Path file) throws VolumeFormatException {
    String magic = magic(b, 4, 8);
    if (magic.equals("n+2\\0\\r\\n\\x1a\\n")) h.singleFile = true;
    else if (magic.equals("ni2\\0\\r\\n\\x1a\\n")) h.singleFile = false;
    else throw new VolumeFormatException(file, "no NIfTI-2 magic at byte 4 (expected 'n+2' or 'ni2' followed by "
        + "\\r\\n\\x1a\\n, found '" + magic + "')");
    h.datatypeCode = b.getShort(12);
    h.bitpix = b.getShort(14);
    for (int i = 0; i < 8; i++) h.dim[i] = b.getLong(16 + 8 * i);
    for (int i = 0; i < 8; i++) h.pixdim[i] = b.getDouble(104 + 8 * i);
    h.voxOffset = b.getLong(168);
    if (h.voxOffset < 0) throw new VolumeFormatException(file, "vox_offset " + h.voxOffset + " is negative");
    h.sclSlope = b.getDouble(176);
    h.sclInter = b.getDouble(184);
    h.description = text(b, 240, 80);
    h.qformCode = b.getInt(344);
    h.sformCode = b.getInt(348);
    h.quaternB = b.getDouble(352);
    h.quaternC = b.getDouble(360);
    h.quaternD = b.getDouble(368);
    for (int i = 0; i < 3; i++) h.qoffset[i] = b.getDouble(376 + 8 * i);
    for (int i = 0; i < 12; i++) h.srow[i] = b.getDouble(400 + 8 * i);
    h.xyztUnits = b.getInt(500);
    h.intentCode = b.getInt(504);
  }

  private static void validate(NiftiHeader h, Path file) throws VolumeFormatException {
    long n = h.dim[0];
    if (n < 1 || n > 7) throw new VolumeFormatException(file, "dim[0] = " + n + " must be between 1 and 7");
    for (int i = 1; i <= n; i++) {
      if (h.dim[i] < 1) {
        throw new VolumeFormatException(file, "dim[" + i + "] = " + h.dim[i] + "; every dimension must be >= 1");
      }
      if (h.dim[i] > Integer.MAX_VALUE) {
        throw new VolumeFormatException(file, "dim[" + i + "] = " + h.dim[i] + " is absurdly large (> 2^31)");
      }
    }
    for (int i = 5; i <= n; i++) {
      if (h.dim[i] > 1) {
        throw new VolumeFormatException(file, String.format(Locale.ROOT, "%d-D image (dim[%d] = %d) is not supported:"
            + " only 3-D volumes and 4-D volumes whose 4th axis holds channels can be read", n, i, h.dim[i]));
      }
    }
    NiftiDatatype dt = NiftiDatatype.forCode(h.datatypeCode);
    if (dt == null) {
      throw new VolumeFormatException(file, "datatype " + NiftiDatatype.describe(h.datatypeCode) + " is not supported;"
          + " supported: uint8, int8, int16, uint16, int32, uint32, int64, uint64, float32, float64");
    }
    if (h.bitpix != dt.bitpix()) {
      throw new VolumeFormatException(file, "bitpix " + h.bitpix + " does not match datatype " + dt + " ("
          + dt.bitpix() + " bits)");
    }
    int headerSize = h.version == 1 ? NIFTI1_SIZE : NIFTI2_SIZE;
    if (h.singleFile && h.voxOffset < headerSize) {
      throw new VolumeFormatException(file, "vox_offset " + h.voxOffset + " points into the " + headerSize
          + "-byte header; a single-file NIfTI needs vox_offset >= " + (headerSize + 4));
    }
    long planeVoxels = size(h, 1) * size(h, 2);
    if (planeVoxels > MAX_PLANE_VOXELS) {
      throw new VolumeFormatException(file, String.format(Locale.ROOT, "an (x, y) plane of %d x %d = %d voxels is "
          + "larger than the supported maximum of 2^31 voxels", size(h, 1), size(h, 2), planeVoxels));
    }
    long planes = size(h, 3) * size(h, 4);
    if (planes > MAX_PLANES) {
      throw new VolumeFormatException(file, String.format(Locale.ROOT, "%d slices x %d channels = %d planes is more "
          + "than the supported maximum of 2^31 planes", size(h, 3), size(h, 4), planes));
    }
  }

  /** dim[d], or 1 beyond dim[0]. */
  static long size(NiftiHeader h, int d) {
    return d <= h.dim[0] ? h.dim[d] : 1;
  }

  /**
   * Overwrites the spatial transforms of an encoded little-endian header (from {@link #encodeNifti1} or
   * {@link #encodeNifti2}) with {@code source}'s as they stand in its file: both codes, the quaternion with its
   * offsets and qfac, and the sform rows, also where a code is 0 and readers ignore them; and its spatial unit, which
   * ITK applies to the spacing (pixdim in micrometres is 0.001 times ITK's millimetres), so that labels of an image in
   * micrometres are not read a thousand times larger.
   */
  static void copyTransforms(byte[] header, NiftiHeader source) {
    ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    double[] quaternion = {source.quaternB, source.quaternC, source.quaternD};
    if (b.getInt(0) == NIFTI1_SIZE) {
      b.putFloat(76, (float) source.pixdim[0]);
      b.put(123, (byte) (source.xyztUnits & SPATIAL_UNITS));
      b.putShort(252, (short) source.qformCode);
      b.putShort(254, (short) source.sformCode);
      for (int i = 0; i < 3; i++) b.putFloat(256 + 4 * i, (float) quaternion[i]);
      for (int i = 0; i < 3; i++) b.putFloat(268 + 4 * i, (float) source.qoffset[i]);
      for (int i = 0; i < 12; i++) b.putFloat(280 + 4 * i, (float) source.srow[i]);
    } else {
      b.putDouble(104, source.pixdim[0]);
      b.putInt(500, source.xyztUnits & SPATIAL_UNITS);
      b.putInt(344, source.qformCode);
      b.putInt(348, source.sformCode);
      for (int i = 0; i < 3; i++) b.putDouble(352 + 8 * i, quaternion[i]);
      for (int i = 0; i < 3; i++) b.putDouble(376 + 8 * i, source.qoffset[i]);
      for (int i = 0; i < 12; i++) b.putDouble(400 + 8 * i, source.srow[i]);
    }
  }

  /**
   * A little-endian single-file NIfTI-1 header with the 4-byte extension flag (352 bytes): the volume's size
   * (x, y, z, c), datatype, spacing as pixdim, the affine as sform (code {@code sformCode}), the qform from the
   * affine with {@code qformCode} when the affine is a rotation times the spacing (else qform_code 0 and no
   * quaternion), mm units, no scaling.
   */
  static byte[] encodeNifti1(long[] size, NiftiDatatype dt, double[] spacing, double[] affine, int sformCode,
      int qformCode, String description) {
    ByteBuffer b = ByteBuffer.allocate(NIFTI1_SIZE + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, NIFTI1_SIZE);
    b.put(38, (byte) 'r'); // "regular", as nibabel and nifti1_io write it
    boolean channels = size[3] > 1;
    b.putShort(40, (short) (channels ? 4 : 3));
    for (int d = 0; d < 4; d++) b.putShort(42 + 2 * d, (short) size[d]);
    for (int d = 4; d < 7; d++) b.putShort(42 + 2 * d, (short) 1);
    b.putShort(70, (short) dt.code());
    b.putShort(72, (short) dt.bitpix());
    double[] q = NiftiAffines.toQuaternion(affine, spacing); // filled even with code 0, as nibabel does
    b.putFloat(76, q != null ? (float) q[3] : 1f);
    for (int d = 0; d < 3; d++) b.putFloat(80 + 4 * d, (float) spacing[d]);
    for (int d = 3; d < 7; d++) b.putFloat(80 + 4 * d, 1f);
    b.putFloat(108, NIFTI1_SIZE + 4);
    b.putFloat(112, 1f);
    b.putFloat(116, 0f);
    b.put(123, (byte) 2); // NIFTI_UNITS_MM
    byte[] text = description.getBytes(StandardCharsets.ISO_8859_1);
    b.position(148);
    b.put(text, 0, Math.min(text.length, 79));
    b.putShort(252, (short) (q != null ? qformCode : 0));
    b.putShort(254, (short) sformCode);
    if (q != null) {
      for (int i = 0; i < 3; i++) b.putFloat(256 + 4 * i, (float) q[i]);
      for (int i = 0; i < 3; i++) b.putFloat(268 + 4 * i, (float) q[4 + i]);
    }
    for (int i = 0; i < 12; i++) b.putFloat(280 + 4 * i, (float) affine[i]);
    b.position(344);
    b.put(new byte[] {'n', '+', '1', 0});
    return b.array();
  }

  /**
   * A little-endian single-file NIfTI-2 header with the 4-byte extension flag (544 bytes): the fields of
   * {@link #encodeNifti1} at NIfTI-2's offsets, with 64-bit sizes and the spacing and affines in double precision.
   */
  static byte[] encodeNifti2(long[] size, NiftiDatatype dt, double[] spacing, double[] affine, int sformCode,
      int qformCode, String description) {
    ByteBuffer b = ByteBuffer.allocate(NIFTI2_SIZE + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, NIFTI2_SIZE);
    b.position(4);
    b.put(new byte[] {'n', '+', '2', 0, '\r', '\n', 0x1a, '\n'});
    b.putShort(12, (short) dt.code());
    b.putShort(14, (short) dt.bitpix());
    boolean channels = size[3] > 1;
    b.putLong(16, channels ? 4 : 3);
    for (int d = 0; d < 4; d++) b.putLong(24 + 8 * d, size[d]);
    for (int d = 4; d < 7; d++) b.putLong(24 + 8 * d, 1);
    double[] q = NiftiAffines.toQuaternion(affine, spacing); // filled even with code 0, as nibabel does
    b.putDouble(104, q != null ? q[3] : 1);
    for (int d = 0; d < 3; d++) b.putDouble(112 + 8 * d, spacing[d]);
    for (int d = 3; d < 7; d++) b.putDouble(112 + 8 * d, 1);
    b.putLong(168, NIFTI2_SIZE + 4);
    b.putDouble(176, 1);
    b.putDouble(184, 0);
    byte[] text = description.getBytes(StandardCharsets.ISO_8859_1);
    b.position(240);
    b.put(text, 0, Math.min(text.length, 79));
    b.putInt(344, q != null ? qformCode : 0);
    b.putInt(348, sformCode);
    if (q != null) {
      for (int i = 0; i < 3; i++) b.putDouble(352 + 8 * i, q[i]);
      for (int i = 0; i < 3; i++) b.putDouble(376 + 8 * i, q[4 + i]);
    }
    for (int i = 0; i < 12; i++) b.putDouble(400 + 8 * i, affine[i]);
    b.putInt(500, 2); // NIFTI_UNITS_MM
    return b.array();
  }

  private static String magic(ByteBuffer b, int offset, int length) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int c = b.get(offset + i) & 0xff;
      if (c == 0) s.append("\\0");
      else if (c == '\r') s.append("\\r");
      else if (c == '\n') s.append("\\n");
      else if (c >= 32 && c < 127) s.append((char) c);
      else s.append(String.format(Locale.ROOT, "\\x%02x", c));
    }
    return s.toString();
  }

  private static String text(ByteBuffer b, int offset, int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) bytes[i] = b.get(offset + i);
    int end = 0;
    while (end < length && bytes[end] != 0) end++;
    return new String(bytes, 0, end, StandardCharsets.ISO_8859_1).trim();
  }
}
