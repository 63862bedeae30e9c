package org.mednext.train.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mednext.engine.Engines;

/** {@link DeepSupervisionLoss}: nnU-Net's and MedNeXt v1's weights, and a 3-head loss and gradients against torch. */
class DeepSupervisionLossTest {

  @Test
  void nnUnetWeightsZeroTheLowestResolutionOutput() {
    // NNUNET_PIPELINE_SPEC D.5: K = 5 -> (0.5333, 0.2667, 0.1333, 0.0667, 0)
    assertArrayEquals(new double[] {8 / 15.0, 4 / 15.0, 2 / 15.0, 1 / 15.0, 0},
        DeepSupervisionLoss.nnUnetWeights(5), 1e-15);
    assertArrayEquals(new double[] {1}, DeepSupervisionLoss.nnUnetWeights(1));
  }

  @Test
  void medNeXtV1WeightsTrainAllFiveOutputs() {
    // MEDNEXT_V2_SPEC 8: 1/2^i over 6 scales, the 6th zeroed: 16/31, 8/31, 4/31, 2/31, 1/31
    assertArrayEquals(new double[] {16 / 31.0, 8 / 31.0, 4 / 31.0, 2 / 31.0, 1 / 31.0},
        DeepSupervisionLoss.medNeXtV1Weights(5), 1e-15);
    assertEquals(0.516, DeepSupervisionLoss.medNeXtV1Weights(5)[0], 1e-3);
  }

  @Tag("engine")
  @ParameterizedTest
  @ValueSource(strings = {"ds3_nnunet_v2", "ds3_mednext_v1"})
  void threeHeadLossAndGradientsMatchTorch(String name) throws Exception {
    JsonObject c = LossFixtures.lossCase(name);
    boolean zeroLast = c.get("zero_last").getAsBoolean();
    double[] weights = zeroLast ? DeepSupervisionLoss.nnUnetWeights(3) : DeepSupervisionLoss.medNeXtV1Weights(3);
    JsonArray expectedWeights = c.getAsJsonArray("weights");
    for (int i = 0; i < 3; i++) assertEquals(expectedWeights.get(i).getAsDouble(), weights[i], 1e-16, "weight " + i);
    DeepSupervisionLoss loss = new DeepSupervisionLoss(new DiceCrossEntropyLoss(c.get("batch_dice").getAsBoolean()),
        weights);
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      List<NDArray> heads = new ArrayList<>();
      List<NDArray> labels = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        heads.add(LossFixtures.logits(m, c.getAsJsonArray("heads").get(i).getAsJsonObject()));
        labels.add(LossFixtures.labels(m, c.getAsJsonArray("targets").get(i).getAsJsonObject(), DataType.INT32));
      }
      try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
        NDArray value = loss.compute(heads, labels);
        LossFixtures.assertLoss(c.get("loss").getAsDouble(), value, name);
        gc.backward(value);
      }
      for (int i = 0; i < 3; i++) {
        LossFixtures.assertGradient(c.getAsJsonArray("grads").get(i).getAsJsonObject(), heads.get(i),
            name + " head " + i);
      }
    }
  }

  @Test
  void rejectsOneOutputTooFewAndAllZeroWeights() {
    DeepSupervisionLoss loss = new DeepSupervisionLoss(new DiceCrossEntropyLoss(false), new double[] {0.5, 0.5});
    assertEquals("2 weights, 1 outputs and 2 label maps: give one output and one label map per weight",
        assertThrows(IllegalArgumentException.class, () -> loss.compute(java.util.Arrays.asList((NDArray) null),
            java.util.Arrays.asList(null, null))).getMessage());
    assertEquals("all deep-supervision weights are 0: [0.0, 0.0]", assertThrows(IllegalArgumentException.class,
        () -> new DeepSupervisionLoss(new DiceCrossEntropyLoss(false), new double[] {0, 0})).getMessage());
  }
}
