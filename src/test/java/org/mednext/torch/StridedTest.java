package org.mednext.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Strided#gather}: as_strided semantics and bounds checks. */
class StridedTest {

  private static final PickleContext CTX = new PickleContext("f.pth", "f/data.pkl");
  private static final Strided.Budget UNLIMITED = bytes -> { };

  @Test
  void matchesTheAsStridedDefinitionForRandomViews() throws Exception {
    Random random = new Random(7);
    for (int n = 0; n < 3000; n++) {
      int rank = random.nextInt(5);
      long[] size = new long[rank];
      long[] stride = new long[rank];
      long last = random.nextInt(6);
      long offset = last;
      boolean empty = false;
      for (int d = 0; d < rank; d++) {
        size[d] = random.nextInt(5);
        stride[d] = random.nextInt(8);
        empty |= size[d] == 0;
        last += Math.max(size[d] - 1, 0) * stride[d];
      }
      int numel = (int) last + 1 + random.nextInt(3);
      Globals.Storage s = int16Storage(numel);

      TensorData t = Strided.gather(CTX, s, offset, size, stride, UNLIMITED);

      short[] expected = new short[empty ? 0 : (int) Strided.numel(size)];
      int[] next = {0};
      if (!empty) reference(offset, size, stride, 0, expected, next);
      assertArrayEquals(expected, shorts(t), "offset " + offset + " size " + java.util.Arrays.toString(size)
          + " stride " + java.util.Arrays.toString(stride));
      assertArrayEquals(size, t.shape());
    }
  }

  /** Element index of the storage for each C-order position: offset + sum(i_d * stride_d); value = index. */
  private static void reference(long base, long[] size, long[] stride, int d, short[] out, int[] next) {
    if (d == size.length) {
      out[next[0]++] = (short) base;
      return;
    }
    for (long i = 0; i < size[d]; i++) reference(base + i * stride[d], size, stride, d + 1, out, next);
  }

  @Test
  void acceptsAnEmptyViewAtTheEndOfItsStorage() throws Exception {
    TensorData t = Strided.gather(CTX, int16Storage(4), 4, new long[] {0, 3}, new long[] {3, 1}, UNLIMITED);
    assertEquals(0, t.numel());
  }

  @Test
  void refusesViewsOutsideTheStorageOrWithNegativeSteps() {
    Globals.Storage s = int16Storage(10);
    assertRefused("tensor (offset 1, size [10], stride [1]) reaches element 10, outside storage 'k' (10 x INT16): "
        + "the file is corrupt", s, 1, new long[] {10}, new long[] {1});
    assertRefused("tensor (offset 11, size [0], stride [1]) reaches element 11, outside storage 'k' (10 x INT16): "
        + "the file is corrupt", s, 11, new long[] {0}, new long[] {1});
    assertRefused("negative stride [-1] for a tensor in storage 'k' (10 x INT16)", s, 9, new long[] {2},
        new long[] {-1});
    assertRefused("negative storage offset -1 for a tensor in storage 'k' (10 x INT16)", s, -1, new long[] {1},
        new long[] {1});
    assertRefused("tensor stride [4611686018427387904, 1] overflows for size [3, 1] in storage 'k' (10 x INT16)", s, 0,
        new long[] {3, 1}, new long[] {1L << 62, 1});
    assertRefused("tensor size [2] and stride [1, 1] differ in length", s, 0, new long[] {2}, new long[] {1, 1});
    assertRefused("invalid tensor in storage 'k' (10 x INT16): tensor sizes must be >= 0: [-2]", s, 0,
        new long[] {-2}, new long[] {1});
  }

  @Test
  void chargesTheBudgetOnlyForCopies() throws Exception {
    Globals.Storage s = int16Storage(6);
    long[] charged = {0};
    Strided.Budget budget = bytes -> charged[0] += bytes;
    Strided.gather(CTX, s, 0, new long[] {2, 3}, new long[] {3, 1}, budget); // the whole storage: shared
    assertEquals(0, charged[0]);
    Strided.gather(CTX, s, 0, new long[] {3, 2}, new long[] {1, 3}, budget); // transposed: copied
    assertEquals(12, charged[0]);
  }

  private static void assertRefused(String message, Globals.Storage s, long offset, long[] size, long[] stride) {
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> Strided.gather(CTX, s, offset, size, stride, UNLIMITED));
    assertEquals("f.pth: " + message + " (at byte 0 of f/data.pkl)", e.getMessage());
  }

  /** A storage whose element i holds the value i. */
  private static Globals.Storage int16Storage(int numel) {
    ByteBuffer b = ByteBuffer.allocate(numel * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < numel; i++) b.putShort((short) i);
    return new Globals.Storage(DType.INT16, "k", numel, b.array());
  }

  private static short[] shorts(TensorData t) {
    short[] out = new short[(int) t.numel()];
    t.data().asShortBuffer().get(out);
    return out;
  }
}
