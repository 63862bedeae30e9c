package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.io.NiftiHeader;
import org.mednext.io.NiftiReader;
import org.mednext.io.NiftiWriter;
import org.mednext.io.VolumeFormatException;
import org.mednext.io.VolumeFormats;
import org.mednext.testutil.LogRecords;
import org.mednext.testutil.PlainTiffs;
import org.mednext.volume.Geometry;
import org.mednext.volume.Reorientation;
import org.mednext.volume.Volume;

/**
 * What each nnU-Net reader makes of a file's spacing and voxel order: nibabel takes pixdim as stored (or, reoriented,
 * the affine's column norms), ITK takes |pixdim| in millimetres by the header's unit and moves it with the axes.
 */
class ImageReaderWriterTest {

  /** Voxel axes x, y, z along P, L, S (flipped, permuted), columns of length 0.8, 0.7, 2.5; pixdim says 1, 2, 3. */
  private static final double[] PLS = {0, -0.7, 0, 10, -0.8, 0, 0, 20, 0, 0, 2.5, 30, 0, 0, 0, 1};

  @TempDir Path tmp;

  @Test
  void classNamesMapToTheirReaders() {
    assertEquals(ImageReaderWriter.SIMPLE_ITK_IO_WITH_REORIENT, ImageReaderWriter.of("SimpleITKIOWithReorient"));
    assertEquals(ImageReaderWriter.NIBABEL_IO, ImageReaderWriter.of("NibabelIO"));
    assertEquals(ImageReaderWriter.TIFF_3D_IO, ImageReaderWriter.of("Tiff3DIO"));
    assertEquals(ImageReaderWriter.OTHER, ImageReaderWriter.of("NaturalImage2DIO"));
    assertEquals(ImageReaderWriter.OTHER, ImageReaderWriter.of(""));
    assertTrue(ImageReaderWriter.NIBABEL_IO_WITH_REORIENT.reorients());
    assertFalse(ImageReaderWriter.SIMPLE_ITK_IO.reorients());
  }

  /** The oblique axes of ReorientationTest, where nibabel's and ITK's choices differ: each reader follows its own. */
  @Test
  void eachReorientingReaderChoosesTheAxesAsItsLibrary() {
    double[] m = {-0.912, -0.349, -0.217, 0.402, -0.65, -0.645, 0.084, -0.675, 0.733};
    double[] affine = new double[16];
    for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) affine[4 * i + j] = m[3 * i + j];
    affine[15] = 1;
    Geometry g = Geometry.of(new double[] {1, 1, 1}, affine);
    assertEquals("LIP", ImageReaderWriter.NIBABEL_IO_WITH_REORIENT.view(g).reorientation().toString());
    assertEquals("LPS", ImageReaderWriter.SIMPLE_ITK_IO_WITH_REORIENT.view(g).reorientation().toString());
    assertTrue(ImageReaderWriter.SIMPLE_ITK_IO.view(g).reorientation().isIdentity());
  }

  @Test
  void eachReaderReportsTheSpacingItsLibraryWould() throws IOException {
    Path file = write(new NiftiWriter(), "a.nii", 4, 5, 6, PLS);
    setSpatialUnit(file, 3); // micrometres
    Geometry g = VolumeFormats.read(file).geometry();
    Reorientation r = Reorientation.toRasAsNibabel(g);
    assertEquals("PLS", r.toString());

    assertArrayEquals(new double[] {3, 2, 1}, ImageReaderWriter.NIBABEL_IO.view(file, g).spacing(), "nibabel: pixdim, whatever the unit");
    assertArrayEquals(new double[] {2.5, (float) 0.8, (float) 0.7},
        ImageReaderWriter.NIBABEL_IO_WITH_REORIENT.view(file, g).spacing(),
        "nibabel reoriented: the column norms, as float in a NIfTI-1 header");
    assertArrayEquals(new double[] {3 * 1e-3, 2 * 1e-3, 1 * 1e-3},
        ImageReaderWriter.SIMPLE_ITK_IO.view(file, g).spacing(), "ITK: in mm");
    assertArrayEquals(new double[] {3 * 1e-3, 1 * 1e-3, 2 * 1e-3},
        ImageReaderWriter.SIMPLE_ITK_IO_WITH_REORIENT.view(file, g).spacing(),
        "ITK reoriented: pixdim moved with the axes (x goes to A, y to R), not the affine's norms");
    assertArrayEquals(new double[] {3, 2, 1}, ImageReaderWriter.OTHER.view(file, g).spacing());
    assertArrayEquals(new double[] {3, 2, 1}, ImageReaderWriter.SIMPLE_ITK_IO.view(g).spacing(), "an image in memory: the geometry's millimetres");

    setSpatialUnit(file, 1); // metres
    assertArrayEquals(new double[] {3 * 1e3, 2 * 1e3, 1 * 1e3}, ImageReaderWriter.SIMPLE_ITK_IO.view(file, g).spacing());
    setSpatialUnit(file, 2 | 8); // millimetres and seconds
    assertArrayEquals(new double[] {3, 2, 1}, ImageReaderWriter.SIMPLE_ITK_IO.view(file, g).spacing());

    Path two = write(NiftiWriter.builder().nifti2(true).build(), "b.nii", 4, 5, 6, PLS);
    Geometry g2 = VolumeFormats.read(two).geometry(); // its affine in doubles
    assertArrayEquals(new double[] {2.5, 0.8, 0.7}, ImageReaderWriter.NIBABEL_IO_WITH_REORIENT.view(two, g2).spacing(), "a reoriented NIfTI-2 image keeps double zooms");
  }

  /**
   * A file whose sform (code 2, RAS as stored, offset 10, 20, 30) and qform (code 1, turned 180 degrees about z,
   * offset 5, 6, 7) disagree: nibabel and this project's reader take the sform, ITK the qform. The SimpleITK readers
   * place it by the qform, so the reorienting one flips x and y, where the nibabel one keeps the voxels as stored.
   */
  @Test
  void theSimpleItkReadersPlaceAFileWhereItkDoes() throws Exception {
    Path file = Path.of(getClass().getResource("/org/mednext/io/itk/sform2_qform1_differ.nii").toURI());
    Geometry ours = VolumeFormats.read(file).geometry();
    assertArrayEquals(new double[] {10, 20, 30}, new double[] {ours.affine()[3], ours.affine()[7], ours.affine()[11]});
    NiftiHeader header = NiftiReader.readHeader(file);
    Geometry itk = ImageReaderWriter.SIMPLE_ITK_IO.placement(header, ours);
    assertArrayEquals(new double[] {5, 6, 7}, new double[] {itk.affine()[3], itk.affine()[7], itk.affine()[11]}, 1e-6);
    assertEquals(ours, ImageReaderWriter.NIBABEL_IO.placement(header, ours));
    assertEquals("LPS", ImageReaderWriter.SIMPLE_ITK_IO_WITH_REORIENT.view(file, ours).reorientation().toString());
    assertEquals("RAS", ImageReaderWriter.NIBABEL_IO_WITH_REORIENT.view(file, ours).reorientation().toString());
  }

  /**
   * scl_slope 0 with scl_inter 5 (a nibabel fixture): the SimpleITK readers add the intercept, as ITK does, in a case
   * as read for prediction too; the nibabel readers and the others ignore both, as nibabel does.
   */
  @Test
  void eachReaderScalesANiftiFileAsItsLibrary() throws Exception {
    Path file = Path.of(getClass().getResource("/org/mednext/io/nifti/slope_zero.nii").toURI());
    double stored = VolumeFormats.read(file).image().firstElement().getRealDouble();
    double inter = NiftiReader.readHeader(file).sclInter();
    for (ImageReaderWriter r : ImageReaderWriter.values()) {
      boolean itk = r == ImageReaderWriter.SIMPLE_ITK_IO || r == ImageReaderWriter.SIMPLE_ITK_IO_WITH_REORIENT;
      assertEquals(itk ? stored + inter : stored, r.read(file).image().firstElement().getRealDouble(), r.toString());
    }
    CaseInput input = new CaseInput("case", List.of(file));
    assertEquals(stored + inter, input.load(ImageReaderWriter.SIMPLE_ITK_IO).channels()[0][0]);
    assertEquals(stored, input.load(ImageReaderWriter.NIBABEL_IO).channels()[0][0]);
  }

  /**
   * A signed 16-bit stack saved from Fiji (stored +32768 under ImageJ's signed calibration): a Tiff3DIO model gets the
   * stored numbers, as tifffile reads them for nnU-Net, in a case as read for prediction too; the other readers, for
   * which nnU-Net reads no TIFF, get the values Fiji shows.
   */
  @Test
  void tiff3dioReadsTheStoredNumbersAndTheOthersTheCalibratedValues() throws IOException {
    ij.ImagePlus imp = org.mednext.volume.ImagePlusVolumes.toImagePlus(
        Volume.of(ArrayImgs.shorts(new short[] {-1000, 24, 5, 6}, 2, 2, 1), Geometry.ofSpacing(1, 1, 1)), "ct");
    Path file = tmp.resolve("ct_0000.tif");
    new ij.io.FileSaver(imp).saveAsTiff(file.toString());
    for (ImageReaderWriter r : ImageReaderWriter.values()) {
      double first = r.read(file).image().firstElement().getRealDouble();
      assertEquals(r == ImageReaderWriter.TIFF_3D_IO ? -1000 + 32768 : -1000, first, r.toString());
    }
    CaseInput input = new CaseInput("ct", List.of(file));
    assertEquals(-1000 + 32768, input.load(ImageReaderWriter.TIFF_3D_IO).channels()[0][0]);
    assertEquals(-1000, input.load(ImageReaderWriter.NIBABEL_IO).channels()[0][0]);
  }

  /**
   * A TIFF without a length unit is read with its numbers as mm: said once, naming the file, by the readers that take
   * the calibration; not for a calibrated one, nor for Tiff3DIO, which never looks at it.
   */
  @Test
  void aTiffWithoutALengthUnitIsReadAsMillimetresWithAWarning() throws IOException {
    ij.ImageStack stack = new ij.ImageStack(4, 3);
    for (int z = 0; z < 2; z++) stack.addSlice(new ij.process.ByteProcessor(4, 3));
    ij.ImagePlus imp = new ij.ImagePlus("s", stack);
    Path plain = tmp.resolve("plain.tif");
    new ij.io.FileSaver(imp).saveAsTiffStack(plain.toString());
    imp.getCalibration().setUnit("micron");
    imp.getCalibration().pixelWidth = 0.5;
    Path calibrated = tmp.resolve("calibrated.tif");
    new ij.io.FileSaver(imp).saveAsTiffStack(calibrated.toString());
    try (LogRecords log = LogRecords.of("org.mednext.predict")) {
      ImageReaderWriter.SIMPLE_ITK_IO.view(plain, VolumeFormats.read(plain).geometry());
      assertEquals(List.of(plain + ": the TIFF's calibration has no length unit (none), so its voxel size 1.0 x 1.0 x "
          + "1.0 is taken as mm; if that is wrong, set the size in Fiji (Image > Properties) and save the stack again"),
          log.messages());
      log.clear();
      ImageReaderWriter.NIBABEL_IO.view(calibrated, VolumeFormats.read(calibrated).geometry());
      ImageReaderWriter.TIFF_3D_IO.view(plain, VolumeFormats.read(plain).geometry());
      assertTrue(log.messages().stream().noneMatch(m -> m.contains("calibration has no length unit")),
          log.messages().toString());
    }
  }

  /**
   * A plain TIFF stack whose only calibration is an x/y resolution in cm or inch (as most writers other than ImageJ
   * store it) gets ImageJ's default depth of 1 cm or 1 inch: kept, and said, naming the file, the spacing taken and what
   * to do. Not said for ImageJ stacks, which state their depth ("spacing=", or nothing for exactly 1 unit), nor by
   * Tiff3DIO, which takes no spacing from the file.
   */
  @Test
  void aTiffWithoutSliceSpacingIsSaidToGetImageJsDefaultDepth() throws IOException {
    byte[][] pages = {new byte[12], new byte[12]};
    Path cm = tmp.resolve("cm.tif");
    PlainTiffs.write(cm, java.nio.ByteOrder.LITTLE_ENDIAN, 4, 3, 8, 0, pages, 100, PlainTiffs.CENTIMETER);
    Path dpi = tmp.resolve("dpi.tif");
    PlainTiffs.write(dpi, java.nio.ByteOrder.BIG_ENDIAN, 4, 3, 8, 0, pages, 300, PlainTiffs.INCH);
    ij.ImageStack stack = new ij.ImageStack(4, 3);
    for (int z = 0; z < 2; z++) stack.addSlice(new ij.process.ByteProcessor(4, 3));
    ij.ImagePlus imp = new ij.ImagePlus("s", stack);
    imp.getCalibration().setUnit("mm");
    imp.getCalibration().pixelWidth = 0.5;
    Path oneMm = tmp.resolve("one_mm.tif"); // ImageJ writes no spacing= for a depth of exactly 1
    new ij.io.FileSaver(imp).saveAsTiffStack(oneMm.toString());
    imp.getCalibration().pixelDepth = 2.5;
    Path deeper = tmp.resolve("deeper.tif");
    new ij.io.FileSaver(imp).saveAsTiffStack(deeper.toString());

    try (LogRecords log = LogRecords.of("org.mednext.predict")) {
      Geometry g = VolumeFormats.read(cm).geometry();
      assertArrayEquals(new double[] {10 / 100.0, 10 / 100.0, 10}, g.spacing(), 1e-12, "1 / 100 cm; 1 cm");
      assertArrayEquals(new double[] {10, 0.1, 0.1}, ImageReaderWriter.NIBABEL_IO.view(cm, g).spacing(), 1e-12);
      assertEquals(List.of(cm + ": the TIFF stores no slice spacing (a plain TIFF's resolution is x and y only), so "
          + "ImageJ's default depth of 1 cm is taken: " + g.spacing(2) + " mm along z, against " + g.spacing(0) + " x "
          + g.spacing(1) + " mm in x and y. If that is wrong, set the voxel depth in Fiji (Image > Properties) and save "
          + "the stack again, or convert the image to NIfTI with its spacing"), log.messages());
      log.clear();
      Geometry gd = VolumeFormats.read(dpi).geometry();
      assertEquals(25.4, gd.spacing(2), 1e-12);
      ImageReaderWriter.SIMPLE_ITK_IO.view(dpi, gd);
      assertEquals(1, log.messages().size());
      assertTrue(log.messages().get(0).startsWith(dpi + ": the TIFF stores no slice spacing (a plain TIFF's resolution"
          + " is x and y only), so ImageJ's default depth of 1 inch is taken: 25.4 mm along z"), log.messages().get(0));
      log.clear();
      for (Path p : new Path[] {oneMm, deeper}) ImageReaderWriter.NIBABEL_IO.view(p, VolumeFormats.read(p).geometry());
      ImageReaderWriter.TIFF_3D_IO.view(cm, g);
      assertTrue(log.messages().stream().noneMatch(m -> m.contains("slice spacing")), log.messages().toString());
    }
  }

  /**
   * nnU-Net's Tiff3DIO ignores the TIFF's calibration: the spacing (z, y, x) comes from {@code <case>.json} beside
   * {@code <case>_0000.tif}, (1, 1, 1) without one; a spacing file that says something else is an error naming it.
   */
  @Test
  void tiff3dioTakesTheSpacingFromTheCasesJsonFileOrOnes() throws IOException {
    Geometry calibrated = Geometry.ofSpacing(0.0002, 0.0002, 0.0005);
    Path tif = tmp.resolve("embryo_0000.tif");
    assertEquals(tmp.resolve("embryo.json"), ImageReaderWriter.spacingFile(tif));
    assertEquals(tmp.resolve("stack.json"), ImageReaderWriter.spacingFile(tmp.resolve("stack.tiff")));
    assertArrayEquals(new double[] {1, 1, 1},
        ImageReaderWriter.TIFF_3D_IO.view(tif, calibrated).spacing());
    Files.writeString(tmp.resolve("embryo.json"), "{\"spacing\": [0.5, 0.2, 0.25]}");
    assertArrayEquals(new double[] {0.5, 0.2, 0.25},
        ImageReaderWriter.TIFF_3D_IO.view(tif, calibrated).spacing());
    assertArrayEquals(new double[] {0.0005, 0.0002, 0.0002}, ImageReaderWriter.TIFF_3D_IO.view(calibrated).spacing(), "an image in memory: its calibration in mm");
    for (String bad : new String[] {"{\"spacing\": [0.5, 0.2]}", "{\"spacing\": [0.5, 0, 1]}", "[1, 2, 3]", "{spacing",
        "{\"spacing\": [[1], 2, 3]}"}) {
      Files.writeString(tmp.resolve("embryo.json"), bad);
      VolumeFormatException e = assertThrows(VolumeFormatException.class,
          () -> ImageReaderWriter.TIFF_3D_IO.view(tif, calibrated).spacing(), bad);
      assertTrue(e.getMessage().contains("embryo.json") && e.getMessage().contains("holds {\"spacing\": [z, y, x]}"),
          e.getMessage());
    }
  }

  /**
   * Two channels of one anatomy, the second stored with x and y swapped: a reorienting reader sees the same grid and
   * the same voxels (nnU-Net compares the channels after reordering), a reader that keeps the file's order refuses
   * them.
   */
  @Test
  void channelsStoredInDifferentAxisOrdersAreOneGridOnceReordered() throws IOException {
    int nx = 4, ny = 5, nz = 6;
    float[] ras = new float[nx * ny * nz];
    float[] swapped = new float[nx * ny * nz]; // x along A, y along R: shape (5, 4, 6)
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
          ras[(k * ny + j) * nx + i] = 100 * k + 10 * j + i;
          swapped[(k * nx + i) * ny + j] = 100 * k + 10 * j + i;
        }
      }
    }
    Path a = tmp.resolve("case_0000.nii");
    Path b = tmp.resolve("case_0001.nii");
    new NiftiWriter().write(Volume.of(ArrayImgs.floats(ras, nx, ny, nz),
        Geometry.of(new double[] {1, 1, 1}, new double[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1})), a);
    new NiftiWriter().write(Volume.of(ArrayImgs.floats(swapped, ny, nx, nz),
        Geometry.of(new double[] {1, 1, 1}, new double[] {0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1})), b);
    CaseInput input = new CaseInput("case", List.of(a, b));

    CaseInput.Loaded loaded = input.load(ImageReaderWriter.NIBABEL_IO_WITH_REORIENT);
    assertArrayEquals(new int[] {nz, ny, nx}, loaded.shape());
    assertArrayEquals(loaded.channels()[0], loaded.channels()[1]);
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> input.load(ImageReaderWriter.NIBABEL_IO));
    assertTrue(e.getMessage().contains("shape [6, 4, 5] and spacing [1.0, 1.0, 1.0] (z, y, x) differ from channel 0's"
        + " (case_0000.nii) [6, 5, 4]"), e.getMessage());
  }

  private Path write(NiftiWriter writer, String name, int nx, int ny, int nz, double[] affine) throws IOException {
    Path file = tmp.resolve(name);
    writer.write(Volume.of(ArrayImgs.floats(new float[nx * ny * nz], nx, ny, nz), Geometry.of(new double[] {1, 2, 3},
        affine)), file);
    return file;
  }

  /** Sets xyzt_units of an uncompressed NIfTI-1 file. */
  private static void setSpatialUnit(Path file, int units) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {(byte) units}), 123);
    }
  }
}
