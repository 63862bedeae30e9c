package org.mednext.train.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mednext.engine.Engines;

/** {@link RegionDiceBceLoss} against nnU-Net's DC_and_BCE_loss on torch 1.13: value and d loss / d logits. */
@Tag("engine")
class RegionDiceBceLossTest {

  @ParameterizedTest
  @ValueSource(strings = {"regions_sample_dice", "regions_batch_dice_ignore"})
  void lossAndGradientMatchTorch(String name) throws Exception {
    JsonObject c = LossFixtures.lossCase(name);
    boolean batchDice = c.get("batch_dice").getAsBoolean();
    Integer ignore = LossFixtures.ignoreLabel(c);
    int[][] regions = LossFixtures.regions(c);
    RegionDiceBceLoss loss = ignore == null ? new RegionDiceBceLoss(regions, batchDice)
        : new RegionDiceBceLoss(regions, batchDice, ignore);
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray logits = LossFixtures.logits(m, c.getAsJsonObject("logits"));
      NDArray labels = LossFixtures.labels(m, c.getAsJsonObject("target"), DataType.INT64);
      try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
        NDArray value = loss.compute(logits, labels);
        LossFixtures.assertLoss(c.get("loss").getAsDouble(), value, name);
        gc.backward(value);
      }
      LossFixtures.assertGradient(c.getAsJsonObject("grad"), logits, name);
    }
  }

  @Test
  void bceStaysFiniteForExtremeLogits() {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray logits = m.create(new float[] {-200f, 200f, 200f, -200f}, new Shape(1, 1, 1, 2, 2));
      NDArray labels = m.create(new int[] {1, 1, 0, 0}, new Shape(1, 1, 1, 2, 2));
      float value = new RegionDiceBceLoss(new int[][] {{1}}, false).compute(logits, labels).getFloat();
      // BCE: two voxels cost 200 each, two cost ~0 -> mean 100; Dice: I = 1, P = 2, G = 2 -> 2/4
      assertEquals(100 - 0.5, value, 1e-4);
    }
  }

  @Test
  void rejectsAnIgnoreLabelInsideARegionAndAChannelCountMismatch() {
    assertEquals("the ignore label 3 is part of a region", assertThrows(IllegalArgumentException.class,
        () -> new RegionDiceBceLoss(new int[][] {{1, 2, 3}, {3}}, false, 3)).getMessage());
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray logits = m.zeros(new Shape(1, 3, 2, 2, 2));
      NDArray labels = m.zeros(new Shape(1, 1, 2, 2, 2), DataType.INT32);
      assertEquals("logits have 3 channels for 2 regions", assertThrows(IllegalArgumentException.class,
          () -> new RegionDiceBceLoss(new int[][] {{1, 2}, {2}}, true).compute(logits, labels)).getMessage());
    }
  }
}
