package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.Prefs;
import ij.measure.ResultsTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import net.imglib2.Cursor;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.view.Views;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mednext.engine.Engines;
import org.mednext.io.NiftiReader;
import org.mednext.io.NiftiWriter;
import org.mednext.predict.PredictorOptions;
import org.mednext.task.CancelledException;
import org.mednext.task.Progress;
import org.mednext.testutil.TestVolumes;
import org.mednext.testutil.TinyModelFolder;
import org.mednext.volume.ImagePlusVolumes;
import org.mednext.volume.Volume;
import org.scijava.Context;

/** The service on the tiny threshold model: labels must follow the model's documented per-voxel rule. */
@Tag("engine")
class DefaultMedNeXtServiceTest {

  private static final TestVolumes.Phantom PHANTOM = TestVolumes.phantom(40, 36, 44);
  private static final short[] EXPECTED = TinyModelFolder.thresholdLabels(PHANTOM.values());

  @TempDir static Path shared;
  @TempDir Path tmp;
  private static Context context;
  private static MedNeXtService mednext;
  private static Path model;

  @BeforeAll
  static void start() throws Exception {
    Prefs.setThreads(1); // the test machine's cores are shared; libtorch threads would spin against each other
    context = new Context(MedNeXtService.class);
    mednext = context.service(MedNeXtService.class);
    model = TinyModelFolder.write(shared, TinyModelFolder.Weights.THRESHOLD);
  }

  @AfterAll
  static void stop() {
    context.dispose();
  }

  /** The core's warnings (java.util.logging) reach Fiji's log; its notes do not, nor anything once disposed. */
  @Test
  void theCoresWarningsGoToFijisLog() {
    Context own = new Context(MedNeXtService.class);
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    own.service(org.scijava.log.LogService.class).addLogListener(m -> seen.add(m.text()));
    java.util.logging.Logger io = java.util.logging.Logger.getLogger("org.mednext.io");
    try {
      io.warning("probe: a voxel size was assumed");
      io.info("probe: a note");
    } finally {
      own.dispose();
    }
    io.warning("probe: after dispose");
    assertEquals(List.of("MedNeXt-v2: probe: a voxel size was assumed"),
        seen.stream().filter(t -> t.contains("probe")).toList());
  }

  @ParameterizedTest
  @ValueSource(ints = {ImagePlus.GRAY8, ImagePlus.GRAY16, ImagePlus.GRAY32})
  void segmentsImagesByTheModelsRule(int type) throws Exception {
    ImagePlus image = FijiTests.image("phantom.tif", PHANTOM, type, new double[] {1, 1, 1});
    ImagePlus labels = mednext.segment(image, model, fast());
    assertArrayEquals(EXPECTED, FijiTests.labels(labels));
    assertEquals("phantom-labels", labels.getTitle());
    assertEquals(Map.of(0, "background", 1, "a", 2, "b"), LabelImages.names(labels));
  }

  @Test
  void segmentingLeavesTheThreadsGradModeAsItWas() throws Exception {
    for (boolean before : new boolean[] {true, false}) {
      ExecutorService fresh = Executors.newSingleThreadExecutor(); // a pooled thread, as Fiji's; it ends with it
      boolean after = CompletableFuture.supplyAsync(() -> {
        Engines.setGradMode(before);
        try {
          mednext.segment(FijiTests.image("p", PHANTOM, ImagePlus.GRAY16, new double[] {1, 1, 1}), model, fast());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return Engines.gradMode();
      }, fresh).get();
      fresh.shutdown();
      assertEquals(before, after);
    }
  }

  /**
   * A Tiff3DIO model (nnU-Net's TIFF reader ignores calibrations): an open image with no file behind it counts by its
   * calibration's numbers in its own unit (1 micrometre: the model's 1), one opened from a TIFF with a spacing file
   * by that file (1, 1, 1 against a calibration of 0.5 micrometres), as on the command line. Converted to mm, either
   * would be a thousandfold off and refused.
   */
  @Test
  void aTiff3dioModelReadsAnOpenImageByItsSpacingFileOrItsCalibrationsNumbers() throws Exception {
    Path tiffModel = TinyModelFolder.write(tmp.resolve("models"), TinyModelFolder.Weights.THRESHOLD);
    Path plans = tiffModel.resolve("plans.json");
    Files.writeString(plans, Files.readString(plans).replace("\"NibabelIO\"", "\"Tiff3DIO\""));
    ImagePlus image = FijiTests.image("stack", PHANTOM, ImagePlus.GRAY16, new double[] {1, 1, 1});
    image.getCalibration().setUnit("micron");
    assertArrayEquals(EXPECTED, FijiTests.labels(mednext.segment(image, tiffModel, fast())));

    Path tif = tmp.resolve("embryo_0000.tif");
    ImagePlus half = FijiTests.image("embryo", PHANTOM, ImagePlus.GRAY16, new double[] {0.5, 0.5, 0.5});
    half.getCalibration().setUnit("micron");
    assertTrue(new ij.io.FileSaver(half).saveAsTiffStack(tif.toString()));
    Files.writeString(tmp.resolve("embryo.json"), "{\"spacing\": [1, 1, 1]}");
    ImagePlus opened = ij.IJ.openImage(tif.toString());
    assertEquals(0.5, opened.getCalibration().pixelWidth, 1e-9);
    assertArrayEquals(EXPECTED, FijiTests.labels(mednext.segment(opened, tiffModel, fast())));
  }

  @Test
  void keepsTheGridAndCalibrationOfAnisotropicImages() throws Exception {
    ImagePlus image = FijiTests.image("aniso", PHANTOM, ImagePlus.GRAY16, new double[] {0.9, 0.9, 1.6});
    ImagePlus labels = mednext.segment(image, model, fast());
    assertEquals(40, labels.getWidth());
    assertEquals(36, labels.getHeight());
    assertEquals(44, labels.getStackSize());
    assertEquals(1.6, labels.getCalibration().pixelDepth);
    short[] got = FijiTests.labels(labels);
    int same = 0;
    for (int i = 0; i < got.length; i++) if (got[i] == EXPECTED[i]) same++;
    assertTrue(same > 0.95 * got.length, "resampled to 1 mm and back, labels still follow the rule: " + same);
  }

  @Test
  void segmentsImgLib2Images() throws Exception {
    Img<UnsignedShortType> labels = mednext.segment(ArrayImgs.floats(PHANTOM.values().clone(), 40, 36, 44),
        new double[] {1, 1, 1}, model, fast());
    assertArrayEquals(new long[] {40, 36, 44}, labels.dimensionsAsLongArray());
    short[] got = new short[EXPECTED.length];
    Cursor<UnsignedShortType> c = Views.flatIterable(labels).cursor();
    for (int i = 0; i < got.length; i++) got[i] = (short) c.next().get();
    assertArrayEquals(EXPECTED, got);
  }

  @Test
  void segmentsFilesIntoNiftiAndSkipsDoneCasesOnRequest() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    writeCase(in.resolve("a.nii.gz"));
    writeCase(in.resolve("b.nii.gz"));
    Path out = tmp.resolve("out");
    BatchResult r = mednext.segmentFiles(in, out, model, fast(), false, null);
    assertEquals(List.of(out.resolve("a.nii.gz"), out.resolve("b.nii.gz")), r.written());
    Volume<?> a = new NiftiReader().read(out.resolve("a.nii.gz"));
    assertArrayEquals(EXPECTED, flat(a));
    BatchResult again = mednext.segmentFiles(in, out, model, fast(), true, null);
    assertEquals(List.of("a", "b"), again.skipped());
    assertEquals("0 case(s) segmented into " + out + ", 2 skipped (output existed), 0 failed", again.summary(out));
  }

  @Test
  void aBrokenCaseFailsAloneAndIsReported() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    writeCase(in.resolve("good.nii.gz"));
    Files.write(in.resolve("broken.nii.gz"), new byte[] {1, 2, 3});
    Path out = tmp.resolve("out");
    BatchResult r = mednext.segmentFiles(in, out, model, fast(), false, null);
    assertEquals(List.of(out.resolve("good.nii.gz")), r.written());
    assertEquals(List.of("broken"), List.copyOf(r.failed().keySet()));
    assertTrue(r.summary(out).startsWith("1 case(s) segmented into " + out + ", 0 skipped (output existed), 1 failed: "
        + "broken: "), r.summary(out));
  }

  @Test
  void cancellingStopsBetweenTilesAndLeavesNoOutput() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    writeCase(in.resolve("a.nii.gz"));
    Path out = tmp.resolve("out");
    CancelAfterFirstTile cancel = new CancelAfterFirstTile();
    assertThrows(CancelledException.class, () -> mednext.segmentFiles(in, out, model, fast(), false, cancel));
    // tiles run in small groups (at most a quarter of them per forward): the first check after the first group stops it
    assertTrue(cancel.tiles >= 1 && cancel.tiles < cancel.total, "stopped between tiles: " + cancel.tiles + " of " + cancel.total);
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(List.of("dataset.json", "plans.json", "predict_from_raw_data_args.json"),
          files.map(f -> f.getFileName().toString()).sorted().toList(),
          "the run's files, written first as by nnU-Net; no label file and no temporary file");
    }
  }

  @Test
  void measuresASegmentationOnItsSourceImage() throws Exception {
    ImagePlus image = FijiTests.image("phantom.tif", PHANTOM, ImagePlus.GRAY8, new double[] {1, 1, 2});
    ImagePlus labels = LabelImages.create(EXPECTED, PHANTOM.shapeZyx(), image, Map.of(0, "background", 1, "a", 2, "b"));
    ResultsTable t = mednext.labelStatistics(labels, "");
    double[] sum = new double[3];
    long[] count = new long[3];
    for (int i = 0; i < EXPECTED.length; i++) {
      sum[EXPECTED[i]] += PHANTOM.values()[i];
      count[EXPECTED[i]]++;
    }
    assertEquals("a", t.getStringValue(LabelStatistics.NAME, 0));
    assertEquals(count[1], t.getValue(LabelStatistics.VOXELS, 0));
    assertEquals(count[1] * 2 / 1000.0, t.getValue(LabelStatistics.VOLUME, 0), 1e-9);
    assertEquals(sum[1] / count[1], t.getValue(LabelStatistics.MEAN, 0), 1e-9);
    assertEquals(sum[2] / count[2], t.getValue(LabelStatistics.MEAN, 1), 1e-9);
  }

  @Test
  void optionsNameTheBadSetting() {
    assertEquals("folds must be auto, all or fold numbers such as 0 or 0,1,2; got 'first'", assertThrows(
        IllegalArgumentException.class, () -> mednext.options("first", 0.5, true, "cpu")).getMessage());
    assertEquals("step_size must be in (0, 1], got 0.0", assertThrows(
        IllegalArgumentException.class, () -> mednext.options("0", 0, true, "cpu")).getMessage());
    PredictorOptions o = mednext.options("0, 1", 0.75, false, "cpu");
    assertEquals("[0, 1]", o.folds().toString());
    assertEquals(0.75, o.stepSize());
    assertEquals(1, o.threads());
  }

  @Test
  void reportsErrorsHeadlessAsOneStderrLine() throws Exception {
    String err = FijiTests.stderrOf(() -> assertEquals("/nope: no such file or folder",
        mednext.reportError("Segment Image", new NoSuchFileException("/nope"))));
    assertEquals("MedNeXt-v2: Segment Image: /nope: no such file or folder" + System.lineSeparator(), err);
  }

  @Test
  void anInternalErrorSaysSoInOneLine() throws Exception {
    String err = FijiTests.stderrOf(() -> mednext.reportError("Segment Image", new NullPointerException("x is null")));
    assertEquals("MedNeXt-v2: Segment Image: internal error (NullPointerException: x is null); run with "
        + "-Dscijava.log.level=debug for the stack trace" + System.lineSeparator(), err);
  }

  @Test
  void aMissingModelFolderIsAReadableError() {
    ImagePlus image = FijiTests.image("p", PHANTOM, ImagePlus.GRAY8, new double[] {1, 1, 1});
    Exception e = assertThrows(Exception.class, () -> mednext.segment(image, tmp.resolve("none"), fast()));
    assertEquals("model folder not found: " + tmp.resolve("none"), Errors.message(e));
  }

  @Test
  void previewNeedsAScreen() {
    ImagePlus image = FijiTests.image("p", PHANTOM, ImagePlus.GRAY8, new double[] {1, 1, 1});
    ImagePlus labels = LabelImages.create(EXPECTED, PHANTOM.shapeZyx(), image, Map.of());
    assertEquals("Show Preview needs a screen; it cannot run headless", assertThrows(IllegalArgumentException.class,
        () -> mednext.showPreview(labels, "", "auto")).getMessage());
  }

  /** Step 1, no mirroring, CPU: 8 tiles for the phantom. */
  private static PredictorOptions fast() {
    return mednext.options("auto", 1, false, "cpu");
  }

  private static void writeCase(Path file) throws Exception {
    ImagePlus image = FijiTests.image("p", PHANTOM, ImagePlus.GRAY16, new double[] {1, 1, 1});
    new NiftiWriter().write(ImagePlusVolumes.toVolume(image), file);
  }

  private static short[] flat(Volume<?> v) {
    short[] out = new short[EXPECTED.length];
    Cursor<? extends RealType<?>> c = Views.flatIterable(v.channel(0)).cursor();
    for (int i = 0; i < out.length; i++) out[i] = (short) c.next().getRealDouble();
    return out;
  }

  /** Asks to stop once the first tile is done. */
  private static final class CancelAfterFirstTile implements Progress {
    volatile int tiles;
    volatile long total;
    volatile boolean tiling;

    @Override
    public void start(String stage, long total) {
      tiling = stage.contains("tiles");
      if (tiling) this.total = total;
    }

    @Override
    public void update(long done) {
      if (tiling) tiles = (int) done;
    }

    @Override
    public void message(String text) {}

    @Override
    public boolean isCancelled() {
      return tiles >= 1;
    }
  }
}
