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

  @Test
  void labelsOnlyExportGivesTheLabelsOfTheProbabilityExport() throws Exception {
    Path model = TinyModelFolder.write(tmp, TinyModelFolder.Weights.RANDOM);
    int[] shape = {29, 41, 35};
    double[] spacing = {1.3, 0.8, 1.1}; // the model's grid is 1 mm
    Random random = new Random(5);
    float[] image = new float[shape[0] * shape[1] * shape[2]];
    for (int i = 0; i < image.length; i++) image[i] = (float) (100 + 30 * random.nextGaussian());
    PredictorOptions options = PredictorOptions.defaults().withThreads(2).withDevice(Device.cpu()).withMirroring(false);
    Prediction labelsOnly;
    Prediction withProbabilities;
    try (Predictor p = Predictor.open(model, options.withProbabilities(false))) {
      labelsOnly = p.predict(new float[][] {image}, shape, spacing, Progress.none());
    }
    try (Predictor p = Predictor.open(model, options.withProbabilities(true))) {
      withProbabilities = p.predict(new float[][] {image}, shape, spacing, Progress.none());
    }
    assertArrayEquals(withProbabilities.labels(), labelsOnly.labels());
    int[] counts = new int[3];
    for (short l : labelsOnly.labels()) counts[l]++;
    for (int k = 0; k < 3; k++) assertTrue(counts[k] > 0, "label " + k + " occurs (a test that could not tell paths apart otherwise)");
    assertEquals(3, withProbabilities.probabilities().classes());
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
    int[] shape = {29, 41, 35};
    double[] spacing = {1.3, 0.8, 1.1};
    Random random = new Random(7);
    float[] image = new float[shape[0] * shape[1] * shape[2]];
    for (int i = 0; i < image.length; i++) image[i] = (float) (100 + 30 * random.nextGaussian());
    PredictorOptions options = PredictorOptions.defaults().withThreads(2).withDevice(Device.cpu()).withMirroring(false);
    Prediction labelsOnly;
    Prediction withProbabilities;
    try (Predictor p = Predictor.open(model, options.withProbabilities(false))) {
      labelsOnly = p.predict(new float[][] {image}, shape, spacing, Progress.none());
    }
    try (Predictor p = Predictor.open(model, options.withProbabilities(true))) {
      withProbabilities = p.predict(new float[][] {image}, shape, spacing, Progress.none());
    }
    assertArrayEquals(withProbabilities.labels(), labelsOnly.labels());
    Probabilities probabilities = withProbabilities.probabilities();
    assertEquals(3, probabilities.classes());
    float[][] maps = new float[3][];
    for (int k = 0; k < 3; k++) maps[k] = probabilities.get(k);
    int[] counts = new int[4];
    for (int i = 0; i < image.length; i++) {
      int expected = 0;
      for (int k = 0; k < 3; k++) if (maps[k][i] > 0.5f) expected = k + 1;
      assertEquals(expected, labelsOnly.labels()[i], "voxel " + i);
      counts[expected]++;
    }
    for (int l = 0; l < 4; l++) assertTrue(counts[l] > 0, "label " + l + " occurs");
  }
}
