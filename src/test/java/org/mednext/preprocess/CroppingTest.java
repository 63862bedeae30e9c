package org.mednext.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mednext.preprocess.NpyTestFiles.Array;

/** {@link Cropping} against scipy/numpy: {@code cropping.npz} from tools/fixtures/make_preprocess_fixtures.py. */
class CroppingTest {

  private static Map<String, Array> ref;

  @BeforeAll
  static void load() throws IOException {
    ref = NpyTestFiles.resourceNpz("cropping.npz");
  }

  private static boolean[] bools(Array a) {
    byte[] b = a.bytes();
    boolean[] out = new boolean[b.length];
    for (int i = 0; i < b.length; i++) out[i] = b[i] != 0;
    return out;
  }

  @Test
  void fillHolesMatchesScipyBinaryFillHoles() {
    TreeSet<String> names = new TreeSet<>();
    for (String k : ref.keySet()) if (k.startsWith("fill") && k.endsWith("_in")) names.add(k.substring(0, k.length() - 3));
    assertFalse(names.isEmpty());
    for (String c : names) {
      Array in = ref.get(c + "_in");
      boolean[] mask = bools(in);
      Cropping.fillHoles(mask, in.shape());
      assertArrayEquals(bools(ref.get(c + "_out")), mask, c);
    }
  }

  @Test
  void cropToNonzeroMatchesNnUnet() {
    for (int i = 0; i < 3; i++) {
      Array in = ref.get("crop" + i + "_in");
      int[] full = in.shape();
      int[] shape = Arrays.copyOfRange(full, 1, 4);
      int n = shape[0] * shape[1] * shape[2];
      float[] all = in.floats();
      float[][] channels = new float[full[0]][];
      for (int c = 0; c < full[0]; c++) channels[c] = Arrays.copyOfRange(all, c * n, (c + 1) * n);
      Cropping.Result r = Cropping.cropToNonzero(channels, shape, 2);
      int[] bbox = toInts(ref.get("crop" + i + "_bbox")); // [[start, end] per axis]
      BoundingBox expected = BoundingBox.of(new int[] {bbox[0], bbox[2], bbox[4]}, new int[] {bbox[1], bbox[3], bbox[5]});
      assertEquals(expected, r.boundingBox(), "crop" + i);
      assertArrayEquals(ref.get("crop" + i + "_seg").bytes(), r.helperSeg(), "crop" + i + " helper seg");
      assertArrayEquals(shape, r.shapeBefore());
      assertArrayEquals(expected.shape(), r.shapeAfter());
      for (int c = 0; c < full[0]; c++) {
        float[] back = Cropping.uncrop(r.channels()[c], r.boundingBox(), shape, 0f, 3);
        // everything outside the box is zero in these inputs, so un-cropping restores the channel
        float[] orig = channels[c].clone();
        for (int v = 0; v < orig.length; v++) if (orig[v] == 0) orig[v] = 0f; // the -0.0 outside comes back as 0.0
        assertArrayEquals(orig, back, "crop" + i + " channel " + c);
      }
    }
  }

  private static int[] toInts(Array a) {
    double[] d = a.doubles();
    int[] out = new int[d.length];
    for (int i = 0; i < d.length; i++) out[i] = (int) d[i];
    return out;
  }

  @Test
  void cropToNonzeroKeepsTheChannelArraysWhenNothingIsCropped() {
    float[] ch = {1, 2, 3, 4, 5, 6, 7, 8};
    Cropping.Result r = Cropping.cropToNonzero(new float[][] {ch}, new int[] {2, 2, 2}, 1);
    assertSame(ch, r.channels()[0]);
    assertEquals(BoundingBox.full(new int[] {2, 2, 2}), r.boundingBox());
  }

  @Test
  void emptyMaskGivesTheWholeImageAndAllOutside() {
    Cropping.Result r = Cropping.cropToNonzero(new float[][] {new float[24]}, new int[] {2, 3, 4}, 1);
    assertEquals("[[0, 2], [0, 3], [0, 4]]", r.boundingBox().toString());
    byte[] allOutside = new byte[24];
    Arrays.fill(allOutside, (byte) -1);
    assertArrayEquals(allOutside, r.helperSeg());
  }

  @Test
  void uncropPastesLabelsIntoZeros() {
    BoundingBox box = BoundingBox.of(new int[] {1, 0, 2}, new int[] {2, 2, 4});
    short[] back = Cropping.uncrop(new short[] {1, 2, 3, 4}, box, new int[] {3, 2, 4}, 1);
    short[] expected = new short[24];
    expected[8 + 2] = 1;
    expected[8 + 3] = 2;
    expected[12 + 2] = 3;
    expected[12 + 3] = 4;
    assertArrayEquals(expected, back);
    float[] probs = Cropping.uncrop(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, box, new int[] {3, 2, 4}, 1f, 2);
    assertEquals(20 + 4 * 0.5, sum(probs), 0);
  }

  private static double sum(float[] v) {
    double s = 0;
    for (float x : v) s += x;
    return s;
  }

  @Test
  void marksBackgroundOutsideTheMask() {
    short[] labels = {0, 0, 2, 1};
    Cropping.markBackgroundOutsideMask(labels, new byte[] {0, -1, -1, 0});
    assertArrayEquals(new short[] {0, -1, 2, 1}, labels);
  }

  @Test
  void fillingDoesNotDependOnTheThreadCount() {
    Random r = new Random(3);
    int[] shape = {17, 19, 23};
    float[][] ch = new float[2][17 * 19 * 23];
    for (float[] c : ch) for (int i = 0; i < c.length; i++) c[i] = r.nextFloat() < 0.4 ? 0 : r.nextFloat();
    Cropping.Result one = Cropping.cropToNonzero(ch, shape, 1);
    Cropping.Result three = Cropping.cropToNonzero(ch, shape, 3);
    assertEquals(one.boundingBox(), three.boundingBox());
    assertArrayEquals(one.helperSeg(), three.helperSeg());
  }

  @Test
  void rejectsABoxOutsideTheVolume() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Cropping.crop(new float[8], new int[] {2, 2, 2}, BoundingBox.of(new int[3], new int[] {2, 2, 3}), 1));
    assertEquals("bounding box [[0, 2], [0, 2], [0, 3]] does not fit in shape [2, 2, 2]", e.getMessage());
  }
}
