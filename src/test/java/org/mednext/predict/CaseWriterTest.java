package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.preprocess.BoundingBox;
import org.mednext.task.CancelledException;
import org.mednext.task.Progress;
import org.mednext.testutil.RecordingProgress;
import org.mednext.torch.PyTuple;
import org.mednext.volume.Geometry;

/** {@link CaseWriter}: a case's files appear whole or not at all, also when the user stops the writing. */
class CaseWriterTest {

  private static final int[] SHAPE = {4, 5, 6};

  @TempDir Path dir;

  @Test
  void writesBothFilesReportingTheClassesOfTheProbabilities() throws Exception {
    RecordingProgress progress = RecordingProgress.recording();
    List<Path> written = CaseWriter.write(prediction(), Geometry.ofSpacing(1, 1, 1), dir, "a", 2, progress);
    assertEquals(List.of(dir.resolve("a.nii.gz"), dir.resolve("a.npz")), written.stream().sorted().toList());
    assertEquals(List.of("writing probabilities 3", "0", "1", "2"), progress.events());
  }

  @Test
  void aCancelBetweenTwoClassesLeavesNothingOfTheCase() throws Exception {
    RecordingProgress cancelledAfterTheFirstClass = RecordingProgress.cancelledFromQuestion(2);
    assertThrows(CancelledException.class,
        () -> CaseWriter.write(prediction(), Geometry.ofSpacing(1, 1, 1), dir, "a", 2, cancelledAfterTheFirstClass));
    assertEquals(2, cancelledAfterTheFirstClass.asked(), "asked before the first and the second class");
    try (var files = Files.list(dir)) {
      assertEquals(List.of(), files.toList(), "no archive, no label file, no temporary file");
    }
  }

  @Test
  void aCancelAfterTheLastClassLeavesNothingOfTheCaseEither() throws Exception {
    RecordingProgress cancelledOnceWritten = RecordingProgress.cancelledFromQuestion(4);
    assertThrows(CancelledException.class,
        () -> CaseWriter.write(prediction(), Geometry.ofSpacing(1, 1, 1), dir, "a", 2, cancelledOnceWritten));
    assertEquals(4, cancelledOnceWritten.asked(), "before each of the three classes, and once the archive is written");
    try (var files = Files.list(dir)) {
      assertEquals(List.of(), files.toList(), "the written archive removed again, no properties, no label file");
    }
  }

  @Test
  void aCancelOnceTheProbabilitiesAreWrittenKeepsTheEarlierRunsFiles() throws Exception {
    for (String n : new String[] {"a.nii.gz", "a.npz", "a.pkl"}) Files.writeString(dir.resolve(n), "earlier " + n);
    RecordingProgress cancelledOnceWritten = RecordingProgress.cancelledFromQuestion(4);
    assertThrows(CancelledException.class,
        () -> CaseWriter.write(prediction(), Geometry.ofSpacing(1, 1, 1), dir, "a", 2, cancelledOnceWritten));
    assertEquals(4, cancelledOnceWritten.asked(), "before each of the three classes, and once every file is written");
    assertEarlierRunsFiles("a.nii.gz", "a.npz", "a.pkl");
  }

  @Test
  void aLabelFileThatCannotBeWrittenLeavesTheEarlierProbabilitiesAsTheyWere() throws Exception {
    Files.writeString(dir.resolve("a.npz"), "earlier a.npz");
    Prediction p = prediction();
    Prediction badLabels = new Prediction(new short[1], p.shape(), p.probabilities(), p.times(),
        p.imageReaderWriter(), p.properties());
    assertThrows(IllegalArgumentException.class,
        () -> CaseWriter.write(badLabels, Geometry.ofSpacing(1, 1, 1), dir, "a", 2, Progress.none()));
    assertEarlierRunsFiles("a.npz");
  }

  @Test
  void aReadOnlyEarlierOutputIsRefusedBeforeAnythingIsReplaced() throws Exception {
    for (String n : new String[] {"a.nii.gz", "a.npz"}) Files.writeString(dir.resolve(n), "earlier " + n);
    Path labels = dir.resolve("a.nii.gz");
    Files.setPosixFilePermissions(labels, PosixFilePermissions.fromString("r--r--r--"));
    assumeFalse(Files.isWritable(labels), "root may write read-only files");
    OutputException e = assertThrows(OutputException.class,
        () -> CaseWriter.write(prediction(), Geometry.ofSpacing(1, 1, 1), dir, "a", 2, Progress.none()));
    assertEquals(labels + ": is read-only, so the output of case a cannot replace it: make it writable or move it "
        + "away, or choose another output folder", e.getMessage());
    assertEarlierRunsFiles("a.nii.gz", "a.npz");
  }

  /** Only these files in {@code dir}, each holding "earlier NAME": nothing replaced, no temporary file left. */
  private void assertEarlierRunsFiles(String... names) throws Exception {
    try (var files = Files.list(dir)) {
      assertEquals(List.of(names), files.map(f -> f.getFileName().toString()).sorted().toList());
    }
    for (String n : names) assertEquals("earlier " + n, Files.readString(dir.resolve(n)), n);
  }

  /**
   * A SimpleITKIO model's properties describe the image as ITK does, in LPS: x and y of the origin and of the
   * direction's rows change sign, the direction's columns are unit vectors; spacing and crop as the case had them.
   */
  @Test
  void theItkPropertiesOfAnObliqueImageAreInLps() {
    double c = Math.cos(0.3), s = Math.sin(0.3);
    double[] affine = {2 * c, -3 * s, 0, 10, 2 * s, 3 * c, 0, 20, 0, 0, 4, 30, 0, 0, 0, 1};
    Geometry g = Geometry.of(new double[] {2, 3, 4}, affine);
    Prediction p = new Prediction(new short[0], SHAPE, null, new Prediction.StageTimes(0, 0, 0), "SimpleITKIO",
        new Prediction.CaseProperties(new double[] {4, 3, 2}, SHAPE, BoundingBox.of(new int[] {0, 1, 2},
            new int[] {4, 5, 6}), new int[] {4, 4, 4}, org.mednext.volume.Reorientation.none()));
    Map<String, Object> d = CaseWriter.nnUnetProperties(p, g);
    @SuppressWarnings("unchecked")
    Map<String, Object> itk = (Map<String, Object>) d.get("sitk_stuff");
    assertEquals(PyTuple.of(2.0, 3.0, 4.0), itk.get("spacing"));
    assertEquals(PyTuple.of(-10.0, -20.0, 30.0), itk.get("origin"));
    PyTuple direction = (PyTuple) itk.get("direction");
    double[] want = {-c, s, 0, -s, -c, 0, 0, 0, 1};
    for (int i = 0; i < 9; i++) assertEquals(want[i], (double) direction.get(i), 1e-12, "direction[" + i + "]");
    assertEquals(List.of(4.0, 3.0, 2.0), d.get("spacing"));
    assertEquals(List.of(List.of(0L, 4L), List.of(1L, 5L), List.of(2L, 6L)), d.get("bbox_used_for_cropping"));
    assertEquals(PyTuple.of(4L, 5L, 6L), d.get("shape_before_cropping"));
    assertEquals(List.of("sitk_stuff", "spacing", "shape_before_cropping", "bbox_used_for_cropping",
        "shape_after_cropping_and_before_resampling"), List.copyOf(d.keySet()));
    assertEquals(List.of("spacing", "shape_before_cropping", "bbox_used_for_cropping",
        "shape_after_cropping_and_before_resampling"), List.copyOf(CaseWriter.nnUnetProperties(new Prediction(
            new short[0], SHAPE, null, new Prediction.StageTimes(0, 0, 0), "Tiff3DIO", p.properties()), g).keySet()),
        "Tiff3DIO's writer needs nothing but the spacing");
    assertEquals(null, CaseWriter.nnUnetProperties(new Prediction(new short[0], SHAPE, null,
        new Prediction.StageTimes(0, 0, 0), "NaturalImage2DIO", p.properties()), g), "a reader whose part we do not write");
  }

  /**
   * SimpleITKIOWithReorient keeps the reoriented image's ITK geometry and the file's orientation letters: for the
   * permuted, flipped file of ReorientationTest (PLS), the RAS image at origin (7.2, 17.6, 30) in RAS.
   */
  @Test
  void theReorientingItkPropertiesDescribeTheRasImageAndTheFilesOrientation() {
    double[] affine = {0, -0.7, 0, 10, -0.8, 0, 0, 20, 0, 0, 2.5, 30, 0, 0, 0, 1};
    Geometry g = Geometry.of(new double[] {0.8, 0.7, 2.5}, affine);
    org.mednext.volume.Reorientation r = org.mednext.volume.Reorientation.toRasAsItk(g);
    int[] fileShape = {6, 5, 4};
    Prediction p = new Prediction(new short[0], fileShape, null, new Prediction.StageTimes(0, 0, 0),
        "SimpleITKIOWithReorient", new Prediction.CaseProperties(
            ImageReaderWriter.SIMPLE_ITK_IO_WITH_REORIENT.view(g).spacing(), new int[] {6, 4, 5},
            BoundingBox.full(new int[] {6, 4, 5}), new int[] {6, 4, 5}, r));
    @SuppressWarnings("unchecked")
    Map<String, Object> itk = (Map<String, Object>) CaseWriter.nnUnetProperties(p, g).get("sitk_stuff");
    assertEquals("PLS", itk.get("original_orientation"));
    PyTuple origin = (PyTuple) itk.get("origin");
    assertEquals(-7.2, (double) origin.get(0), 1e-12);
    assertEquals(-17.6, (double) origin.get(1), 1e-12);
    assertEquals(30, (double) origin.get(2), 1e-12);
    PyTuple direction = (PyTuple) itk.get("direction");
    double[] want = {-1, 0, 0, 0, -1, 0, 0, 0, 1};
    for (int i = 0; i < 9; i++) assertEquals(want[i], (double) direction.get(i), 1e-12, "direction[" + i + "]");
    assertEquals(PyTuple.of(0.7, 0.8, 2.5), itk.get("spacing"), "ITK's pixdim spacing, moved with the axes");
  }

  /** Three classes of uniform probabilities on the whole grid, labels 0. */
  private static Prediction prediction() {
    int voxels = SHAPE[0] * SHAPE[1] * SHAPE[2];
    float[][] maps = new float[3][voxels];
    for (float[] m : maps) java.util.Arrays.fill(m, 1f / 3);
    Probabilities p = Probabilities.softmax(maps, BoundingBox.full(SHAPE), SHAPE, new int[] {0, 1, 2}, 1);
    return new Prediction(new short[voxels], SHAPE, p, new Prediction.StageTimes(0, 0, 0), "SimpleITKIO", null);
  }
}
