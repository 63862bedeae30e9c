package org.mednext.train.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

/** {@link OnlineDice}: nnU-Net's epoch pseudo Dice (numpy reference in loss_fixtures.json) and its moving average. */
class OnlineDiceTest {

  private static DiceCounts counts(long tp, long fp, long fn) {
    return new DiceCounts(new long[] {tp}, new long[] {fp}, new long[] {fn});
  }

  @Test
  void epochDiceSumsTheBatchesBeforeTheRatioLikeNnUnet() throws Exception {
    JsonObject ref = LossFixtures.root().getAsJsonObject("pseudo_dice");
    OnlineDice dice = new OnlineDice();
    for (JsonElement e : ref.getAsJsonArray("batches")) {
      JsonObject b = e.getAsJsonObject();
      dice.add(new DiceCounts(DiceCountsTest.longs(b.getAsJsonArray("tp")),
          DiceCountsTest.longs(b.getAsJsonArray("fp")), DiceCountsTest.longs(b.getAsJsonArray("fn"))));
    }
    OnlineDice.Epoch epoch = dice.endEpoch();
    JsonArray perClass = ref.getAsJsonArray("dice_per_class");
    double[] expected = new double[perClass.size()];
    for (int i = 0; i < expected.length; i++) expected[i] = perClass.get(i).getAsDouble();
    assertArrayEquals(expected, epoch.dicePerClass(), 1e-15);
    assertEquals(ref.get("mean_fg_dice").getAsDouble(), epoch.meanForegroundDice(), 1e-15);
    assertEquals(epoch.meanForegroundDice(), epoch.ema(), "the first epoch starts the average");
    assertTrue(epoch.newBest());
  }

  @Test
  void movingAverageIsPointNineOldPlusPointOneNewAndBestMustBeStrictlyLarger() {
    OnlineDice dice = new OnlineDice();
    dice.add(counts(1, 1, 0)); // 2/3
    assertEquals(2 / 3.0, dice.endEpoch().ema(), 1e-15);
    dice.add(counts(0, 1, 1)); // 0
    OnlineDice.Epoch second = dice.endEpoch();
    assertEquals(0.9 * (2 / 3.0), second.ema(), 1e-15);
    assertFalse(second.newBest());
    dice.add(counts(5, 0, 0)); // 1
    OnlineDice.Epoch third = dice.endEpoch();
    assertEquals(0.9 * 0.9 * (2 / 3.0) + 0.1, third.ema(), 1e-15);
    assertFalse(third.newBest(), "0.64 < 0.667");
    assertEquals(2 / 3.0, dice.bestEma(), 1e-15);
  }

  @Test
  void classesAbsentEverywhereAreLeftOutOfTheMean() {
    OnlineDice dice = new OnlineDice();
    dice.add(new DiceCounts(new long[] {1, 0}, new long[] {0, 0}, new long[] {1, 0}));
    OnlineDice.Epoch e = dice.endEpoch();
    assertTrue(Double.isNaN(e.dicePerClass()[1]));
    assertEquals(2 / 3.0, e.meanForegroundDice(), 1e-15);
  }

  @Test
  void restoreContinuesTheAverageAndBest() {
    OnlineDice dice = new OnlineDice();
    dice.restore(0.5, 0.6);
    dice.add(counts(1, 0, 0));
    OnlineDice.Epoch e = dice.endEpoch();
    assertEquals(0.55, e.ema(), 1e-15);
    assertFalse(e.newBest());
    assertEquals("no validation batch was added in this epoch",
        assertThrows(IllegalStateException.class, dice::endEpoch).getMessage());
  }
}
