package org.mednext.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import net.imglib2.Cursor;
import net.imglib2.RandomAccess;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.IntegerType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.ByteType;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.integer.LongType;
import net.imglib2.type.numeric.integer.ShortType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedIntType;
import net.imglib2.type.numeric.integer.UnsignedLongType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.DoubleType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.testutil.LogRecords;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mednext.testutil.SharedData;
import org.mednext.volume.Volume;

/** {@link NiftiReader} against files written and read back by nibabel, the shared samples, and broken files. */
class NiftiReaderTest {

  private static final Map<String, Class<?>> TYPES = Map.ofEntries(
      Map.entry("dt_uint8.nii", UnsignedByteType.class), Map.entry("dt_int8.nii", ByteType.class),
      Map.entry("dt_int16.nii", ShortType.class), Map.entry("dt_uint16.nii", UnsignedShortType.class),
      Map.entry("dt_int32.nii", IntType.class), Map.entry("dt_uint32.nii", UnsignedIntType.class),
      Map.entry("dt_int64.nii", LongType.class), Map.entry("dt_uint64.nii", UnsignedLongType.class),
      Map.entry("dt_float32.nii", FloatType.class), Map.entry("dt_float64.nii", DoubleType.class),
      Map.entry("scaled_int16.nii", FloatType.class), Map.entry("scaled_uint8.nii.gz", FloatType.class),
      Map.entry("scaled_float64.nii", DoubleType.class), Map.entry("scaled_int64.nii", DoubleType.class),
      Map.entry("slope_zero.nii", ShortType.class), Map.entry("slope_nan.nii", ShortType.class),
      Map.entry("slope_one.nii", ShortType.class), Map.entry("ch4d_int16.nii.gz", ShortType.class),
      Map.entry("nifti2_float32.nii.gz", FloatType.class), Map.entry("nifti2_be_int16.nii", ShortType.class));

  @TempDir Path tmp;

  static List<String> fixtureNames() throws IOException {
    List<String> names = new ArrayList<>();
    for (JsonElement e : fixtures().getAsJsonArray("fixtures")) names.add(e.getAsJsonObject().get("file").getAsString());
    return names;
  }

  private static JsonObject fixtures() throws IOException {
    return TestFiles.json(TestFiles.resource("nifti/nifti_fixtures.json"));
  }

  private static JsonObject fixture(String name) throws IOException {
    for (JsonElement e : fixtures().getAsJsonArray("fixtures")) {
      if (e.getAsJsonObject().get("file").getAsString().equals(name)) return e.getAsJsonObject();
    }
    throw new IllegalArgumentException(name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtureNames")
  void readsVoxelsAndGeometryAsNibabelDoes(String name) throws IOException {
    JsonObject f = fixture(name);
    Volume<?> v = new NiftiReader().read(TestFiles.resource("nifti/" + name));

    long[] shape = TestFiles.longs(f.getAsJsonArray("shape"));
    long[] expected = {1, 1, 1, 1};
    System.arraycopy(shape, 0, expected, 0, Math.min(4, shape.length));
    assertArrayEquals(expected, v.image().dimensionsAsLongArray(), "x, y, z, c");
    assertArrayEquals(TestFiles.matrix(f.getAsJsonArray("affine")), v.geometry().affine(), 1e-6, "affine");
    double[] zooms = TestFiles.doubles(f.getAsJsonArray("zooms"));
    for (int d = 0; d < zooms.length; d++) assertEquals(zooms[d], v.geometry().spacing(d), 1e-6, "spacing " + d);
    if (TYPES.containsKey(name)) assertInstanceOf(TYPES.get(name), v.image().getType(), "voxel type");
    assertVoxels(f.getAsJsonArray("values"), v);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtureNames")
  void readsHeaderFieldsAsStored(String name) throws IOException {
    JsonObject f = fixture(name);
    NiftiHeader h = NiftiReader.readHeader(TestFiles.resource("nifti/" + name));
    assertEquals(f.get("version").getAsInt(), h.version());
    assertEquals(f.get("endianness").getAsString().equals("big") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN,
        h.byteOrder());
    assertEquals(f.get("datatype").getAsInt(), h.datatype().code());
    assertEquals(f.get("bitpix").getAsInt(), h.datatype().bitpix());
    assertEquals(f.get("vox_offset").getAsLong(), h.voxOffset());
    assertEquals(f.get("sform_code").getAsInt(), h.sformCode());
    assertEquals(f.get("qform_code").getAsInt(), h.qformCode());
    assertEquals(TestFiles.number(f.get("scl_slope").getAsString()), h.sclSlope());
    assertEquals(TestFiles.number(f.get("scl_inter").getAsString()), h.sclInter());
    assertArrayEquals(TestFiles.longs(f.getAsJsonArray("shape")), h.shape());
    boolean nibabelScales = !(f.get("applied_slope").getAsDouble() == 1 && f.get("applied_inter").getAsDouble() == 0);
    assertEquals(nibabelScales, h.hasScaling());
  }

  @Test
  void givesOnePlanarPlanePerSliceAndChannel() throws IOException {
    Volume<?> v = new NiftiReader().read(TestFiles.resource("nifti/ch4d_int16.nii.gz"));
    PlanarImg<?, ?> img = assertInstanceOf(PlanarImg.class, v.image());
    assertEquals(3 * 2, img.numSlices());
    assertEquals(5 * 4, ((short[]) img.getPlane(0).getCurrentStorageArray()).length);
  }

  @Test
  void readsPairThroughItsImgFile() throws IOException {
    Volume<?> v = new NiftiReader().read(TestFiles.resource("nifti/pair_int16.img"));
    assertVoxels(fixture("pair_int16.hdr").getAsJsonArray("values"), v);
  }

  @Test
  void readsGzipDataEvenWhenNamedNii() throws IOException {
    Path misnamed = tmp.resolve("really_gzipped.nii");
    Files.copy(TestFiles.resource("nifti/ch4d_int16.nii.gz"), misnamed);
    assertVoxels(fixture("ch4d_int16.nii.gz").getAsJsonArray("values"), new NiftiReader().read(misnamed));
  }

  @Test
  void matchesNibabelOnTotalSegmentatorCt() throws IOException {
    checkSample(0, IntType.class);
  }

  @Test
  void matchesNibabelOnColin27WithSformCode4() throws IOException {
    checkSample(1, UnsignedByteType.class);
  }

  /** nnU-Net's own segmentation output; checksum and label counts come from the fixture's case.json. */
  @Test
  void matchesNnUnetSegmentationChecksum() throws Exception {
    Path caseDir = SharedData.require("fixtures/nnunet_pipeline/mr_ch2_fold0_tta_step050");
    JsonObject seg = TestFiles.json(caseDir.resolve("case.json")).getAsJsonObject("outputs")
        .getAsJsonObject("segmentation");
    Volume<?> v = new NiftiReader().read(caseDir.resolve(seg.get("file").getAsString()));
    assertInstanceOf(UnsignedByteType.class, v.image().getType());
    assertArrayEquals(TestFiles.matrix(seg.getAsJsonObject("nifti").getAsJsonArray("affine")), v.geometry().affine(), 0);
    long[] n = v.spatialSize();
    byte[] cOrder = new byte[(int) (n[0] * n[1] * n[2])]; // numpy C order of seg[i, j, k]: k fastest
    long[] counts = new long[3];
    RandomAccess<? extends RealType<?>> ra = v.image().randomAccess();
    int at = 0;
    for (long i = 0; i < n[0]; i++) {
      for (long j = 0; j < n[1]; j++) {
        for (long k = 0; k < n[2]; k++) {
          ra.setPosition(new long[] {i, j, k, 0});
          int label = (int) ra.get().getRealDouble();
          cOrder[at++] = (byte) label;
          counts[label]++;
        }
      }
    }
    String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(cOrder));
    assertEquals(seg.get("voxels_sha256_nifti_order").getAsString(), sha);
    JsonObject expectedCounts = seg.getAsJsonObject("label_counts");
    for (int label = 0; label < 3; label++) {
      assertEquals(expectedCounts.get(String.valueOf(label)).getAsLong(), counts[label], "label " + label);
    }
  }

  private void checkSample(int index, Class<?> type) throws IOException {
    JsonObject ref = TestFiles.json(TestFiles.resource("nifti_sample_reference.json"))
        .getAsJsonArray("volumes").get(index).getAsJsonObject();
    Path file = SharedData.require(ref.get("file").getAsString());
    NiftiHeader h = NiftiReader.readHeader(file);
    assertEquals(ref.get("datatype").getAsInt(), h.datatype().code());
    assertEquals(ref.get("sform_code").getAsInt(), h.sformCode());
    assertEquals(ref.get("qform_code").getAsInt(), h.qformCode());

    Volume<?> v = new NiftiReader().read(file);
    assertInstanceOf(type, v.image().getType());
    long[] shape = TestFiles.longs(ref.getAsJsonArray("shape"));
    assertArrayEquals(new long[] {shape[0], shape[1], shape[2], 1}, v.image().dimensionsAsLongArray());
    assertArrayEquals(TestFiles.matrix(ref.getAsJsonArray("affine")), v.geometry().affine(), 0.0);
    assertArrayEquals(TestFiles.doubles(ref.getAsJsonArray("zooms")), v.geometry().spacing(), 0.0);
    assertEquals(ref.get("voxels_sha256").getAsString(), sha(v));
    for (JsonElement p : ref.getAsJsonArray("probes")) {
      double[] q = TestFiles.doubles(p.getAsJsonArray());
      RandomAccess<? extends RealType<?>> ra = v.image().randomAccess();
      ra.setPosition(new long[] {(long) q[0], (long) q[1], (long) q[2], 0});
      assertEquals(q[3], ra.get().getRealDouble(), 0.0, "voxel " + Arrays.toString(q));
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static String sha(Volume<?> v) {
    return TestFiles.sha256OfDoubles((net.imglib2.RandomAccessibleInterval) v.image());
  }

  /** pixdim 0 or NaN along an axis: read as 1 mm, with one warning that names the file and the field. */
  @Test
  void aVoxelSizeOfZeroOrNanIsReadAsOneMillimetreWithAWarning() throws IOException {
    try (LogRecords log = LogRecords.of("org.mednext.io")) {
      new NiftiReader().read(write("fine.nii", fixtureBytes("dt_int16.nii")));
      assertEquals(List.of(), log.messages(), "a header with its voxel size says nothing");
      byte[] b = fixtureBytes("dt_int16.nii");
      ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(84, 0f).putFloat(88, Float.NaN); // pixdim[2], [3]
      Path p = write("no_size.nii", b);
      Volume<?> v = new NiftiReader().read(p);
      assertEquals(1.0, v.geometry().spacing(1));
      assertEquals(1.0, v.geometry().spacing(2));
      assertEquals(List.of(p + ": the header gives no voxel size (pixdim[2] = 0.0, pixdim[3] = NaN); 1 mm is assumed "
          + "there. If that is wrong, set pixdim in the file (e.g. with nibabel) before predicting"), log.messages());
    }
  }

  /**
   * ITK's reading of the scaling fields (the rule in {@link NiftiHeader#scaling}; ITK 5.4.3 through itk-wasm gives the
   * same values on these headers): nibabel's fixtures with slope 0 or NaN and intercept 5 are read as the stored values
   * plus 5, and slope 2 with a NaN intercept, which nibabel refuses, as twice the stored values.
   */
  @Test
  void itkScalingTakesASlopeOfZeroOrNanAsOneAndKeepsTheIntercept() throws IOException {
    for (String name : new String[] {"slope_zero.nii", "slope_nan.nii"}) {
      JsonObject f = fixture(name);
      double inter = TestFiles.number(f.get("scl_inter").getAsString());
      JsonArray stored = f.getAsJsonArray("values"); // nibabel applies no scaling here: the stored values
      Volume<?> v = NiftiReader.withItkScaling().read(TestFiles.resource("nifti/" + name));
      assertInstanceOf(FloatType.class, v.image().getType(), name);
      assertVoxels(affine(stored, 1, inter), v);
      assertVoxels(stored, new NiftiReader().read(TestFiles.resource("nifti/" + name)));
    }
    byte[] b = fixtureBytes("dt_int16.nii");
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(112, 2f).putFloat(116, Float.NaN);
    Path p = write("inter_nan.nii", b);
    assertVoxels(affine(fixture("dt_int16.nii").getAsJsonArray("values"), 2, 0), NiftiReader.withItkScaling().read(p));
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new NiftiReader().read(p));
    assertEquals(p + ": scl_slope is 2.0 but scl_inter is NaN (nibabel refuses such a header too); set scl_inter in the"
        + " file, e.g. to 0 with nibabel", e.getMessage());
    assertEquals(2.0, NiftiReader.readHeader(p).sclSlope(), "the header alone reads");
  }

  /** {@code values} as {@code v * slope + inter}. */
  private static JsonArray affine(JsonArray values, double slope, double inter) {
    JsonArray out = new JsonArray();
    for (JsonElement e : values) out.add(e.getAsDouble() * slope + inter);
    return out;
  }

  // -- broken files --

  @Test
  void rejectsEmptyFile() throws IOException {
    Path p = Files.createFile(tmp.resolve("empty.nii"));
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new NiftiReader().read(p));
    assertEquals(p + ": empty file: no NIfTI header", e.getMessage());
  }

  @Test
  void rejectsWrongSizeofHdr() throws IOException {
    byte[] b = fixtureBytes("dt_int16.nii");
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 100);
    Path p = write("wrong_sizeof.nii", b);
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new NiftiReader().read(p));
    assertEquals(p + ": not a NIfTI file: sizeof_hdr is 100 (read little-endian) or 1677721600 (big-endian); "
        + "NIfTI-1 has 348 and NIfTI-2 has 540", e.getMessage());
  }

  @Test
  void rejectsUnsupportedDatatypeNamingIt() throws IOException {
    byte[] b = fixtureBytes("dt_int16.nii");
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(70, (short) 128).putShort(72, (short) 24);
    Path p = write("rgb.nii", b);
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new NiftiReader().read(p));
    assertEquals(p + ": datatype RGB24 (128) is not supported; supported: uint8, int8, int16, uint16, int32, "
        + "uint32, int64, uint64, float32, float64", e.getMessage());
  }

  @Test
  void rejectsUndefinedDatatype() throws IOException {
    byte[] b = fixtureBytes("dt_int16.nii");
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(70, (short) 3);
    Path p = write("code3.nii", b);
    assertMessageContains(p, "datatype undefined code 3 is not supported");
  }

  @Test
  void rejectsBitpixThatContradictsDatatype() throws IOException {
    byte[] b = fixtureBytes("dt_int16.nii");
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(72, (short) 8);
    Path p = write("bitpix.nii", b);
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new NiftiReader().read(p));
    assertEquals(p + ": bitpix 8 does not match datatype int16 (16 bits)", e.getMessage());
  }

  @Test
  void rejectsZeroDimension() throws IOException {
    byte[] b = fixtureBytes("dt_int16.nii");
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(44, (short) 0);
    Path p = write("zero_dim.nii", b);
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new NiftiReader().read(p));
    assertEquals(p + ": dim[2] = 0; every dimension must be >= 1", e.getMessage());
  }

  @Test
  void rejectsFiveDimensionalData() throws IOException {
    byte[] b = fixtureBytes("dt_int16.nii");
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(40, (short) 5).putShort(48, (short) 1)
        .putShort(50, (short) 2);
    Path p = write("five_d.nii", b);
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new NiftiReader().read(p));
    assertEquals(p + ": 5-D image (dim[5] = 2) is not supported: only 3-D volumes and 4-D volumes whose 4th axis "
        + "holds channels can be read", e.getMessage());
  }

  @Test
  void rejectsVoxOffsetInsideHeader() throws IOException {
    byte[] b = fixtureBytes("dt_int16.nii");
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(108, 100f);
    Path p = write("offset.nii", b);
    assertMessageContains(p, "vox_offset 100 points into the 348-byte header");
  }

  @Test
  void rejectsTruncatedNiiNamingTheClaim() throws IOException {
    Path p = write("truncated.nii", Arrays.copyOf(fixtureBytes("dt_int16.nii"), 400));
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new NiftiReader().read(p));
    assertEquals(p + ": the header claims 5 x 4 x 3 = 60 voxels of int16 (120 bytes from byte offset 352) but the "
        + "file has only 400 bytes; it is truncated or its header is wrong", e.getMessage());
  }

  @Test
  void rejectsTruncatedNiiGz() throws IOException {
    byte[] gz = gzip(fixtureBytes("dt_float64.nii"));
    Path p = write("truncated.nii.gz", Arrays.copyOf(gz, gz.length * 2 / 3));
    assertMessageContains(p, "voxel data ends after");
  }

  @Test
  void rejectsHeaderClaimingTenToTheTwelveVoxelsInOneMegabyte() throws IOException {
    byte[] b = Arrays.copyOf(fixtureBytes("dt_int16.nii"), 1 << 20);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(42, (short) 10000).putShort(44, (short) 10000)
        .putShort(46, (short) 10000);
    Path p = write("huge.nii", b);
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new NiftiReader().read(p));
    assertEquals(p + ": the header claims 10000 x 10000 x 10000 = 1000000000000 voxels of int16 (2000000000000 "
        + "bytes from byte offset 352) but the file has only 1048576 bytes; it is truncated or its header is wrong",
        e.getMessage());
  }

  @Test
  void rejectsCompressedHugeClaimWhenTheDataRunsOut() throws IOException {
    byte[] b = Arrays.copyOf(fixtureBytes("dt_int16.nii"), 1 << 20);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(42, (short) 10000).putShort(44, (short) 10000)
        .putShort(46, (short) 10000);
    Path p = write("huge.nii.gz", gzip(b));
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new NiftiReader().read(p));
    assertEquals(p + ": voxel data ends after 0 of 10000 planes (+1048224 bytes); the header claims 10000 x 10000 x "
        + "10000 voxels of int16 from byte 352. The file is truncated or its header is wrong", e.getMessage());
  }

  @Test
  void rejectsPlaneLargerThanAJavaArray() throws IOException {
    byte[] b = fixtureBytes("nifti2_be_int16.nii");
    ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).putLong(24, 100_000).putLong(32, 100_000);
    Path p = write("wide.nii", b);
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new NiftiReader().read(p));
    assertEquals(p + ": an (x, y) plane of 100000 x 100000 = 10000000000 voxels is larger than the supported "
        + "maximum of 2^31 voxels", e.getMessage());
  }

  @Test
  void rejectsCorruptGzip() throws IOException {
    byte[] gz = gzip(fixtureBytes("dt_int16.nii"));
    gz[10] = 0x07; // first deflate block: final, reserved block type 3

    Path p = write("corrupt.nii.gz", gz);
    assertMessageContains(p, "corrupt gzip data");
  }

  /** A damaged checksum or length in the gzip trailer: the data decompress, only the trailer tells. */
  @Test
  void rejectsGzipWhoseChecksumDoesNotMatch() throws IOException {
    byte[] gz = gzip(fixtureBytes("dt_int16.nii"));
    new NiftiReader().read(write("intact.nii.gz", gz));
    for (int at : new int[] {gz.length - 8, gz.length - 1}) { // CRC-32, then ISIZE
      byte[] bad = gz.clone();
      bad[at] ^= 0x10;
      Path p = write("bad" + at + ".nii.gz", bad);
      VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new NiftiReader().read(p));
      assertTrue(e.getMessage().startsWith(p + ": the gzip data are damaged (") && e.getMessage().endsWith(
          "): the voxels may be wrong; copy the file again from its source"), e.getMessage());
    }
  }

  @Test
  void rejectsAnalyzeWithoutMagic() throws IOException {
    byte[] b = fixtureBytes("dt_int16.nii");
    b[344] = 0;
    b[345] = 0;
    b[346] = 0;
    Path p = write("analyze.nii", b);
    assertMessageContains(p, "no NIfTI-1 magic at byte 344 (expected 'n+1' or 'ni1', found '\\0\\0\\0\\0'); plain "
        + "Analyze 7.5 files are not supported");
  }

  private static void assertVoxels(JsonArray values, Volume<?> v) {
    Cursor<? extends RealType<?>> c = Views.flatIterable(v.image()).cursor();
    for (int i = 0; i < values.size(); i++) {
      RealType<?> t = c.next();
      String expected = values.get(i).getAsString();
      if (t instanceof IntegerType) {
        BigInteger actual = t instanceof UnsignedLongType ? ((UnsignedLongType) t).getBigInteger()
            : BigInteger.valueOf(((IntegerType<?>) t).getIntegerLong());
        assertEquals(new BigInteger(expected), actual, "voxel " + i);
      } else if (t instanceof FloatType) {
        float e = (float) TestFiles.number(expected);
        assertEquals(e, t.getRealFloat(), Math.ulp(e), "voxel " + i);
      } else {
        double e = TestFiles.number(expected);
        assertEquals(e, t.getRealDouble(), Math.abs(e) * 1e-15, "voxel " + i);
      }
    }
    assertTrue(!c.hasNext(), "more voxels than nibabel read");
  }

  private void assertMessageContains(Path p, String text) {
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> new NiftiReader().read(p));
    assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(text), e.getMessage());
    assertEquals(p, e.file());
  }

  private static byte[] fixtureBytes(String name) throws IOException {
    return Files.readAllBytes(TestFiles.resource("nifti/" + name));
  }

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(tmp.resolve(name), content);
  }

  private static byte[] gzip(byte[] raw) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(raw);
    }
    return bytes.toByteArray();
  }
}
