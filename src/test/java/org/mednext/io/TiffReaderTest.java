package org.mednext.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void assertMatches(JsonObject ref, Volume<?> v) {
    long[] shape = TestFiles.longs(ref.getAsJsonArray("shape"));
    assertArrayEquals(new long[] {shape[0], shape[1], shape[2], 1}, v.image().dimensionsAsLongArray());
    assertEquals(ref.get("sha256").getAsString(), TestFiles.sha256OfDoubles((RandomAccessibleInterval) v.image()));
  }
}
