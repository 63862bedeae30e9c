package org.mednext.train.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mednext.engine.Engines;

/** {@link DiceCounts} against nnUNetTrainer.validation_step's tp/fp/fn on torch 1.13 (loss_fixtures.json). */
class DiceCountsTest {

  static long[] longs(JsonArray a) {
    long[] l = new long[a.size()];
    for (int i = 0; i < l.length; i++) l[i] = (long) a.get(i).getAsDouble();
    return l;
  }

  static void assertCounts(JsonObject expected, DiceCounts counts) {
    assertArrayEquals(longs(expected.getAsJsonArray("tp")), counts.tp(), "tp");
    assertArrayEquals(longs(expected.getAsJsonArray("fp")), counts.fp(), "fp");
    assertArrayEquals(longs(expected.getAsJsonArray("fn")), counts.fn(), "fn");
  }

  @Tag("engine")
  @Test
  void softmaxCountsMatchNnUnetWithAndWithoutIgnoreLabel() throws Exception {
    JsonArray batches = LossFixtures.root().getAsJsonObject("pseudo_dice").getAsJsonArray("batches");
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      for (JsonElement e : batches) {
        JsonObject b = e.getAsJsonObject();
        NDArray logits = LossFixtures.logits(m, b.getAsJsonObject("logits"));
        NDArray labels = LossFixtures.labels(m, b.getAsJsonObject("target"), DataType.INT32);
        Integer ignore = LossFixtures.ignoreLabel(b);
        int before = m.getManagedArrays().size();
        DiceCounts counts = ignore == null ? DiceCounts.ofSoftmax(logits, labels)
            : DiceCounts.ofSoftmax(logits, labels, ignore);
        assertEquals(before, m.getManagedArrays().size(), "no array left behind");
        assertCounts(b, counts);
      }
    }
  }

  @Tag("engine")
  @Test
  void regionCountsMatchNnUnet() throws Exception {
    JsonObject b = LossFixtures.root().getAsJsonObject("pseudo_dice").getAsJsonObject("region_batch");
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray logits = LossFixtures.logits(m, b.getAsJsonObject("logits"));
      NDArray labels = LossFixtures.labels(m, b.getAsJsonObject("target"), DataType.INT64);
      assertCounts(b, DiceCounts.ofRegions(logits, labels, LossFixtures.regions(b), 9));
    }
  }

  @Test
  void sumsAndDiceFollowTheFormula() {
    DiceCounts a = new DiceCounts(new long[] {3, 0}, new long[] {1, 0}, new long[] {1, 0});
    DiceCounts sum = a.plus(new DiceCounts(new long[] {1, 0}, new long[] {0, 0}, new long[] {2, 0}));
    assertArrayEquals(new long[] {4, 0}, sum.tp());
    assertArrayEquals(new long[] {1, 0}, sum.fp());
    assertArrayEquals(new long[] {3, 0}, sum.fn());
    double[] dice = sum.dice();
    assertEquals(8.0 / 12, dice[0], 1e-15);
    assertTrue(Double.isNaN(dice[1]), "a class absent everywhere has no Dice");
    assertEquals("cannot add counts of 1 classes to counts of 2", assertThrows(IllegalArgumentException.class,
        () -> a.plus(new DiceCounts(new long[1], new long[1], new long[1]))).getMessage());
  }
}
