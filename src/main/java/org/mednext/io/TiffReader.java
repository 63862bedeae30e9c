package org.mednext.io;

import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.FileOpener;
import ij.io.Opener;
import ij.io.TiffDecoder;
import ij.measure.Calibration;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.logging.Logger;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.converter.Converters;
import net.imglib2.type.numeric.integer.ByteType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import org.mednext.volume.ImagePlusVolumes;
import org.mednext.volume.Volume;

/**
 * Reads TIFF stacks (8, 16 or 32-bit; ImageJ hyperstacks included) through ImageJ 1.x's TIFF reader, headless.
 * The volume shares the stack's arrays; spacing comes from the calibration and a geometry stored by
 * {@link ImagePlusVolumes#toImagePlus} is restored (see {@link ImagePlusVolumes#toVolume}). A file shorter than its
 * directories say is refused (ImageJ would return the slices it could read).
 *
 * <p>ImageJ ignores the SampleFormat tag for 8-bit and 32-bit integer samples (int8 read as unsigned, uint32 as
 * signed int32); this reader reads the tag of the first directory itself and gives int8 as a signed ByteType view and
 * uint32 as the floats of the unsigned values (ImageJ's own unsigned 32-bit decoding).
 *
 * <p>Values: by default what Fiji shows, a 16-bit file's ImageJ calibration applied (signed 16-bit data stored +32768,
 * a straight line a + b * v). {@link #storedValues} gives the numbers the file stores instead, as tifffile reads them
 * (int16 files are signed there too), ignoring any ImageJ calibration function with a warning.
 */
public final class TiffReader implements VolumeReader {

  private static final Logger LOG = Logger.getLogger("org.mednext.io");

  /** TIFF SampleFormat values. */
  private static final int UNSIGNED = 1;
  private static final int SIGNED = 2;
  /** Directory entries looked at: more than any real TIFF has, and a header's claim never sizes a larger read. */
  private static final int MAX_ENTRIES = 1024;

  private final boolean stored;

  /** A reader that gives the values Fiji shows: a 16-bit file's ImageJ calibration applied. */
  public TiffReader() {
    this(false);
  }

  private TiffReader(boolean stored) {
    this.stored = stored;
  }

  /**
   * A reader that gives the numbers the file stores, as tifffile (nnU-Net's Tiff3DIO) reads them: an ImageJ calibration
   * function is ignored, with a warning naming it; the signed values of an int16 file are its stored numbers.
   */
  public static TiffReader storedValues() {
    return new TiffReader(true);
  }

  @Override
  public String formatName() {
    return "TIFF";
  }

  /** Whether the name ends in .tif or .tiff. */
  public static boolean hasTiffExtension(Path path) {
    String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".tif") || n.endsWith(".tiff");
  }

  /**
   * What a TIFF's first directory says of its voxel size, as ImageJ decodes it, without reading the pixels.
   *
   * @param unit the calibration's unit, null when it has none
   * @param sliceSpacingStored whether the file states its slice spacing: an ImageJ description does ("spacing=", or
   *     none for exactly 1 unit, as ImageJ writes it); a plain TIFF's resolution tags hold x and y only, and ImageJ then
   *     takes a depth of 1 unit
   */
  public record StoredCalibration(String unit, boolean sliceSpacingStored) {}

  /** What the file's first directory says of its voxel size (see {@link StoredCalibration}). */
  public static StoredCalibration storedCalibration(Path path) throws IOException {
    Path absolute = path.toAbsolutePath();
    FileInfo[] info = new TiffDecoder(absolute.getParent().toString() + java.io.File.separator,
        absolute.getFileName().toString()).getTiffInfo();
    if (info == null || info.length == 0) return new StoredCalibration(null, false);
    FileInfo fi = info[0];
    boolean imageJ = fi.description != null && fi.description.startsWith("ImageJ");
    new FileOpener(fi).decodeDescriptionString(fi); // an ImageJ TIFF keeps its unit in the description
    String unit = fi.unit == null ? "" : fi.unit.trim();
    return new StoredCalibration(unit.isEmpty() ? null : unit, imageJ);
  }

  @Override
  public Volume<?> read(Path path) throws IOException {
    if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString(), null, "no such file");
    Path absolute = path.toAbsolutePath();
    String dir = absolute.getParent().toString() + java.io.File.separator;
    String name = absolute.getFileName().toString();
    FileInfo[] info;
    try {
      info = new TiffDecoder(dir, name).getTiffInfo();
    } catch (IOException | RuntimeException e) {
      info = null; // reported below, as a file ImageJ cannot read
    }
    int[] layout = info == null || info.length == 0 ? null : sampleLayout(absolute);
    boolean int8 = layout != null && info[0].fileType == FileInfo.GRAY8 && layout[0] == 8 && layout[1] == SIGNED;
    boolean uint32 = layout != null && info[0].fileType == FileInfo.GRAY32_INT && layout[0] == 32
        && layout[1] == UNSIGNED;
    ImagePlus imp = info == null ? null : uint32 ? openUnsigned32(info) : new Opener().openTiff(dir, name);
    if (imp == null || imp.getWidth() == 0) {
      throw new VolumeFormatException(path, "ImageJ could not read this file as a TIFF (corrupt, or a TIFF variant "
          + "ImageJ does not support; try opening it with Bio-Formats and saving it as NIfTI)");
    }
    ImageJData.requireComplete(path, info, "TIFF");
    // an int16 file (SampleFormat 2) is held +32768 with ImageJ's signed calibration: that is its stored numbers
    if (stored && imp.getCalibration().calibrated() && info[0].fileType != FileInfo.GRAY16_SIGNED) {
      Calibration cal = imp.getCalibration();
      LOG.warning(String.format(Locale.ROOT, "%s: its ImageJ calibration (%s) is ignored: the model's reader, "
          + "nnU-Net's Tiff3DIO, reads the numbers the file stores (tifffile), and so was the model trained; if the "
          + "calibrated values are what it should see, save them as the stored numbers (e.g. as a 32-bit or NIfTI "
          + "file)", path, describe(cal)));
      cal.disableDensityCalibration();
    }
    try {
      Volume<?> v = ImagePlusVolumes.toVolume(imp);
      return int8 ? signedBytes(v) : v;
    } catch (IllegalArgumentException e) {
      // the message names the image by its title, the file's name: the path in front says it already
      String m = e.getMessage();
      String title = imp.getTitle() + ": ";
      throw new VolumeFormatException(path, m.startsWith(title) ? m.substring(title.length()) : m, e);
    }
  }

  private static String describe(Calibration cal) {
    double[] c = cal.getCoefficients();
    String unit = cal.getValueUnit();
    String of = unit == null || unit.isEmpty() || unit.equals(Calibration.DEFAULT_VALUE_UNIT) ? ""
        : ", in \"" + unit + "\"";
    if (cal.isSigned16Bit()) return "signed 16-bit: value = stored - 32768" + of;
    if (cal.getFunction() == Calibration.STRAIGHT_LINE && c != null && c.length >= 2) {
      return String.format(Locale.ROOT, "value = %s + %s * stored%s", c[0], c[1], of);
    }
    return "function " + cal.getFunction() + " with coefficients " + java.util.Arrays.toString(c) + of;
  }

  /**
   * A uint32 file (SampleFormat 1, or none: TIFF's default) decoded by ImageJ as unsigned rather than as its GRAY32_INT,
   * which would make 2^31 and above negative: as {@code Opener.openTiff} opens the directories, less its handling of
   * colour composites and FFTs, which a uint32 file is not.
   */
  private static ImagePlus openUnsigned32(FileInfo[] info) {
    for (FileInfo fi : info) if (fi.fileType == FileInfo.GRAY32_INT) fi.fileType = FileInfo.GRAY32_UNSIGNED;
    ImagePlus imp = info.length > 1 ? new Opener().openTiffStack(info) : null;
    return imp != null ? imp : new FileOpener(info[0]).openImage();
  }

  /** An 8-bit volume ImageJ read as unsigned, seen as the signed bytes the file stores (a view, no copy). */
  @SuppressWarnings("unchecked")
  private static Volume<?> signedBytes(Volume<?> v) {
    RandomAccessibleInterval<ByteType> signed = Converters.convert(
        (RandomAccessibleInterval<UnsignedByteType>) v.image(), (a, b) -> b.set(a.getByte()), new ByteType());
    return Volume.of(signed, v.geometry());
  }

  /**
   * BitsPerSample (tag 258) and SampleFormat (tag 339; 1, unsigned, where absent) of a classic TIFF's first directory,
   * or null where the file does not have that layout. ImageJ's decoder reads these tags but keeps the sample format
   * only for 16-bit and float data, and offers no way to ask; this is all of the file this class parses itself.
   */
  static int[] sampleLayout(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file)) {
      ByteBuffer head = read(ch, 0, 8);
      if (head == null) return null;
      ByteOrder order = head.get(0) == 'I' && head.get(1) == 'I' ? ByteOrder.LITTLE_ENDIAN
          : head.get(0) == 'M' && head.get(1) == 'M' ? ByteOrder.BIG_ENDIAN : null;
      if (order == null || head.order(order).getShort(2) != 42) return null;
      long ifd = Integer.toUnsignedLong(head.getInt(4));
      ByteBuffer count = read(ch, ifd, 2);
      if (count == null) return null;
      int entries = Math.min(count.order(order).getShort(0) & 0xffff, MAX_ENTRIES);
      ByteBuffer e = read(ch, ifd + 2, 12 * entries);
      if (e == null) return null;
      e.order(order);
      int bits = 0;
      int format = UNSIGNED;
      for (int i = 0; i < entries; i++) {
        int at = 12 * i;
        int tag = e.getShort(at) & 0xffff;
        if (tag != 258 && tag != 339) continue;
        int type = e.getShort(at + 2) & 0xffff;
        long n = Integer.toUnsignedLong(e.getInt(at + 4));
        int value; // the first value, held in the entry itself when it fits in its 4 bytes
        if (type == 3 && n >= 1 && n <= 2) value = e.getShort(at + 8) & 0xffff; // SHORT
        else if (type == 4 && n == 1) value = e.getInt(at + 8); // LONG
        else continue;
        if (tag == 258) bits = value;
        else format = value;
      }
      return new int[] {bits, format};
    }
  }

  /** {@code n} bytes at {@code position}, or null where the file ends first. */
  private static ByteBuffer read(FileChannel ch, long position, int n) throws IOException {
    if (position < 0 || position + n > ch.size()) return null;
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      if (ch.read(b, position + b.position()) < 0) return null;
    }
    return b.flip();
  }
}
