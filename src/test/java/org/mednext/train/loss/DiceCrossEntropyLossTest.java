package org.mednext.train.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mednext.engine.Engines;

/** {@link DiceCrossEntropyLoss} against nnU-Net's DC_and_CE_loss on torch 1.13: value and d loss / d logits. */
@Tag("engine")
class DiceCrossEntropyLossTest {

  @ParameterizedTest
  @ValueSource(strings = {"k2_sample_dice", "k3_batch_dice", "k5_sample_dice", "k4_batch_dice_b1",
      "k3_ignore_sample_dice", "k3_ignore_batch_dice", "k3_all_ignored"})
  void lossAndGradientMatchTorch(String name) throws Exception {
    JsonObject c = LossFixtures.lossCase(name);
    boolean batchDice = c.get("batch_dice").getAsBoolean();
    Integer ignore = LossFixtures.ignoreLabel(c);
    DiceCrossEntropyLoss loss = ignore == null ? new DiceCrossEntropyLoss(batchDice)
        : new DiceCrossEntropyLoss(batchDice, ignore);
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray logits = LossFixtures.logits(m, c.getAsJsonObject("logits"));
      NDArray labels = LossFixtures.labels(m, c.getAsJsonObject("target"), DataType.INT32);
      try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
        NDArray value = loss.compute(logits, labels);
        LossFixtures.assertLoss(c.get("loss").getAsDouble(), value, name);
        gc.backward(value);
      }
      LossFixtures.assertGradient(c.getAsJsonObject("grad"), logits, name);
    }
  }

  @Test
  void acceptsFloatAndInt64LabelsAlike() throws Exception {
    JsonObject c = LossFixtures.lossCase("k3_batch_dice");
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray logits = LossFixtures.logits(m, c.getAsJsonObject("logits"));
      for (DataType t : new DataType[] {DataType.FLOAT32, DataType.INT64, DataType.UINT8}) {
        NDArray labels = LossFixtures.labels(m, c.getAsJsonObject("target"), t);
        LossFixtures.assertLoss(c.get("loss").getAsDouble(), new DiceCrossEntropyLoss(true).compute(logits, labels),
            t.toString());
      }
    }
  }

  @Test
  void leavesOnlyTheResultInTheLogitsManager() throws Exception {
    JsonObject c = LossFixtures.lossCase("k3_ignore_batch_dice");
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray logits = LossFixtures.logits(m, c.getAsJsonObject("logits"));
      NDArray labels = LossFixtures.labels(m, c.getAsJsonObject("target"), DataType.INT32);
      int before = m.getManagedArrays().size();
      NDArray value = new DiceCrossEntropyLoss(true, 7).compute(logits, labels);
      assertEquals(before + 1, m.getManagedArrays().size());
      assertEquals(m, value.getManager());
    }
  }

  @Test
  void resultJoinsTheCallersScopeAndBackwardWorksInsideIt() throws Exception {
    JsonObject c = LossFixtures.lossCase("k5_sample_dice");
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray logits = LossFixtures.logits(m, c.getAsJsonObject("logits"));
      NDArray labels = LossFixtures.labels(m, c.getAsJsonObject("target"), DataType.INT32);
      NDArray value;
      try (NDScope scope = new NDScope(); GradientCollector gc = Engines.pytorch().newGradientCollector()) {
        value = new DiceCrossEntropyLoss(false).compute(logits, labels);
        gc.backward(value);
      }
      assertTrue(value.isReleased(), "the caller's scope frees the loss");
      LossFixtures.assertGradient(c.getAsJsonObject("grad"), logits, "inside a scope");
    }
  }

  @Test
  void rejectsLabelsOfAnotherShapeOrOutsideTheClasses() {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray logits = m.zeros(new Shape(2, 3, 4, 4, 4));
      DiceCrossEntropyLoss loss = new DiceCrossEntropyLoss(false);
      assertEquals("labels (2, 4, 4, 4) do not fit logits (2, 3, 4, 4, 4): expected labels (B, 1, spatial...) with "
          + "the logits' batch and spatial sizes", assertThrows(IllegalArgumentException.class,
              () -> loss.compute(logits, m.zeros(new Shape(2, 4, 4, 4), DataType.INT32))).getMessage());
      NDArray three = m.full(new Shape(2, 1, 4, 4, 4), 3, DataType.INT32);
      assertEquals("labels must be in [0, 3), found values from 3 to 3",
          assertThrows(IllegalArgumentException.class, () -> loss.compute(logits, three)).getMessage());
      assertEquals("the ignore label 2 is one of the 3 predicted classes", assertThrows(
          IllegalArgumentException.class, () -> new DiceCrossEntropyLoss(false, 2).compute(logits, three))
          .getMessage());
    }
  }

  @Test
  void perfectPredictionGivesMinusOnePlusTinyCrossEntropy() {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      // labels 0,1 alternating along x; logits +-20 favour the right class everywhere
      NDArray labels = m.arange(0, 16, 1, DataType.INT32).reshape(1, 1, 1, 4, 4).toType(DataType.INT64, false)
          .mod(2);
      NDArray one = labels.toType(DataType.FLOAT32, false).mul(40).sub(20);
      NDArray logits = one.neg().concat(one, 1);
      float value = new DiceCrossEntropyLoss(false).compute(logits, labels).getFloat();
      // CE = log(1 + e^-40) ~ 4e-18; Dice of class 1: (2*8 + 1e-5) / (8 + 8 + 1e-5) = 1
      assertEquals(-1.0, value, 1e-6);
    }
  }
}
