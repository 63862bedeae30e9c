package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.preprocess.BoundingBox;
import org.mednext.task.CancelledException;
import org.mednext.testutil.RecordingProgress;
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

  /** Three classes of uniform probabilities on the whole grid, labels 0. */
  private static Prediction prediction() {
    int voxels = SHAPE[0] * SHAPE[1] * SHAPE[2];
    float[][] maps = new float[3][voxels];
    for (float[] m : maps) java.util.Arrays.fill(m, 1f / 3);
    Probabilities p = Probabilities.softmax(maps, BoundingBox.full(SHAPE), SHAPE, new int[] {0, 1, 2}, 1);
    return new Prediction(new short[voxels], SHAPE, p, new Prediction.StageTimes(0, 0, 0), "SimpleITKIO");
  }
}
