package org.mednext.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link Transposition}: numpy's {@code transpose(axes)} semantics, checked with coordinate-coded voxels. */
class TranspositionTest {

  /** A volume whose voxel at (a, b, c) holds 10000a + 100b + c. */
  private static float[] coded(int[] shape) {
    float[] v = new float[shape[0] * shape[1] * shape[2]];
    for (int a = 0, i = 0; a < shape[0]; a++)
      for (int b = 0; b < shape[1]; b++)
        for (int c = 0; c < shape[2]; c++, i++) v[i] = 10000 * a + 100 * b + c;
    return v;
  }

  @Test
  void outputAxisKIsInputAxisAxesK() {
    int[] shape = {4, 5, 6};
    int[] axes = {2, 0, 1}; // the CT fixture's transpose_forward
    float[] t = Transposition.apply(coded(shape), shape, axes, 2);
    int[] out = Transposition.shape(shape, axes);
    assertArrayEquals(new int[] {6, 4, 5}, out);
    for (int i = 0, p = 0; i < out[0]; i++)
      for (int j = 0; j < out[1]; j++)
        for (int k = 0; k < out[2]; k++, p++) {
          int[] src = new int[3];
          src[axes[0]] = i;
          src[axes[1]] = j;
          src[axes[2]] = k;
          assertEquals(10000 * src[0] + 100 * src[1] + src[2], t[p], 0);
        }
  }

  @Test
  void backwardUndoesForward() {
    int[] shape = {3, 7, 2};
    int[] forward = {2, 0, 1};
    int[] backward = Transposition.inverse(forward);
    assertArrayEquals(new int[] {1, 2, 0}, backward); // as in the CT fixture's plans
    float[] v = coded(shape);
    float[] t = Transposition.apply(v, shape, forward, 1);
    assertArrayEquals(v, Transposition.apply(t, Transposition.shape(shape, forward), backward, 3));
    short[] labels = new short[v.length];
    for (int i = 0; i < v.length; i++) labels[i] = (short) i;
    short[] lt = Transposition.apply(labels, shape, forward, 2);
    assertArrayEquals(labels, Transposition.apply(lt, Transposition.shape(shape, forward), backward, 2));
    byte[] bytes = new byte[v.length];
    for (int i = 0; i < v.length; i++) bytes[i] = (byte) i;
    byte[] bt = Transposition.apply(bytes, shape, forward, 2);
    assertArrayEquals(bytes, Transposition.apply(bt, Transposition.shape(shape, forward), backward, 1));
  }

  @Test
  void spacingIsPermutedLikeTheAxes() {
    assertArrayEquals(new double[] {3.5, 1.0, 2.0},
        Transposition.spacing(new double[] {1.0, 2.0, 3.5}, new int[] {2, 0, 1}), 0);
  }

  @Test
  void identityReturnsTheSameArray() {
    float[] v = new float[8];
    assertSame(v, Transposition.apply(v, new int[] {2, 2, 2}, new int[] {0, 1, 2}, 1));
  }

  @Test
  void rejectsNonPermutations() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Transposition.inverse(new int[] {0, 0, 2}));
    assertEquals("a transpose must be a permutation of [0, 1, 2], got [0, 0, 2]; "
        + "check the plans' transpose_forward/backward", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Transposition.checkAxes(new int[] {0, 1}));
    assertThrows(IllegalArgumentException.class, () -> Transposition.checkAxes(new int[] {0, 1, 3}));
  }
}
