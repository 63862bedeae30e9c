package org.mednext.io;

import ij.io.FileInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Whether a file holds all the image data its own header (as ImageJ 1.x decoded it) places in it. ImageJ's readers
 * stop quietly at the end of a truncated file and return fewer slices, or a last slice with zeros; a file cut short
 * by a failed copy would then be segmented as if it were whole.
 */
final class ImageJData {

  private ImageJData() {}

  /**
   * @param info what ImageJ decoded from the file's header: one entry per TIFF directory, or one for a whole stack
   * @param what the kind of file, for the message ("TIFF", "DICOM")
   * @throws VolumeFormatException if the data reach beyond the end of the file
   */
  static void requireComplete(Path file, FileInfo[] info, String what) throws IOException {
    long end = 0;
    for (FileInfo fi : info) {
      long e = dataEnd(fi);
      if (e < 0) return; // a layout whose size we do not know: nothing to compare
      end = Math.max(end, e);
    }
    long size = Files.size(file);
    if (end > size) {
      throw new VolumeFormatException(file, String.format(Locale.ROOT, "the file is truncated: its %s header places "
          + "image data up to byte %d, but the file has %d bytes; copy or export it again", what, end, size));
    }
  }

  /** One past the last byte of {@code fi}'s image data, or -1 when its layout is not one we can size. */
  static long dataEnd(FileInfo fi) {
    int n = Math.max(1, fi.nImages);
    if (n == 1 && fi.stripOffsets != null && fi.stripLengths != null && fi.stripOffsets.length > 0
        && fi.stripOffsets.length == fi.stripLengths.length) {
      long end = 0; // strips are exact, compressed or not
      for (int k = 0; k < fi.stripOffsets.length; k++) {
        end = Math.max(end, Integer.toUnsignedLong(fi.stripOffsets[k]) + Integer.toUnsignedLong(fi.stripLengths[k]));
      }
      return end;
    }
    if (fi.compression > FileInfo.COMPRESSION_NONE) return -1;
    long bytesPerPixel = switch (fi.fileType) {
      case FileInfo.GRAY8, FileInfo.COLOR8 -> 1;
      case FileInfo.GRAY16_SIGNED, FileInfo.GRAY16_UNSIGNED -> 2;
      case FileInfo.RGB, FileInfo.BGR, FileInfo.GRAY24_UNSIGNED -> 3;
      case FileInfo.GRAY32_INT, FileInfo.GRAY32_FLOAT, FileInfo.GRAY32_UNSIGNED -> 4;
      case FileInfo.RGB48 -> 6;
      case FileInfo.GRAY64_FLOAT -> 8;
      default -> -1; // packed bits, planar and other layouts: not sized here
    };
    if (bytesPerPixel < 0 || fi.width <= 0 || fi.height <= 0) return -1;
    long image = (long) fi.width * fi.height * bytesPerPixel;
    return fi.getOffset() + image * n + (long) Math.max(0, fi.gapBetweenImages) * (n - 1);
  }
}
