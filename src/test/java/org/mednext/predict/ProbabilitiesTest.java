package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mednext.preprocess.BoundingBox;

/** {@link Probabilities}: each class's map pasted into the uncropped grid, filled outside the box, transposed back. */
class ProbabilitiesTest {

  /** Network-order grid (a, b, c) = (2, 3, 4); crop box [1, 2) x [1, 3) x [0, 3); back to the input by (1, 2, 0). */
  private static final int[] BEFORE = {2, 3, 4};
  private static final BoundingBox BOX = BoundingBox.of(new int[] {1, 1, 0}, new int[] {2, 3, 3});
  private static final int[] BACKWARD = {1, 2, 0};

  @Test
  void eachClassIsPastedFilledAndTransposedAsTheInputIsOrdered() {
    float[][] cropped = {values(0), values(100)};
    Probabilities p = new Probabilities(cropped, BOX, BEFORE, BACKWARD, false, 2);
    assertEquals(2, p.classes());
    assertArrayEquals(new int[] {3, 4, 2}, p.shape());
    assertArrayEquals(expected(cropped[0], 1f), p.get(0), "background: certain outside the box");
    assertArrayEquals(expected(cropped[1], 0f), p.get(1));
    for (int pass = 0; pass < 2; pass++) { // twice: the maps are made again, not used up
      int k = 0;
      for (float[] map : p.maps()) assertArrayEquals(p.get(k++), map, "class " + (k - 1));
      assertEquals(2, k);
    }
  }

  @Test
  void mapsThatNeedNeitherPasteNorTransposeAreTheHeldOnes() {
    float[][] cropped = {values(0), values(6)};
    Probabilities p = new Probabilities(cropped, BoundingBox.of(new int[3], new int[] {1, 2, 3}),
        new int[] {1, 2, 3}, new int[] {0, 1, 2}, false, 1);
    int k = 0;
    for (float[] map : p.maps()) assertSame(cropped[k++], map);
    assertArrayEquals(cropped[1], p.get(1));
    assertNotSame(cropped[1], p.get(1), "get gives a copy");
  }

  @Test
  void regionModelsHaveNothingOutsideTheBox() {
    float[][] cropped = {values(0)};
    Probabilities p = new Probabilities(cropped, BOX, BEFORE, BACKWARD, true, 1);
    assertArrayEquals(expected(cropped[0], 0f), p.get(0));
  }

  /** The 6 voxels of the box, (a, b, c) C order. */
  private static float[] values(int offset) {
    float[] v = new float[6];
    for (int i = 0; i < v.length; i++) v[i] = offset + i + 1;
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
