package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mednext.testutil.SharedData;

class TileGridTest {

  @Test
  void roundsHalfToEvenLikeNumpy() {
    // S = 13, P = 8, step 0.5: n = 3, delta 2.5 -> starts 0, 2 (not 3), 5
    assertArrayEquals(new int[] {0, 2, 5}, TileGrid.steps(13, 8, 0.5));
    // the MR fixture's axis: S = 121, P = 80 -> delta 20.5 -> 0, 20, 41
    assertArrayEquals(new int[] {0, 20, 41}, TileGrid.steps(121, 80, 0.5));
  }

  @Test
  void singleTileWhenImageEqualsPatch() {
    assertArrayEquals(new int[] {0}, TileGrid.steps(64, 64, 0.5));
  }

  @Test
  void rejectsImagesSmallerThanThePatchAndBadSteps() {
    assertEquals("image size 40 must be >= patch size 48 (pad first)",
        assertThrows(IllegalArgumentException.class, () -> TileGrid.steps(40, 48, 0.5)).getMessage());
    assertEquals("step size must be in (0, 1], got 1.5",
        assertThrows(IllegalArgumentException.class, () -> TileGrid.steps(100, 48, 1.5)).getMessage());
  }

  @Test
  void reproducesTheFixtureTilesInProcessingOrder() throws IOException {
    Path f = SharedData.require("fixtures/nnunet_pipeline/ct_fold0_tta_step050/intermediates/sliding_window.json");
    JsonObject sw = JsonParser.parseString(Files.readString(f)).getAsJsonObject();
    int[] padded = ints(sw.getAsJsonArray("padded_shape"), 1);
    int[] patch = ints(sw.getAsJsonArray("patch_size"), 0);
    TileGrid grid = TileGrid.of(padded, patch, sw.get("tile_step_size").getAsDouble());
    JsonArray expected = sw.getAsJsonArray("tile_starts");
    List<int[]> tiles = grid.tiles();
    assertEquals(expected.size(), tiles.size());
    for (int i = 0; i < tiles.size(); i++) assertArrayEquals(ints(expected.get(i).getAsJsonArray(), 0), tiles.get(i), "tile " + i);
  }

  @Test
  void reproducesTheStepsOfEveryFixtureCase() throws IOException {
    for (String c : new String[] {"ct_fold0_notta_step075", "mr_ch2_fold0_tta_step050", "ct_ensemble_folds01_tta_step050"}) {
      Path f = SharedData.require("fixtures/nnunet_pipeline/" + c + "/case.json");
      JsonObject json = JsonParser.parseString(Files.readString(f)).getAsJsonObject();
      JsonObject facts = json.getAsJsonObject("pipeline_facts");
      double step = json.getAsJsonObject("predictor").getAsJsonObject("settings").get("tile_step_size").getAsDouble();
      TileGrid grid = TileGrid.of(ints(facts.getAsJsonArray("padded_shape"), 1), ints(facts.getAsJsonArray("patch_size"), 0), step);
      JsonArray steps = facts.getAsJsonArray("steps_per_axis");
      for (int d = 0; d < 3; d++) assertArrayEquals(ints(steps.get(d).getAsJsonArray(), 0), grid.steps(d), c + " axis " + d);
    }
  }

  static int[] ints(JsonArray a, int skip) {
    int[] out = new int[a.size() - skip];
    for (int i = 0; i < out.length; i++) out[i] = a.get(i + skip).getAsInt();
    return out;
  }
}
