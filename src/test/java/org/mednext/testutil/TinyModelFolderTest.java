package org.mednext.testutil;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.engine.Engines;
import org.mednext.model.Fold;
import org.mednext.model.ModelFolder;
import org.mednext.predict.Prediction;
import org.mednext.predict.Predictor;
import org.mednext.predict.PredictorOptions;
import org.mednext.task.Progress;

/** The tiny model folder opens like a trained one, and its threshold weights segment as documented. */
@Tag("engine")
class TinyModelFolderTest {

  @TempDir Path tmp;

  @Test
  void thresholdModelSegmentsByNormalizedIntensity() throws Exception {
    Path model = TinyModelFolder.write(tmp, TinyModelFolder.Weights.THRESHOLD);
    TestVolumes.Phantom phantom = TestVolumes.phantom(40, 36, 44);
    try (Predictor p = Predictor.open(model, options())) {
      Engines.inferenceMode();
      Prediction r = p.predict(new float[][] {phantom.values()}, phantom.shapeZyx(), new double[] {1, 1, 1},
          Progress.none());
      short[] expected = TinyModelFolder.thresholdLabels(phantom.values());
      assertEquals(java.util.Set.of((short) 0, (short) 1, (short) 2), distinct(expected),
          "the phantom shows all labels");
      assertArrayEquals(expected, r.labels());
    }
  }

  @Test
  void randomModelOpensWithTheDocumentedNetwork() throws Exception {
    Path model = TinyModelFolder.write(tmp, TinyModelFolder.Weights.RANDOM, 2);
    assertEquals(List.of(Fold.of(0), Fold.of(1)), ModelFolder.open(model).folds(ModelFolder.CHECKPOINT_FINAL));
    try (Predictor p = Predictor.open(model, options())) {
      assertEquals(TinyModelFolder.CONFIG, p.network());
      assertEquals(2, p.foldCount());
      Engines.inferenceMode();
      TestVolumes.Phantom phantom = TestVolumes.phantom(40, 40, 40);
      Prediction r = p.predict(new float[][] {phantom.values()}, phantom.shapeZyx(), new double[] {1, 1, 1},
          Progress.none());
      assertEquals(40 * 40 * 40, r.labels().length);
      for (short s : r.labels()) assertTrue(s >= 0 && s <= 2);
    }
  }

  private static java.util.Set<Short> distinct(short[] labels) {
    java.util.Set<Short> out = new java.util.TreeSet<>();
    for (short s : labels) out.add(s);
    return out;
  }

  private static PredictorOptions options() {
    return PredictorOptions.defaults().withThreads(2).withDevice(Device.cpu()).withMirroring(false).withStepSize(1);
  }
}
