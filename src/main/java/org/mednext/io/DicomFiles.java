package org.mednext.io;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * What this package reads from DICOM files itself, before ImageJ sees them: the DICM marker, the transfer syntax in
 * the file meta information (group 0002, always explicit VR little endian), and a few top-level tags of the data set
 * ({@link #header}) to group files into series before anything is decoded.
 */
final class DicomFiles {

  /** Transfer syntaxes ImageJ 1.x decodes: implicit VR LE, explicit VR LE, explicit VR BE (retired). */
  private static final Map<String, String> READABLE = Map.of(
      "1.2.840.10008.1.2", "Implicit VR Little Endian",
      "1.2.840.10008.1.2.1", "Explicit VR Little Endian",
      "1.2.840.10008.1.2.2", "Explicit VR Big Endian");

  private static final Map<String, String> COMPRESSED = Map.ofEntries(
      Map.entry("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian"),
      Map.entry("1.2.840.10008.1.2.4.50", "JPEG Baseline"),
      Map.entry("1.2.840.10008.1.2.4.51", "JPEG Extended"),
      Map.entry("1.2.840.10008.1.2.4.57", "JPEG Lossless"),
      Map.entry("1.2.840.10008.1.2.4.70", "JPEG Lossless SV1"),
      Map.entry("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless"),
      Map.entry("1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless"),
      Map.entry("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless"),
      Map.entry("1.2.840.10008.1.2.4.91", "JPEG 2000"),
      Map.entry("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Lossless"),
      Map.entry("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2"),
      Map.entry("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Lossless"),
      Map.entry("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 Lossless RPCL"),
      Map.entry("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000"),
      Map.entry("1.2.840.10008.1.2.5", "RLE Lossless"));

  /** Every VR of PS3.5 6.2: two other bytes where an explicit VR must be mean the data set is not what it says. */
  private static final Set<String> VRS = Set.of("AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT",
      "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR",
      "US", "UT", "UV");
  /** Explicit VRs with a 2-byte reserved field and a 4-byte length. */
  private static final Set<String> LONG_VRS =
      Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");
  private static final int MAX_META = 1 << 16;
  /** Longest text value {@link #header} keeps (UIs hold 64 characters, LOs 64); longer ones are skipped. */
  private static final int MAX_TEXT = 1024;
  /** Deepest nesting of sequences {@link #header} follows. */
  private static final int MAX_DEPTH = 32;
  private static final long UNDEFINED_LENGTH = 0xFFFFFFFFL;
  private static final int ITEM = 0xFFFEE000;
  private static final int ITEM_END = 0xFFFEE00D;
  private static final int SEQUENCE_END = 0xFFFEE0DD;
  private static final int SERIES_UID = 0x0020000E;
  private static final int SERIES_DESCRIPTION = 0x0008103E;
  private static final int MODALITY = 0x00080060;
  /** Float, double float and (integer) pixel data: 7FE0,0008, 7FE0,0009 and 7FE0,0010. */
  private static final int FIRST_PIXEL_DATA = 0x7FE00008;
  private static final int LAST_PIXEL_DATA = 0x7FE00010;

  /**
   * What the series reader needs of a file before decoding it.
   *
   * @param scanned whether the scan followed the data set to its end or its pixel data; when not, the other fields
   *     say nothing (null, and pixel data assumed) and only ImageJ's decoder can tell the file's series
   * @param seriesUid SeriesInstanceUID, or null when the file has none or could not be scanned
   * @param hasPixelData whether the data set has pixel data; true also when the scan could not follow the file, so
   *     that the decoder reports on it if it is read
   */
  record Header(Path file, boolean scanned, String seriesUid, String seriesDescription, String modality,
      boolean hasPixelData) {
    static Header unknown(Path file) {
      return new Header(file, false, null, null, null, true);
    }
  }

  private DicomFiles() {}

  /** Whether the file has the "DICM" marker at byte 128, or (without it) a .dcm name. */
  static boolean isDicom(Path file) throws IOException {
    if (hasMarker(file)) return true;
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".dcm");
  }

  static boolean hasMarker(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(132);
      return head.length == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
    }
  }

  /** The transfer syntax UID from the file meta information, or null when the file has none. */
  static String transferSyntax(Path file) throws IOException {
    Meta m = meta(prefix(file));
    return m == null ? null : m.transferSyntax;
  }

  /** The file meta information: its transfer syntax (null without one) and where the data set starts (-1: unknown). */
  private record Meta(String transferSyntax, int end) {}

  private static byte[] prefix(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(132 + MAX_META);
    }
  }

  /** The meta information in the first bytes {@code b} of a file; null without the DICM marker. */
  private static Meta meta(byte[] b) {
    if (b.length < 132 || b[128] != 'D' || b[129] != 'I' || b[130] != 'C' || b[131] != 'M') return null;
    String uid = null;
    int p = 132;
    while (p + 8 <= b.length) {
      int group = u16(b, p);
      int element = u16(b, p + 2);
      if (group != 0x0002) return new Meta(uid, p);
      String vr = new String(b, p + 4, 2, StandardCharsets.US_ASCII);
      long length;
      int value;
      if (LONG_VRS.contains(vr)) {
        if (p + 12 > b.length) return new Meta(uid, -1);
        length = u16(b, p + 8) | (long) u16(b, p + 10) << 16;
        value = p + 12;
      } else {
        length = u16(b, p + 6);
        value = p + 8;
      }
      if (value + length > b.length) return new Meta(uid, -1);
      if (element == 0x0010) {
        uid = new String(b, value, (int) length, StandardCharsets.US_ASCII).replace("\0", "").trim();
      }
      p = (int) (value + length);
    }
    // a file of meta information alone has an empty data set; else the meta information is longer than we read
    return new Meta(uid, p == b.length && b.length < 132 + MAX_META ? p : -1);
  }

  /**
   * SeriesInstanceUID, SeriesDescription, Modality and whether there is pixel data, from a scan of the data set's
   * top level that skips every value and sequence by its length and decodes nothing (a report or structure set
   * holds no pixel data; a compressed image is found without decompressing it). A deflated data set is inflated on
   * the way. Explicit VR that does not parse (invalid VRs or descending tags) is tried as implicit VR, which some
   * exporters write under an explicit transfer syntax and ImageJ reads. A file the scan cannot follow (damaged, or
   * encoded in a way it does not know) comes back {@link Header#unknown}.
   */
  static Header header(Path file) throws IOException {
    byte[] head = prefix(file);
    Meta meta = meta(head);
    int start;
    String syntax;
    if (meta != null) {
      if (meta.end < 0) return Header.unknown(file); // not ours to judge: ImageJ will tell
      start = meta.end;
      syntax = meta.transferSyntax == null ? "" : meta.transferSyntax;
    } else {
      // no meta information: ImageJ assumes implicit VR little endian; an explicit VR shows as two capitals
      start = 0;
      boolean explicit = head.length >= 6 && isCapital(head[4]) && isCapital(head[5]);
      syntax = explicit ? "1.2.840.10008.1.2.1" : "1.2.840.10008.1.2";
    }
    boolean explicit = !syntax.equals("1.2.840.10008.1.2");
    Header h = scan(file, start, syntax, explicit);
    if (!h.scanned() && explicit && syntax.equals("1.2.840.10008.1.2.1")) h = scan(file, start, syntax, false);
    return h;
  }

  private static Header scan(Path file, int start, String syntax, boolean explicit) throws IOException {
    Inflater inflater = null;
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 13)) {
      raw.skipNBytes(start);
      InputStream in = raw;
      if (syntax.equals("1.2.840.10008.1.2.1.99")) {
        inflater = new Inflater(true); // the data set after the meta information is raw deflate
        in = new InflaterInputStream(raw, inflater);
      }
      DataSet d = new DataSet(in, explicit,
          syntax.equals("1.2.840.10008.1.2.2") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
      return d.scan(file);
    } catch (EOFException | MalformedException | java.util.zip.ZipException e) {
      return Header.unknown(file);
    } finally {
      if (inflater != null) inflater.end();
    }
  }

  private static boolean isCapital(byte b) {
    return b >= 'A' && b <= 'Z';
  }

  /** A data set that does not parse as DICOM. */
  private static final class MalformedException extends IOException {
    MalformedException(String message) {
      super(message);
    }
  }

  /** Element headers read one after the other from a data set; values skipped unless asked for. */
  private static final class DataSet {
    private final InputStream in;
    private final boolean explicit;
    private final ByteOrder order;
    private int tag;
    private String vr;
    private long length;

    DataSet(InputStream in, boolean explicit, ByteOrder order) {
      this.in = in;
      this.explicit = explicit;
      this.order = order;
    }

    Header scan(Path file) throws IOException {
      String uid = null;
      String description = null;
      String modality = null;
      int previous = -1;
      while (next(explicit)) {
        // the data set's tags ascend: one that does not means the scan reads values as tags
        if (previous != -1 && Integer.compareUnsigned(tag, previous) <= 0) throw new MalformedException("tag order");
        previous = tag;
        if (Integer.compareUnsigned(tag, FIRST_PIXEL_DATA) >= 0) {
          boolean pixels = Integer.compareUnsigned(tag, LAST_PIXEL_DATA) <= 0;
          return new Header(file, true, uid, description, modality, pixels); // nothing of ours after it
        }
        if (tag == SERIES_UID) uid = text();
        else if (tag == SERIES_DESCRIPTION) description = text();
        else if (tag == MODALITY) modality = text();
        else skipValue(explicit, 0);
      }
      return new Header(file, true, uid, description, modality, false);
    }

    /** Reads the next element's tag, VR and length; false at the end of the data. */
    private boolean next(boolean explicitVr) throws IOException {
      byte[] h = in.readNBytes(8);
      if (h.length == 0) return false;
      if (h.length < 8) throw new EOFException();
      ByteBuffer b = ByteBuffer.wrap(h).order(order);
      tag = (b.getShort(0) & 0xffff) << 16 | (b.getShort(2) & 0xffff);
      if ((tag >>> 16) == 0xFFFE || !explicitVr) { // items and delimiters carry no VR
        vr = null;
        length = b.getInt(4) & 0xffffffffL;
        return true;
      }
      vr = new String(h, 4, 2, StandardCharsets.US_ASCII);
      if (!VRS.contains(vr)) throw new MalformedException("not a VR");
      if (LONG_VRS.contains(vr)) {
        byte[] l = in.readNBytes(4);
        if (l.length < 4) throw new EOFException();
        length = ByteBuffer.wrap(l).order(order).getInt() & 0xffffffffL;
      } else {
        length = b.getShort(6) & 0xffff;
      }
      return true;
    }

    private String text() throws IOException {
      if (length == UNDEFINED_LENGTH) throw new MalformedException("text of undefined length");
      if (length > MAX_TEXT) {
        in.skipNBytes(length);
        return null;
      }
      byte[] v = in.readNBytes((int) length);
      if (v.length < length) throw new EOFException();
      String s = new String(v, StandardCharsets.ISO_8859_1).replace("\0", "").trim();
      return s.isEmpty() ? null : s;
    }

    /** Skips the current element's value: by its length, or item by item when that is undefined (a sequence). */
    private void skipValue(boolean explicitVr, int depth) throws IOException {
      if (length != UNDEFINED_LENGTH) {
        in.skipNBytes(length);
        return;
      }
      if (depth >= MAX_DEPTH) throw new MalformedException("sequences nested deeper than " + MAX_DEPTH);
      // the items of a UN element of undefined length are implicit VR little endian (PS3.5 6.2.2)
      boolean itemsExplicit = explicitVr && !"UN".equals(vr);
      while (true) {
        if (!next(false)) throw new EOFException();
        if (tag == SEQUENCE_END) return;
        if (tag != ITEM) throw new MalformedException("no item in a sequence");
        if (length != UNDEFINED_LENGTH) {
          in.skipNBytes(length);
          continue;
        }
        while (true) {
          if (!next(itemsExplicit)) throw new EOFException();
          if (tag == ITEM_END) break;
          skipValue(itemsExplicit, depth + 1);
        }
      }
    }
  }

  /**
   * Fails with a clear message when the file's pixel data uses a transfer syntax ImageJ 1.x cannot decode
   * (JPEG, JPEG-LS, JPEG 2000, RLE, deflate, ...). Files without meta information pass (ImageJ assumes
   * implicit VR little endian).
   */
  static void checkReadable(Path file) throws IOException {
    String uid = transferSyntax(file);
    if (uid == null || READABLE.containsKey(uid)) return;
    String name = COMPRESSED.getOrDefault(uid, uid.startsWith("1.2.840.10008.1.2.4.1") ? "MPEG/HEVC video"
        : "unknown");
    throw new VolumeFormatException(file, "DICOM transfer syntax " + uid + " (" + name + ") is compressed, and "
        + "ImageJ 1.x cannot decode it. " + convertAdvice(file));
  }

  /** What to do with a series ImageJ cannot read: the dcm2niix command for the file's folder. */
  static String convertAdvice(Path file) {
    return "Convert the series to NIfTI first, e.g. with dcm2niix: 'dcm2niix -z y -o OUTPUT_FOLDER "
        + (file.getParent() != null ? file.getParent() : file) + "', then open the .nii.gz";
  }

  private static int u16(byte[] b, int p) {
    return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
  }
}
