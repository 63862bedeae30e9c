package org.mednext.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link NpyArray}: construction checks, accessors and half-float decoding. */
class NpyArrayTest {

  @Test
  void rejectsDataOfTheWrongType() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NpyArray.of("f4", new long[] {2}, new double[2]));
    assertEquals("dtype f4 needs a float[], got a double[]", e.getMessage());
  }

  @Test
  void rejectsShapeThatDoesNotMatchTheData() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NpyArray.ofFloats(new long[] {2, 3}, new float[5]));
    assertEquals("shape [2, 3] has 6 elements but the data has 5", e.getMessage());
  }

  @Test
  void floatsGivesTheBackingArrayWithoutCopy() {
    float[] data = {1, 2};
    assertSame(data, NpyArray.ofFloats(new long[] {2}, data).floats());
  }

  @Test
  void floatsOfAnotherDtypePointsToToFloatArray() {
    NpyArray a = NpyArray.of("i2", new long[] {1}, new short[] {-3});
    IllegalStateException e = assertThrows(IllegalStateException.class, a::floats);
    assertEquals("array has dtype i2, not f4; use toFloatArray() to convert", e.getMessage());
    assertArrayEquals(new float[] {-3}, a.toFloatArray());
  }

  @Test
  void readsUnsignedValuesAsUnsigned() {
    NpyArray a = NpyArray.of("u2", new long[] {2}, new short[] {(short) 0xffff, 7});
    assertArrayEquals(new double[] {65535, 7}, a.toDoubleArray());
    NpyArray b = NpyArray.of("u8", new long[] {1}, new long[] {-1L});
    assertEquals(0x1p64, b.getDouble(0));
  }

  /** Half-float bit patterns from IEEE 754 binary16 (independent of the decoder). */
  @Test
  void decodesHalfFloats() {
    assertEquals(1.0f, NpyArray.halfToFloat((short) 0x3c00));
    assertEquals(-2.0f, NpyArray.halfToFloat((short) 0xc000));
    assertEquals(65504f, NpyArray.halfToFloat((short) 0x7bff));
    assertEquals(0x1p-24f, NpyArray.halfToFloat((short) 0x0001));
    assertEquals(0x1p-14f, NpyArray.halfToFloat((short) 0x0400));
    assertEquals(Float.POSITIVE_INFINITY, NpyArray.halfToFloat((short) 0x7c00));
    assertEquals(Float.floatToIntBits(-0.0f), Float.floatToIntBits(NpyArray.halfToFloat((short) 0x8000)));
    assertEquals(true, Float.isNaN(NpyArray.halfToFloat((short) 0x7e00)));
    assertEquals(0.333251953125f, NpyArray.halfToFloat((short) 0x3555));
  }
}
