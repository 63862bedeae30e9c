package org.mednext.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mednext.testutil.Python;
import org.mednext.volume.Geometry;
import org.mednext.volume.Volume;

/** {@link NiftiWriter}: exact round trips, header choices, nibabel reading our files, and refusals. */
class NiftiWriterTest {

  /** An oblique affine (rotation times spacing 0.5, 0.75, 2, plus shift), exact in float32. */
  private static final double[] SPACING = {0.5, 0.75, 2.0};
  private static final double[] ROTATED = {
    0, -0.75, 0, 12.5,
    0.5, 0, 0, -7.25,
    0, 0, -2.0, 33.0,
    0, 0, 0, 1};

  @TempDir Path tmp;

  static Stream<String> fixtureNames() throws IOException {
    return NiftiReaderTest.fixtureNames().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtureNames")
  void roundTripIsExactForVoxelsAndGeometry(String name) throws IOException {
    Volume<?> original = new NiftiReader().read(TestFiles.resource("nifti/" + name));
    NiftiHeader source = NiftiReader.readHeader(TestFiles.resource("nifti/" + name));
    for (String ext : List.of(".nii", ".nii.gz")) {
      Path out = tmp.resolve("rt" + ext);
      NiftiWriter.builder().codesFrom(source).build().write(original, out);
      Volume<?> back = new NiftiReader().read(out);
      assertEquals(original.image().getType().getClass(), back.image().getType().getClass());
      if (source.sformCode() > 0) assertEquals(source.sformCode(), NiftiReader.readHeader(out).sformCode());
      // NIfTI-1 stores float32: exact for geometry read from NIfTI-1 sform/pixdim; NIfTI-2 values and
      // qform-derived affines (computed in double) come back rounded to float32.
      assertEquals(float32(original.geometry()), back.geometry(), "geometry after " + ext);
      if (source.version() == 1 && source.sformCode() > 0) {
        assertEquals(original.geometry(), back.geometry(), "NIfTI-1 sform geometry is exact");
      }
      assertSameVoxels(original.image(), back.image());
    }
  }

  @Test
  void writesRequestedDatatypeAndCodes() throws IOException {
    Path out = tmp.resolve("labels.nii.gz");
    NiftiWriter.builder().datatype(NiftiDatatype.UINT8).sformCode(4).qformCode(2).build().write(labels(), out);
    NiftiHeader h = NiftiReader.readHeader(out);
    assertEquals(NiftiDatatype.UINT8, h.datatype());
    assertEquals(4, h.sformCode());
    assertEquals(2, h.qformCode());
    assertEquals(2, h.xyztUnits());
    assertArrayEquals(ROTATED, h.sformAffine(), 0.0);
    assertArrayEquals(ROTATED, h.qformAffine(), 1e-6);
    assertArrayEquals(SPACING, h.spacing(), 0.0);
    assertEquals(352, h.voxOffset());
  }

  @Test
  void writesNifti2WithTheGeometryInDoublePrecisionOnRequest() throws IOException {
    double[] affine = ROTATED.clone();
    affine[3] = 12.345678901234; // no float32
    Volume<FloatType> v = floats(Geometry.of(SPACING, affine));
    Path out = tmp.resolve("two.nii.gz");
    NiftiWriter.builder().nifti2(true).build().write(v, out);
    NiftiHeader h = NiftiReader.readHeader(out);
    assertEquals(2, h.version());
    assertEquals(544, h.voxOffset());
    assertEquals(2, h.sformCode());
    assertEquals(1, h.qformCode());
    assertEquals(2, h.xyztUnits());
    assertArrayEquals(affine, h.sformAffine(), 0.0);
    assertArrayEquals(affine, h.qformAffine(), 1e-12);
    Volume<?> back = new NiftiReader().read(out);
    assertEquals(v.geometry(), back.geometry(), "NIfTI-2 keeps the geometry exactly");
    assertSameVoxels(v.image(), back.image());
  }

  @Test
  void aVolumeLongerThanNifti1AllowsIsWrittenAsNifti2() throws IOException {
    ArrayImg<UnsignedByteType, ?> img = ArrayImgs.unsignedBytes(40000, 2, 3);
    int i = 0;
    for (UnsignedByteType t : img) t.set(i++ % 251);
    Path out = tmp.resolve("long.nii");
    Volume<UnsignedByteType> v = Volume.of(img, Geometry.ofSpacing(0.5, 1, 2));
    new NiftiWriter().write(v, out);
    NiftiHeader h = NiftiReader.readHeader(out);
    assertEquals(2, h.version());
    assertArrayEquals(new long[] {40000, 2, 3}, h.shape());
    assertSameVoxels(v.image(), new NiftiReader().read(out).image());
  }

  @Test
  void writesNoQformForAShearedAffine() throws IOException {
    double[] shear = ROTATED.clone();
    shear[2] = 0.25;
    Volume<FloatType> v = floats(Geometry.of(SPACING, shear));
    Path out = tmp.resolve("shear.nii");
    new NiftiWriter().write(v, out);
    NiftiHeader h = NiftiReader.readHeader(out);
    assertEquals(0, h.qformCode());
    assertEquals(2, h.sformCode());
    assertArrayEquals(shear, new NiftiReader().read(out).geometry().affine(), 0.0);
  }

  @Test
  void writesChannelsAsFourthDimension() throws IOException {
    ArrayImg<FloatType, FloatArray> img = ArrayImgs.floats(3, 2, 2, 3);
    float i = 0;
    for (FloatType t : img) t.set(i++);
    Path out = tmp.resolve("four.nii");
    new NiftiWriter().write(Volume.of(img, Geometry.of(SPACING, ROTATED)), out);
    assertArrayEquals(new long[] {3, 2, 2, 3}, NiftiReader.readHeader(out).shape());
    assertSameVoxels(img, new NiftiReader().read(out).image());
  }

  @Test
  void refusesValuesTheDatatypeCannotHoldAndLeavesTheOldFile() throws IOException {
    Path out = tmp.resolve("seg.nii.gz");
    Files.writeString(out, "old content");
    Volume<FloatType> v = floats(Geometry.of(SPACING, ROTATED));
    NiftiWriter w = NiftiWriter.builder().datatype(NiftiDatatype.UINT8).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.write(v, out));
    assertEquals("voxel (0, 0, 0, 0) = -3.0 cannot be stored exactly as uint8 (whole numbers 0..255); choose a "
        + "wider or a float datatype, or round/clip first", e.getMessage());
    assertEquals("old content", Files.readString(out));
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(List.of(out), files.toList(), "no temporary file left behind");
    }
  }

  @Test
  void refusesOtherExtensions() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new NiftiWriter().write(labels(), tmp.resolve("x.hdr")));
    assertEquals("NIfTI output must end in .nii or .nii.gz: " + tmp.resolve("x.hdr")
        + " (.hdr/.img pairs are not written)", e.getMessage());
    assertFalse(Files.exists(tmp.resolve("x.hdr")));
  }

  @Test
  void nibabelReadsOurFilesWithTheSameAffineAndVoxels() throws Exception {
    String python = Python.require("nibabel");
    Path seg = tmp.resolve("seg.nii.gz");
    NiftiWriter.builder().datatype(NiftiDatatype.UINT8).build().write(labels(), seg);
    Path scalar = tmp.resolve("scalar.nii");
    new NiftiWriter().write(floats(Geometry.of(SPACING, ROTATED)), scalar);
    Path four = tmp.resolve("four_d.nii.gz");
    new NiftiWriter().write(new NiftiReader().read(TestFiles.resource("nifti/ch4d_int16.nii.gz")), four);
    Path two = tmp.resolve("two.nii.gz");
    NiftiWriter.builder().nifti2(true).build().write(floats(Geometry.of(SPACING, ROTATED)), two);

    String script = String.join("\n",
        "import sys, json, hashlib, nibabel as nib, numpy as np",
        "out = []",
        "for f in sys.argv[1:]:",
        "    img = nib.load(f)",
        "    d = np.asanyarray(img.dataobj)",
        "    out.append({'shape': list(img.shape), 'dtype': str(d.dtype), 'affine': img.affine.tolist(),",
        "                'qform': img.header.get_qform().tolist(), 'codes': [int(img.header['sform_code']),",
        "                int(img.header['qform_code'])], 'zooms': [float(z) for z in img.header.get_zooms()[:3]],",
        "                'sha': hashlib.sha256(d.astype('<f8').tobytes(order='F')).hexdigest()})",
        "print(json.dumps(out))");
    JsonArray results = JsonParser.parseString(Python.run(python, script, tmp, seg.toString(), scalar.toString(),
        four.toString(), two.toString())).getAsJsonArray();

    Path[] files = {seg, scalar, four, two};
    String[] dtypes = {"uint8", "float32", "int16", "float32"};
    for (int i = 0; i < files.length; i++) {
      JsonObject r = results.get(i).getAsJsonObject();
      Volume<?> ours = new NiftiReader().read(files[i]);
      assertEquals(dtypes[i], r.get("dtype").getAsString());
      assertArrayEquals(ours.geometry().affine(), TestFiles.matrix(r.getAsJsonArray("affine")), 0.0);
      assertArrayEquals(ours.geometry().spacing(), TestFiles.doubles(r.getAsJsonArray("zooms")), 0.0);
      boolean rotation = files[i] != four; // the fixture's affine has non-orthogonal columns: no qform
      if (rotation) {
        assertArrayEquals(ours.geometry().affine(), TestFiles.matrix(r.getAsJsonArray("qform")), 1e-5, "qform");
      }
      assertEquals(rotation ? "[2,1]" : "[2,0]", r.getAsJsonArray("codes").toString());
      assertEquals(sha(ours), r.get("sha").getAsString());
      long[] shape = TestFiles.longs(r.getAsJsonArray("shape"));
      long[] dims = ours.image().dimensionsAsLongArray();
      for (int d = 0; d < shape.length; d++) assertEquals(dims[d], shape[d]);
    }
  }

  private static Geometry float32(Geometry g) {
    double[] s = g.spacing();
    double[] a = g.affine();
    for (int i = 0; i < 3; i++) s[i] = (float) s[i];
    for (int i = 0; i < 16; i++) a[i] = (float) a[i];
    return Geometry.of(s, a);
  }

  /** Every voxel type whose values an ArrayImg stores as NIfTI bytes: 4-D, with extreme values and NaN. */
  static Stream<RandomAccessibleInterval<? extends RealType<?>>> arrayImages() {
    long[] dims = {3, 2, 2, 2};
    Random r = new Random(7);
    byte[] b = new byte[24];
    short[] sh = new short[24];
    int[] in = new int[24];
    long[] lo = new long[24];
    float[] f = new float[24];
    double[] d = new double[24];
    r.nextBytes(b);
    for (int i = 0; i < 24; i++) {
      sh[i] = (short) r.nextInt();
      in[i] = r.nextInt();
      lo[i] = r.nextLong();
      f[i] = i == 0 ? Float.NaN : i == 1 ? -0f : (float) r.nextGaussian() * 1e6f;
      d[i] = i == 0 ? Double.NaN : r.nextGaussian() * 1e300;
    }
    return Stream.of(ArrayImgs.unsignedBytes(b, dims), ArrayImgs.bytes(b, dims), ArrayImgs.shorts(sh, dims),
        ArrayImgs.unsignedShorts(sh, dims), ArrayImgs.ints(in, dims), ArrayImgs.unsignedInts(in, dims),
        ArrayImgs.longs(lo, dims), ArrayImgs.unsignedLongs(lo, dims), ArrayImgs.floats(f, dims),
        ArrayImgs.doubles(d, dims), ArrayImgs.unsignedBytes(b, 4, 3, 2));
  }

  /** The bulk copy from an ArrayImg's storage writes the very bytes the voxel-by-voxel path writes for a view. */
  @ParameterizedTest
  @MethodSource("arrayImages")
  @SuppressWarnings({"unchecked", "rawtypes"})
  void anArrayImgIsWrittenAsItsViewIs(RandomAccessibleInterval<? extends RealType<?>> img) throws IOException {
    Geometry g = Geometry.of(SPACING, ROTATED);
    Volume<?> array = Volume.of((RandomAccessibleInterval) img, g);
    Volume<?> view = Volume.of((RandomAccessibleInterval) Views.interval(img, img), g);
    assertTrue(array.arrayImg().isPresent() && view.arrayImg().isEmpty());
    Path a = tmp.resolve("array.nii");
    Path v = tmp.resolve("view.nii");
    new NiftiWriter().write(array, a);
    new NiftiWriter().write(view, v);
    assertArrayEquals(Files.readAllBytes(v), Files.readAllBytes(a));
  }

  private static Volume<UnsignedByteType> labels() {
    ArrayImg<UnsignedByteType, ?> img = ArrayImgs.unsignedBytes(4, 3, 2);
    int i = 0;
    for (UnsignedByteType t : img) t.set(i++ % 5);
    return Volume.of(img, Geometry.of(SPACING, ROTATED));
  }

  private static Volume<FloatType> floats(Geometry g) {
    ArrayImg<FloatType, FloatArray> img = ArrayImgs.floats(4, 3, 2);
    float i = 0;
    for (FloatType t : img) t.set(i++ / 2 - 3);
    return Volume.of(img, g);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static String sha(Volume<?> v) {
    return TestFiles.sha256OfDoubles((RandomAccessibleInterval) v.image());
  }

  /** Equal voxel by voxel, compared through their bits (so NaN, -0 and 64-bit integers count exactly). */
  private static void assertSameVoxels(RandomAccessibleInterval<? extends RealType<?>> a,
      RandomAccessibleInterval<? extends RealType<?>> b) {
    assertArrayEquals(a.dimensionsAsLongArray(), b.dimensionsAsLongArray());
    Cursor<? extends RealType<?>> ca = Views.flatIterable(a).cursor();
    Cursor<? extends RealType<?>> cb = Views.flatIterable(b).cursor();
    long i = 0;
    while (ca.hasNext()) {
      RealType<?> x = ca.next();
      RealType<?> y = cb.next();
      assertEquals(x.toString(), y.toString(), "voxel " + i++);
    }
  }
}
