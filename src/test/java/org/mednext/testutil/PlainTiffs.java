package org.mednext.testutil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Classic TIFFs as a writer other than ImageJ stores them (no ImageJ description): one uncompressed strip per page,
 * each page's directory after its pixels, the values given as bytes.
 */
public final class PlainTiffs {

  /** TIFF ResolutionUnit values. */
  public static final int INCH = 2;
  public static final int CENTIMETER = 3;

  private PlainTiffs() {}

  /**
   * Writes {@code pages} (each {@code width * height} samples of {@code bits} bits in {@code order}) with BitsPerSample
   * {@code bits} and SampleFormat {@code format} (0: no such tag), and no resolution.
   */
  public static void write(Path file, ByteOrder order, int width, int height, int bits, int format, byte[][] pages)
      throws IOException {
    write(file, order, width, height, bits, format, pages, 0, 0);
  }

  /**
   * As {@link #write(Path, ByteOrder, int, int, int, int, byte[][])}, with XResolution and YResolution of
   * {@code pixelsPerUnit} (a whole number) in ResolutionUnit {@code unit} ({@link #INCH}, {@link #CENTIMETER}) when
   * {@code pixelsPerUnit} is positive.
   */
  public static void write(Path file, ByteOrder order, int width, int height, int bits, int format, byte[][] pages,
      int pixelsPerUnit, int unit) throws IOException {
    boolean resolution = pixelsPerUnit > 0;
    int entries = 9 + (format == 0 ? 0 : 1) + (resolution ? 3 : 0);
    int rationals = resolution ? 16 : 0;
    int ifdSize = 2 + 12 * entries + 4;
    int size = 8;
    for (byte[] p : pages) size += p.length + rationals + ifdSize;
    ByteBuffer b = ByteBuffer.allocate(size).order(order);
    byte mark = order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M';
    b.put(mark).put(mark).putShort((short) 42).putInt(0);
    for (int z = 0; z < pages.length; z++) {
      int strip = b.position();
      b.put(pages[z]);
      int rational = b.position();
      if (resolution) b.putInt(pixelsPerUnit).putInt(1).putInt(pixelsPerUnit).putInt(1);
      int ifd = b.position();
      if (z == 0) b.putInt(4, ifd);
      b.putShort((short) entries);
      entry(b, 256, 4, width);
      entry(b, 257, 4, height);
      entry(b, 258, 3, bits);
      entry(b, 259, 3, 1); // no compression
      entry(b, 262, 3, 1); // black is zero
      entry(b, 273, 4, strip);
      entry(b, 277, 3, 1);
      entry(b, 278, 4, height);
      entry(b, 279, 4, pages[z].length);
      if (resolution) {
        entry(b, 282, 5, rational); // RATIONAL: the entry holds the offset of its two numbers
        entry(b, 283, 5, rational + 8);
        entry(b, 296, 3, unit);
      }
      if (format != 0) entry(b, 339, 3, format);
      boolean last = z + 1 == pages.length;
      b.putInt(last ? 0 : b.position() + 4 + pages[z + 1].length + rationals); // the next page's directory
    }
    Files.write(file, b.array());
  }

  private static void entry(ByteBuffer b, int tag, int type, int value) {
    b.putShort((short) tag).putShort((short) type).putInt(1);
    if (type == 3) b.putShort((short) value).putShort((short) 0);
    else b.putInt(value);
  }
}
