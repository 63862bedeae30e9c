package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.task.Progress;
import org.mednext.testutil.TinyModelFolder;

/**
 * The two export paths - labels only (running argmax over the classes, one resampled class at a time, buffers
 * reused) and with probabilities (all classes, softmax, argmax) - give the same labels, on an input whose spacing
 * makes both preprocessing and export resample.
 */
@Tag("engine")
class ExportPathsTest {

  @TempDir Path tmp;

  /** An input whose spacing makes preprocessing and export resample (the model's grid is 1 mm). */
  private static final int[] SHAPE = {29, 41, 35};
  private static final double[] SPACING = {1.3, 0.8, 1.1};

  @Test
  void labelsOnlyExportGivesTheLabelsOfTheProbabilityExport() throws Exception {
    Prediction[] p = labelsOnlyAndWithProbabilities(TinyModelFolder.write(tmp, TinyModelFolder.Weights.RANDOM), 5);
    assertArrayEquals(p[1].labels(), p[0].labels());
    int[] counts = new int[3];
    for (short l : p[0].labels()) counts[l]++;
    for (int k = 0; k < 3; k++) assertTrue(counts[k] > 0, "label " + k + " occurs (a test that could not tell paths apart otherwise)");
    assertEquals(3, p[1].probabilities().classes());
  }

  /**
   * A region model (three nested regions, sigmoid per head): both paths paint the same labels, and they are the
   * labels the written probabilities say (the last region in regions_class_order above 0.5 wins).
   */
  @Test
  void regionModelsPaintTheLabelsTheirProbabilitiesSay() throws Exception {
    Path model = TinyModelFolder.write(tmp, TinyModelFolder.Weights.RANDOM);
    Path dataset = model.resolve("dataset.json");
    Files.writeString(dataset, Files.readString(dataset).replace("\"labels\": {\"background\": 0, \"a\": 1, \"b\": 2},",
        "\"labels\": {\"background\": 0, \"whole\": [1, 2, 3], \"core\": [2, 3], \"enhancing\": 3},"
            + " \"regions_class_order\": [1, 2, 3],"));
    Prediction[] p = labelsOnlyAndWithProbabilities(model, 7);
    assertArrayEquals(p[1].labels(), p[0].labels());
    Probabilities probabilities = p[1].probabilities();
    assertEquals(3, probabilities.classes());
    float[][] maps = new float[3][];
    for (int k = 0; k < 3; k++) maps[k] = probabilities.get(k);
    int[] counts = new int[4];
    for (int i = 0; i < maps[0].length; i++) {
      int expected = 0;
      for (int k = 0; k < 3; k++) if (maps[k][i] > 0.5f) expected = k + 1;
      assertEquals(expected, p[0].labels()[i], "voxel " + i);
      counts[expected]++;
    }
    for (int l = 0; l < 4; l++) assertTrue(counts[l] > 0, "label " + l + " occurs");
  }

  /** The same random image predicted without and with probabilities. */
  private static Prediction[] labelsOnlyAndWithProbabilities(Path model, long seed) throws Exception {
    Random random = new Random(seed);
    float[] image = new float[SHAPE[0] * SHAPE[1] * SHAPE[2]];
    for (int i = 0; i < image.length; i++) image[i] = (float) (100 + 30 * random.nextGaussian());
    PredictorOptions options = PredictorOptions.defaults().withThreads(2).withDevice(Device.cpu()).withMirroring(false);
    Prediction[] p = new Prediction[2];
    for (int withProbabilities = 0; withProbabilities < 2; withProbabilities++) {
      try (Predictor predictor = Predictor.open(model, options.withProbabilities(withProbabilities == 1))) {
        p[withProbabilities] = predictor.predict(new float[][] {image}, SHAPE, SPACING, Progress.none());
      }
    }
    return p;
  }
}
