package org.mednext.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void assertMatches(JsonObject ref, Volume<?> v) {
    long[] shape = TestFiles.longs(ref.getAsJsonArray("shape"));
    assertArrayEquals(new long[] {shape[0], shape[1], shape[2], 1}, v.image().dimensionsAsLongArray());
    assertEquals(ref.get("sha256").getAsString(), TestFiles.sha256OfDoubles((RandomAccessibleInterval) v.image()));
  }
}
