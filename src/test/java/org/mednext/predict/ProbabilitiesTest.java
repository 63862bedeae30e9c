package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mednext.preprocess.BoundingBox;
import org.mednext.util.Half;

/**
 * {@link Probabilities}: each class's map, held or made from the kept fp16 logits (softmax or sigmoid), pasted into
 * the uncropped grid, filled outside the box, transposed back.
 */
class ProbabilitiesTest {

  /** Network-order grid (a, b, c) = (2, 3, 4); crop box [1, 2) x [1, 3) x [0, 3); back to the input by (1, 2, 0). */
  private static final int[] BEFORE = {2, 3, 4};
  private static final BoundingBox BOX = BoundingBox.of(new int[] {1, 1, 0}, new int[] {2, 3, 3});
  private static final int[] BACKWARD = {1, 2, 0};

  @Test
  void eachClassIsPastedFilledAndTransposedAsTheInputIsOrdered() {
    short[][] logits = {logits(0), logits(-2)};
    Probabilities p = softmax(logits, BOX, BEFORE, BACKWARD, 2);
    assertEquals(2, p.classes());
    assertArrayEquals(new int[] {3, 4, 2}, p.shape());
    float[] background = p.cropped(0, new float[6]);
    float[] other = p.cropped(1, new float[6]);
    for (int i = 0; i < 6; i++) {
      double e = Math.exp(Half.toFloat(logits[1][i]) - Half.toFloat(logits[0][i]));
      assertEquals(1 / (1 + e), background[i], 1e-7);
      assertEquals(e / (1 + e), other[i], 1e-7);
    }
    assertArrayEquals(expected(background, 1f), p.get(0), "background: certain outside the box");
    assertArrayEquals(expected(other, 0f), p.get(1));
    for (int pass = 0; pass < 2; pass++) { // twice: the maps are made again, not used up
      int k = 0;
      for (float[] map : p.maps()) assertArrayEquals(p.get(k++), map, "class " + (k - 1));
      assertEquals(2, k);
    }
  }

  @Test
  void mapsThatNeedNeitherPasteNorTransposeAreMadeIntoOneBuffer() {
    short[][] logits = {logits(0), logits(1), logits(3)};
    Probabilities p = softmax(logits, BoundingBox.of(new int[3], new int[] {1, 2, 3}), new int[] {1, 2, 3},
        new int[] {0, 1, 2}, 1);
    float[] first = null;
    int k = 0;
    for (float[] map : p.maps()) {
      assertArrayEquals(p.get(k++), map);
      if (first == null) first = map;
      assertSame(first, map, "one buffer for all classes");
    }
    assertNotSame(p.get(1), p.get(1), "get gives a new array");
  }

  @Test
  void heldMapsArePastedFilledAndTransposedAndGivenAsTheyAreWhenNothingIsToDo() {
    float[][] maps = {{0.25f, 0.5f, 1, 0, 0.125f, 0.75f}, {0.75f, 0.5f, 0, 1, 0.875f, 0.25f}};
    Probabilities p = Probabilities.softmax(maps, BOX, BEFORE, BACKWARD, 2);
    assertArrayEquals(expected(maps[0], 1f), p.get(0));
    assertArrayEquals(expected(maps[1], 0f), p.get(1));
    Probabilities whole = Probabilities.softmax(maps, BoundingBox.of(new int[3], new int[] {1, 2, 3}),
        new int[] {1, 2, 3}, new int[] {0, 1, 2}, 1);
    int k = 0;
    for (float[] map : whole.maps()) assertSame(maps[k++], map);
    assertArrayEquals(maps[1], whole.get(1));
    assertNotSame(maps[1], whole.get(1), "get gives a copy");
  }

  @Test
  void regionModelsHaveSigmoidsInsideTheBoxAndNothingOutside() {
    short[][] logits = {logits(-3)};
    Probabilities p = Probabilities.sigmoid(logits, BOX, BEFORE, BACKWARD, 1);
    float[] inside = new float[6];
    for (int i = 0; i < 6; i++) inside[i] = (float) (1 / (1 + Math.exp(-Half.toFloat(logits[0][i]))));
    assertArrayEquals(expected(inside, 0f), p.get(0));
  }

  private static Probabilities softmax(short[][] logits, BoundingBox box, int[] before, int[] backward, int threads) {
    int n = logits[0].length;
    float[] max = new float[n];
    float[] sum = new float[n];
    Softmax.argmax(logits, max, sum, threads);
    return Probabilities.softmax(logits, max, sum, box, before, backward, threads);
  }

  /** The 6 voxels of the box, (a, b, c) C order, as fp16. */
  private static short[] logits(int offset) {
    short[] v = new short[6];
    for (int i = 0; i < v.length; i++) v[i] = Half.fromFloat((offset + i) * 0.75f);
    return v;
  }

  /** Written out index by index: out[i][j][k] = full[k][i][j] for backward (1, 2, 0) (numpy's transpose). */
  private static float[] expected(float[] cropped, float fill) {
    float[][][] full = new float[2][3][4];
    for (float[][] plane : full) {
      for (float[] row : plane) Arrays.fill(row, fill);
    }
    for (int a = 0, n = 0; a < 1; a++) {
      for (int b = 0; b < 2; b++) {
        for (int c = 0; c < 3; c++) full[1 + a][1 + b][c] = cropped[n++];
      }
    }
    float[] out = new float[24];
    int n = 0;
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        for (int k = 0; k < 2; k++) out[n++] = full[k][i][j];
      }
    }
    return out;
  }
}
