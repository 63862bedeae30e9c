package org.mednext.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.integer.ByteType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.testutil.LogRecords;
import org.mednext.testutil.PlainTiffs;
import org.mednext.testutil.SharedData;
import org.mednext.volume.Volume;

/** {@link TiffReader} against Pillow's reading of the same files. */
class TiffReaderTest {

  @TempDir Path tmp;

  private static JsonObject entry(int i) throws IOException {
    return TestFiles.json(TestFiles.resource("tiff/tiff_fixtures.json")).getAsJsonArray("files").get(i)
        .getAsJsonObject();
  }

  @Test
  void readsAMultiPage16BitTiff() throws IOException {
    JsonObject ref = entry(0);
    Volume<?> v = new TiffReader().read(TestFiles.resource("tiff/pages_u16.tif"));
    assertInstanceOf(UnsignedShortType.class, v.image().getType());
    assertMatches(ref, v);
    assertArrayEquals(new double[] {1, 1, 1}, v.geometry().spacing());
  }

  @Test
  void readsTheArabidopsisStack() throws IOException {
    JsonObject ref = entry(1);
    Volume<?> v = new TiffReader().read(SharedData.require(ref.get("file").getAsString()));
    assertInstanceOf(UnsignedByteType.class, v.image().getType());
    assertInstanceOf(PlanarImg.class, v.image());
    assertMatches(ref, v);
  }

  @Test
  void refusesAFileThatIsNoTiff() throws IOException {
    Path p = Files.writeString(tmp.resolve("fake.tif"), "not a tiff at all");
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new TiffReader().read(p));
    assertEquals(p + ": ImageJ could not read this file as a TIFF (corrupt, or a TIFF variant ImageJ does not "
        + "support; try opening it with Bio-Formats and saving it as NIfTI)", e.getMessage());
  }

  @Test
  void refusesAnRgbTiffNamingTheFileOnce() throws IOException {
    Path file = tmp.resolve("rgb.tif");
    ij.ImagePlus rgb = new ij.ImagePlus("rgb.tif", new ij.process.ColorProcessor(4, 3));
    assertTrue(new ij.io.FileSaver(rgb).saveAsTiff(file.toString()));
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new TiffReader().read(file));
    assertEquals(file + ": RGB images are not supported; convert to 8-bit or split the channels (Image > Color > "
        + "Split Channels) first", e.getMessage());
  }

  /** A multi-page file cut within its last page: ImageJ alone would return what it could read. */
  @Test
  void refusesATruncatedMultiPageTiff() throws IOException {
    byte[] whole = Files.readAllBytes(TestFiles.resource("tiff/pages_u16.tif"));
    long end = 0;
    for (ij.io.FileInfo fi : new ij.io.TiffDecoder(TestFiles.resource("tiff").toString() + "/", "pages_u16.tif")
        .getTiffInfo()) {
      end = Math.max(end, ImageJData.dataEnd(fi));
    }
    assertTrue(end > 100 && end <= whole.length, end + " of " + whole.length);
    Path cut = tmp.resolve("cut.tif");
    Files.write(cut, java.util.Arrays.copyOf(whole, (int) end - 1)); // one byte of pixel data missing
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new TiffReader().read(cut));
    assertEquals(cut + ": the file is truncated: its TIFF header places image data up to byte " + end
        + ", but the file has " + (end - 1) + " bytes; copy or export it again", e.getMessage());
  }

  /** An ImageJ stack (one directory for all slices) cut short: slices were missing, not an error, before. */
  @Test
  void refusesATruncatedImageJStack() throws IOException {
    ij.ImageStack stack = new ij.ImageStack(7, 5);
    for (int z = 0; z < 6; z++) {
      short[] px = new short[35];
      for (int i = 0; i < px.length; i++) px[i] = (short) (z * 100 + i);
      stack.addSlice(new ij.process.ShortProcessor(7, 5, px, null));
    }
    Path file = tmp.resolve("stack.tif");
    new ij.io.FileSaver(new ij.ImagePlus("stack", stack)).saveAsTiffStack(file.toString());
    assertEquals(6L, new TiffReader().read(file).image().dimension(2), "the whole file reads");
    ij.io.FileInfo[] info = new ij.io.TiffDecoder(tmp + "/", "stack.tif").getTiffInfo();
    assertEquals(1, info.length);
    assertEquals(6, info[0].nImages);
    long end = ImageJData.dataEnd(info[0]);
    // ImageJ writes the other slices' directories after the pixels: cut into the pixels, two slices short
    Path cut = tmp.resolve("cut.tif");
    Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(file), (int) end - 2 * 35 * 2));
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new TiffReader().read(cut));
    assertTrue(e.getMessage().startsWith(cut + ": the file is truncated"), e.getMessage());
  }

  /**
   * int8 and uint32 samples (SampleFormat 2 and 1), which ImageJ reads as uint8 and int32: the stored values, as
   * tifffile (nnU-Net's Tiff3DIO) reads them; uint32 as float32, which is what the network gets of any uint32 input.
   * Several pages (ImageJ's stack opener) and one page, either byte order; a uint32 file without the tag too (TIFF's
   * default is unsigned).
   */
  @Test
  void readsInt8AndUint32WithTheirSign() throws IOException {
    byte[][] int8 = {{-128, -5, 0, 1, 127, -1}, {5, -6, 7, -8, 9, -10}};
    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      for (int pages = 1; pages <= 2; pages++) {
        Path file = tmp.resolve("int8_" + order + pages + ".tif");
        PlainTiffs.write(file, order, 3, 2, 8, 2, java.util.Arrays.copyOf(int8, pages));
        Volume<?> v = new TiffReader().read(file);
        assertInstanceOf(ByteType.class, v.image().getType(), file.toString());
        assertEquals(signed(int8, pages), values(v), file.toString());
      }
    }
    int[] u32 = {0, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, (int) 2544410530L, -1}; // 2^31 - 1, 2^31, ..., 2^32 - 1
    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      for (int format : new int[] {1, 0}) {
        for (int pages = 1; pages <= 2; pages++) {
          byte[][] data = new byte[pages][];
          for (int z = 0; z < pages; z++) {
            ByteBuffer b = ByteBuffer.allocate(4 * u32.length).order(order);
            for (int x : u32) b.putInt(x + z);
            data[z] = b.array();
          }
          Path file = tmp.resolve("uint32_" + order + format + pages + ".tif");
          PlainTiffs.write(file, order, 3, 2, 32, format, data);
          List<Double> want = new java.util.ArrayList<>();
          for (int z = 0; z < pages; z++) for (int x : u32) want.add((double) (float) Integer.toUnsignedLong(x + z));
          assertEquals(want, values(new TiffReader().read(file)), file.toString());
        }
      }
    }
  }

  /**
   * Stored numbers (nnU-Net's Tiff3DIO reads with tifffile) against the values Fiji shows: a signed 16-bit stack saved by
   * ImageJ (stored +32768 under its signed calibration) and a 16-bit stack with a straight-line calibration read as the
   * numbers in the file, with one warning naming the calibration; the default reader applies it. An int16 file's
   * signed numbers are its stored ones: no warning, the same values either way.
   */
  @Test
  void storedValuesIgnoreAnImageJCalibrationWithAWarning() throws IOException {
    short[] hu = {-1000, -990, 0, 5, 32767, -32768, 1, 2, 3, 4, 5, 6};
    ij.ImagePlus fromFiji = org.mednext.volume.ImagePlusVolumes.toImagePlus(Volume.of(
        net.imglib2.img.array.ArrayImgs.shorts(hu, 3, 2, 2), org.mednext.volume.Geometry.ofSpacing(1, 1, 1)), "ct");
    Path signed = tmp.resolve("signed.tif");
    new ij.io.FileSaver(fromFiji).saveAsTiffStack(signed.toString());
    ij.ImageStack stack = new ij.ImageStack(3, 2);
    for (int z = 0; z < 2; z++) stack.addSlice(new ij.process.ShortProcessor(3, 2, new short[] {0, 10, 20, 30, 40, 50},
        null));
    ij.ImagePlus line = new ij.ImagePlus("line", stack);
    line.getCalibration().setFunction(ij.measure.Calibration.STRAIGHT_LINE, new double[] {-1024, 1}, "HU");
    Path calibrated = tmp.resolve("calibrated.tif");
    new ij.io.FileSaver(line).saveAsTiffStack(calibrated.toString());

    List<Double> fiji = new java.util.ArrayList<>();
    for (short v : hu) fiji.add((double) v);
    List<Double> stored = storedShorts(signed);
    try (LogRecords log = LogRecords.of("org.mednext.io")) {
      assertEquals(stored, values(TiffReader.storedValues().read(signed)));
      assertEquals(List.of(signed + ": its ImageJ calibration (signed 16-bit: value = stored - 32768) is ignored: the "
          + "model's reader, nnU-Net's Tiff3DIO, reads the numbers the file stores (tifffile), and so was the model "
          + "trained; if the calibrated values are what it should see, save them as the stored numbers (e.g. as a "
          + "32-bit or NIfTI file)"), log.messages());
      log.clear();
      assertEquals(fiji, values(new TiffReader().read(signed)));

      stored = storedShorts(calibrated);
      assertEquals(stored, values(TiffReader.storedValues().read(calibrated)));
      assertEquals(1, log.messages().size());
      assertTrue(log.messages().get(0).startsWith(calibrated + ": its ImageJ calibration (value = -1024.0 + 1.0 * "
          + "stored, in \"HU\") is ignored"), log.messages().get(0));
      log.clear();
      List<Double> shifted = new java.util.ArrayList<>();
      for (double v : stored) shifted.add(v - 1024);
      assertEquals(shifted, values(new TiffReader().read(calibrated)));

      Path int16 = tmp.resolve("int16.tif");
      ByteBuffer b = ByteBuffer.allocate(2 * hu.length).order(ByteOrder.LITTLE_ENDIAN);
      for (short v : hu) b.putShort(v);
      PlainTiffs.write(int16, ByteOrder.LITTLE_ENDIAN, 3, 2, 16, 2, new byte[][] {java.util.Arrays.copyOf(b.array(), 12),
          java.util.Arrays.copyOfRange(b.array(), 12, 24)});
      assertEquals(fiji, values(TiffReader.storedValues().read(int16)));
      assertEquals(fiji, values(new TiffReader().read(int16)));
      assertEquals(List.of(), log.messages());
    }
  }

  /** The unsigned 16-bit numbers an ImageJ stack stores (one run of pixels from its first directory's offset). */
  private static List<Double> storedShorts(Path file) throws IOException {
    ij.io.FileInfo fi = new ij.io.TiffDecoder(file.getParent() + "/", file.getFileName().toString()).getTiffInfo()[0];
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(fi.intelByteOrder ? ByteOrder.LITTLE_ENDIAN
        : ByteOrder.BIG_ENDIAN);
    List<Double> out = new java.util.ArrayList<>();
    for (int i = 0; i < fi.width * fi.height * fi.nImages; i++) {
      out.add((double) (b.getShort((int) fi.getOffset() + 2 * i) & 0xffff));
    }
    return out;
  }

  /** The first {@code n} pages' bytes as signed values. */
  private static List<Double> signed(byte[][] pages, int n) {
    List<Double> out = new java.util.ArrayList<>();
    for (int z = 0; z < n; z++) for (byte b : pages[z]) out.add((double) b);
    return out;
  }

  /** The voxels, x fastest. */
  private static List<Double> values(Volume<?> v) {
    List<Double> out = new java.util.ArrayList<>();
    for (net.imglib2.type.numeric.RealType<?> t : net.imglib2.view.Views.flatIterable(v.image())) {
      out.add(t.getRealDouble());
    }
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void assertMatches(JsonObject ref, Volume<?> v) {
    long[] shape = TestFiles.longs(ref.getAsJsonArray("shape"));
    assertArrayEquals(new long[] {shape[0], shape[1], shape[2], 1}, v.image().dimensionsAsLongArray());
    assertEquals(ref.get("sha256").getAsString(), TestFiles.sha256OfDoubles((RandomAccessibleInterval) v.image()));
  }
}
