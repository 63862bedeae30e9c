package org.mednext.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * What this package reads from DICOM files itself, before ImageJ sees them: the DICM marker and the transfer
 * syntax in the file meta information (group 0002, always explicit VR little endian).
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

  /** Explicit VRs with a 2-byte reserved field and a 4-byte length. */
  private static final String LONG_VRS = "OB OD OF OL OV OW SQ SV UC UN UR UT UV";
  private static final int MAX_META = 1 << 16;

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
    byte[] b;
    try (InputStream in = Files.newInputStream(file)) {
      b = in.readNBytes(132 + MAX_META);
    }
    if (b.length < 132 || b[128] != 'D' || b[129] != 'I' || b[130] != 'C' || b[131] != 'M') return null;
    int p = 132;
    while (p + 8 <= b.length) {
      int group = u16(b, p);
      int element = u16(b, p + 2);
      if (group != 0x0002) return null;
      String vr = new String(b, p + 4, 2, StandardCharsets.US_ASCII);
      long length;
      int value;
      if (LONG_VRS.contains(vr)) {
        if (p + 12 > b.length) return null;
        length = u16(b, p + 8) | (long) u16(b, p + 10) << 16;
        value = p + 12;
      } else {
        length = u16(b, p + 6);
        value = p + 8;
      }
      if (value + length > b.length) return null;
      if (element == 0x0010) {
        return new String(b, value, (int) length, StandardCharsets.US_ASCII).replace("\0", "").trim();
      }
      p = (int) (value + length);
    }
    return null;
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
        + "ImageJ 1.x cannot decode it. Convert the series to NIfTI first, e.g. with dcm2niix: "
        + "'dcm2niix -z y -o OUTPUT_FOLDER " + (file.getParent() != null ? file.getParent() : file)
        + "', then open the .nii.gz");
  }

  private static int u16(byte[] b, int p) {
    return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
  }
}
