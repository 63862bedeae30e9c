package org.mednext.io;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.mednext.volume.Geometry;
import org.mednext.volume.Volume;

/**
 * Reads NIfTI-1 and NIfTI-2 volumes: {@code .nii}, {@code .nii.gz} and {@code .hdr}/{@code .img} pairs (each
 * optionally gzipped; compression is detected from the bytes, not the name), either byte order.
 *
 * <p>The result is a {@link Volume} (x, y, z, c) backed by a {@link net.imglib2.img.planar.PlanarImg} with one
 * primitive array per (z, c) plane, of the file's own type (uint8 becomes UnsignedByteType, int16 ShortType,
 * ...). A 4-D file's fourth axis becomes the channel axis; 5-D files with a fifth dimension above 1 are refused.
 * When {@code scl_slope} is finite and non-zero (and not the identity 1, 0), voxels are scaled as nibabel does,
 * {@code value = raw * slope + inter} in double, and stored as FloatType (DoubleType for float64, int64 and
 * uint64 files). {@link #withItkScaling} reads the scaling fields as ITK does instead (see
 * {@link NiftiHeader#scaling}), for models whose nnU-Net reader is SimpleITK's.
 *
 * <p>Geometry: spacing = |pixdim[1..3]|; affine by nibabel's rule, see {@link NiftiHeader#affine()} (which also
 * explains how ITK differs). {@code xyzt_units} is not applied.
 *
 * <p>Untrusted input: the header is validated before any voxel memory is allocated; for uncompressed data the
 * claimed size must fit in the file; compressed data is read plane by plane, so memory grows only with data
 * that is really there, and a stream that ends early fails cleanly.
 */
public final class NiftiReader implements VolumeReader {

  private static final Logger LOG = Logger.getLogger("org.mednext.io");

  /** Bytes read from the file at a time (a multiple of every voxel size). */
  private static final int CHUNK = 1 << 22;

  private final boolean itkScaling;

  /** A reader that scales voxels by nibabel's rule. */
  public NiftiReader() {
    this(false);
  }

  private NiftiReader(boolean itkScaling) {
    this.itkScaling = itkScaling;
  }

  /**
   * A reader that scales voxels as ITK does: a slope of 0 (or not finite) is 1 with the intercept kept, a non-finite
   * intercept 0; nibabel ignores both in the first case and refuses the second.
   */
  public static NiftiReader withItkScaling() {
    return new NiftiReader(true);
  }

  @Override
  public String formatName() {
    return "NIfTI";
  }

  /** Whether the file name has a NIfTI extension (.nii, .nii.gz, .hdr, .hdr.gz, .img, .img.gz). */
  public static boolean hasNiftiExtension(Path path) {
    String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
    for (String e : new String[] {".nii", ".nii.gz", ".hdr", ".hdr.gz", ".img", ".img.gz"}) {
      if (n.endsWith(e)) return true;
    }
    return false;
  }

  /** Reads and validates just the header of a NIfTI file (for a pair, of its .hdr). */
  public static NiftiHeader readHeader(Path path) throws IOException {
    Path headerFile = headerFileOf(path);
    try (InputStream in = open(headerFile)) {
      return readHeader(in, headerFile);
    }
  }

  @Override
  public Volume<?> read(Path path) throws IOException {
    Path headerFile = headerFileOf(path);
    try (InputStream in = open(headerFile)) {
      NiftiHeader h = readHeader(in, headerFile);
      int headerSize = h.version == 1 ? NiftiHeaderCodec.NIFTI1_SIZE : NiftiHeaderCodec.NIFTI2_SIZE;
      boolean pair = isPairName(headerFile);
      if (h.singleFile == pair) {
        throw new VolumeFormatException(headerFile, h.singleFile
            ? "the header's magic says single-file NIfTI ('n+'), but the file is named like a .hdr of a .hdr/.img pair"
            : "the header's magic says .hdr/.img pair ('ni'), but the file is not named .hdr; rename it to .hdr"
                + " next to its .img");
      }
      if (h.singleFile) {
        checkDataSize(h, headerFile, headerFile);
        skip(in, h.voxOffset - headerSize, h, headerFile);
        return readVolume(in, h, headerFile, scaling(h, headerFile));
      }
      Path dataFile = dataFileOf(headerFile);
      try (InputStream data = open(dataFile)) {
        checkDataSize(h, headerFile, dataFile);
        skip(data, h.voxOffset, h, dataFile);
        return readVolume(data, h, dataFile, scaling(h, headerFile));
      }
    }
  }

  /** The (slope, intercept) to apply, or null; a valid slope with a non-finite intercept is refused, as by nibabel. */
  private double[] scaling(NiftiHeader h, Path headerFile) throws VolumeFormatException {
    if (!itkScaling && h.sclSlope != 0 && Double.isFinite(h.sclSlope) && !Double.isFinite(h.sclInter)) {
      throw new VolumeFormatException(headerFile, "scl_slope is " + h.sclSlope + " but scl_inter is " + h.sclInter
          + " (nibabel refuses such a header too); set scl_inter in the file, e.g. to 0 with nibabel");
    }
    return h.scaling(itkScaling);
  }

  private static Volume<?> readVolume(InputStream in, NiftiHeader h, Path file, double[] scaling) throws IOException {
    NiftiDatatype dt = h.datatype();
    long[] size = {NiftiHeaderCodec.size(h, 1), NiftiHeaderCodec.size(h, 2), NiftiHeaderCodec.size(h, 3),
        NiftiHeaderCodec.size(h, 4)};
    int planeVoxels = (int) (size[0] * size[1]);
    int planes = (int) (size[2] * size[3]);
    double[] affine = h.affine();
    for (double a : affine) {
      if (!Double.isFinite(a)) {
        throw new VolumeFormatException(file, "the affine has non-finite entries " + Arrays.toString(affine)
            + " (sform_code " + h.sformCode + ", qform_code " + h.qformCode + ")");
      }
    }
    // NB: not sized by the header's claim, which may be a lie for compressed data.
    List<Object> arrays = new ArrayList<>(Math.min(planes, 4096));
    for (int p = 0; p < planes; p++) {
      Object raw = readPlane(in, h, dt, planeVoxels, p, planes, file);
      arrays.add(scaling != null ? Planes.scale(raw, dt, scaling[0], scaling[1]) : raw);
    }
    if (in instanceof GZIPInputStream) requireIntactGzip(in, file);
    warnIfSpacingRepaired(h, file);
    Geometry geometry = Geometry.of(h.spacing(), affine);
    return Planes.volume(Planes.image(dt, arrays, size), geometry);
  }

  /**
   * Reads a gzip stream to its end, where GZIPInputStream checks the data's CRC-32 and length: a bit flipped in the
   * voxels can still decompress, and only the checksum tells (nibabel stops after the voxels and never looks).
   */
  private static void requireIntactGzip(InputStream in, Path file) throws IOException {
    try {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (ZipException | EOFException e) {
      throw new VolumeFormatException(file, "the gzip data are damaged (" + e.getMessage() + "): the voxels may be "
          + "wrong; copy the file again from its source", e);
    }
  }

  /**
   * A header without a usable voxel size (pixdim 0 or NaN along a spatial axis it has) is read with 1 mm there (see
   * {@link NiftiHeader#spacing}); a prediction then rests on a guess, so it is said once per file.
   */
  private static void warnIfSpacingRepaired(NiftiHeader h, Path file) {
    StringBuilder bad = new StringBuilder();
    double[] pixdim = h.pixdim();
    for (int d = 0; d < Math.min(3, h.shape().length); d++) {
      double p = Math.abs(pixdim[d + 1]);
      if (!(p > 0 && Double.isFinite(p))) bad.append(bad.length() == 0 ? "" : ", ").append("pixdim[").append(d + 1)
          .append("] = ").append(pixdim[d + 1]);
    }
    if (bad.length() > 0) {
      LOG.warning(file + ": the header gives no voxel size (" + bad + "); 1 mm is assumed there. If that is wrong, "
          + "set pixdim in the file (e.g. with nibabel) before predicting");
    }
  }

  /** One (x, y) plane, read in chunks so that a lying header costs at most one chunk before the data ends. */
  private static Object readPlane(InputStream in, NiftiHeader h, NiftiDatatype dt, int planeVoxels, int index,
      int planes, Path file) throws IOException {
    long planeBytes = (long) planeVoxels * dt.bytes();
    List<byte[]> chunks = new ArrayList<>();
    long done = 0;
    while (done < planeBytes) {
      int len = (int) Math.min(CHUNK, planeBytes - done);
      byte[] chunk = new byte[len];
      int got = readFully(in, chunk, file);
      if (got < len) {
        throw new VolumeFormatException(file, String.format(Locale.ROOT, "voxel data ends after %d of %d planes "
            + "(+%d bytes); the header claims %s voxels of %s from byte %d. The file is truncated or its header "
            + "is wrong", index, planes, done + got, shapeText(h), dt, h.voxOffset));
      }
      chunks.add(chunk);
      done += len;
    }
    Object plane = Planes.allocate(dt, planeVoxels);
    int offset = 0;
    for (byte[] c : chunks) offset += Planes.decode(ByteBuffer.wrap(c), h.byteOrder, plane, offset);
    return plane;
  }

  private static void checkDataSize(NiftiHeader h, Path headerFile, Path dataFile) throws IOException {
    if (isGzip(dataFile)) return; // checked while decompressing
    long voxels = 1;
    long bytes;
    try {
      for (int d = 1; d <= 4; d++) voxels = Math.multiplyExact(voxels, NiftiHeaderCodec.size(h, d));
      bytes = Math.addExact(Math.multiplyExact(voxels, h.datatype().bytes()), h.voxOffset);
    } catch (ArithmeticException e) {
      throw new VolumeFormatException(headerFile, "the header claims " + shapeText(h) + " voxels, more than 2^63 bytes");
    }
    long have = Files.size(dataFile);
    if (have < bytes) {
      throw new VolumeFormatException(dataFile, String.format(Locale.ROOT, "the header claims %s = %d voxels of %s "
          + "(%d bytes from byte offset %d) but the file has only %d bytes; it is truncated or its header is wrong",
          shapeText(h), voxels, h.datatype(), bytes - h.voxOffset, h.voxOffset, have));
    }
  }

  private static NiftiHeader readHeader(InputStream in, Path file) throws IOException {
    byte[] first = new byte[4];
    int got = readFully(in, first, file);
    if (got == 0) throw new VolumeFormatException(file, "empty file: no NIfTI header");
    if (got < 4) throw new VolumeFormatException(file, "file too short for a NIfTI header (" + got + " bytes)");
    ByteOrder order = NiftiHeaderCodec.byteOrderOf(first);
    if (order == null) throw new VolumeFormatException(file, NiftiHeaderCodec.badSizeofHdr(first));
    int size = ByteBuffer.wrap(first).order(order).getInt();
    byte[] raw = Arrays.copyOf(first, size);
    int rest = readFully(in, raw, 4, size - 4, file);
    if (rest < size - 4) {
      throw new VolumeFormatException(file, "file ends inside the " + size + "-byte NIfTI header (after "
          + (4 + rest) + " bytes)");
    }
    return NiftiHeaderCodec.parse(raw, order, file);
  }

  private static void skip(InputStream in, long n, NiftiHeader h, Path file) throws IOException {
    try {
      in.skipNBytes(n);
    } catch (EOFException e) {
      throw new VolumeFormatException(file, "file ends before vox_offset " + h.voxOffset + " where the voxels start");
    } catch (ZipException e) {
      throw new VolumeFormatException(file, "corrupt gzip data: " + e.getMessage(), e);
    }
  }

  private static int readFully(InputStream in, byte[] b, Path file) throws IOException {
    return readFully(in, b, 0, b.length, file);
  }

  /** Reads up to {@code len} bytes; fewer only at the end of the data. A damaged gzip stream counts as its end. */
  private static int readFully(InputStream in, byte[] b, int off, int len, Path file) throws IOException {
    int total = 0;
    try {
      while (total < len) {
        int n = in.read(b, off + total, len - total);
        if (n < 0) break;
        total += n;
      }
    } catch (EOFException e) {
      // GZIPInputStream: "Unexpected end of ZLIB input stream" = truncated file; report as short data.
    } catch (ZipException e) {
      throw new VolumeFormatException(file, "corrupt gzip data after " + total + " bytes: " + e.getMessage(), e);
    }
    return total;
  }

  private static String shapeText(NiftiHeader h) {
    StringBuilder s = new StringBuilder();
    for (int d = 1; d <= h.dim[0]; d++) s.append(d > 1 ? " x " : "").append(h.dim[d]);
    return s.toString();
  }

  static InputStream open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no such file");
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      try {
        return new GZIPInputStream(raw, 1 << 16);
      } catch (ZipException | EOFException e) {
        raw.close();
        throw new VolumeFormatException(file, "corrupt gzip header: " + e.getMessage(), e);
      }
    }
    return raw;
  }

  private static boolean isGzip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  private static boolean isPairName(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".hdr") || n.endsWith(".hdr.gz");
  }

  /** For a pair given by its .img, the .hdr beside it; else the path itself. */
  private static Path headerFileOf(Path p) {
    String n = p.getFileName().toString();
    String lower = n.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".img")) return p.resolveSibling(n.substring(0, n.length() - 4) + swapCase(n, ".hdr", 4));
    if (lower.endsWith(".img.gz")) {
      return p.resolveSibling(n.substring(0, n.length() - 7) + swapCase(n.substring(0, n.length() - 3), ".hdr", 4)
          + n.substring(n.length() - 3));
    }
    return p;
  }

  private static Path dataFileOf(Path hdr) throws NoSuchFileException {
    String n = hdr.getFileName().toString();
    String lower = n.toLowerCase(Locale.ROOT);
    int at = lower.endsWith(".hdr.gz") ? n.length() - 7 : n.length() - 4;
    String base = n.substring(0, at);
    for (String ext : new String[] {n.substring(at).replace("hdr", "img").replace("HDR", "IMG"), ".img", ".img.gz"}) {
      Path candidate = hdr.resolveSibling(base + ext);
      if (Files.isRegularFile(candidate)) return candidate;
    }
    throw new NoSuchFileException(hdr.resolveSibling(base + ".img").toString(), null,
        "the .img data file of the NIfTI pair " + hdr.getFileName() + " is missing");
  }

  /** {@code ext} in upper case when the original extension (last {@code len} chars of name) was upper case. */
  private static String swapCase(String name, String ext, int len) {
    String orig = name.substring(name.length() - len);
    return orig.equals(orig.toUpperCase(Locale.ROOT)) ? ext.toUpperCase(Locale.ROOT) : ext;
  }
}
