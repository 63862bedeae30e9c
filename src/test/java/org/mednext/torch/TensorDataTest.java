package org.mednext.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

/** {@link TensorData}. */
class TensorDataTest {

  @Test
  void convertsHalfPrecisionBitPatternsExactly() {
    // IEEE 754 binary16: 1, -2, largest normal, smallest subnormal, largest subnormal, smallest normal, -0, inf, -inf
    short[] bits = {0x3C00, (short) 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x0400, (short) 0x8000, 0x7C00, (short) 0xFC00};
    float[] expected = {1f, -2f, 65504f, 0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, -0f, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY};
    float[] actual = tensor(DType.FLOAT16, bits).toFloatArray();
    for (int i = 0; i < bits.length; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "bits " + bits[i]);
    }
    assertTrue(Float.isNaN(tensor(DType.FLOAT16, new short[] {0x7E00}).toFloatArray()[0]));
  }

  @Test
  void convertsBfloat16ByWideningTheBits() {
    float[] actual = tensor(DType.BFLOAT16, new short[] {0x3F80, (short) 0xC0A0, 0x0001, 0x7F80}).toFloatArray();
    assertArrayEquals(new float[] {1f, -5f, Float.intBitsToFloat(0x10000), Float.POSITIVE_INFINITY}, actual);
  }

  @Test
  void convertsIntegerAndBoolTypes() {
    assertArrayEquals(new float[] {-128, 127, 0}, bytes(DType.INT8, -128, 127, 0).toFloatArray());
    assertArrayEquals(new float[] {128, 255, 0}, bytes(DType.UINT8, -128, -1, 0).toFloatArray());
    assertArrayEquals(new float[] {1, 0, 1}, bytes(DType.BOOL, 1, 0, 2).toFloatArray());
    ByteBuffer longs = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-3).putLong(1L << 40).flip();
    assertArrayEquals(new float[] {-3, 0x1p40f}, TensorData.of(DType.INT64, new long[] {2}, longs).toFloatArray());
  }

  @Test
  void treatsAZeroDimensionalTensorAsOneElement() {
    TensorData t = TensorData.ofFloats(new long[0], new float[] {3.25f});
    assertEquals(1, t.numel());
    assertArrayEquals(new long[0], t.shape());
    assertEquals("TensorData[FLOAT32 []]", t.toString());
  }

  @Test
  void isImmutable() {
    long[] shape = {2};
    float[] values = {1, 2};
    TensorData t = TensorData.ofFloats(shape, values);
    shape[0] = 5;
    values[0] = 9;
    t.shape()[0] = 7;
    assertArrayEquals(new long[] {2}, t.shape());
    assertArrayEquals(new float[] {1, 2}, t.toFloatArray());
    assertThrows(ReadOnlyBufferException.class, () -> t.data().put(0, (byte) 1));
    ByteBuffer source = ByteBuffer.allocate(2).put(new byte[] {4, 5}).flip();
    TensorData u = TensorData.of(DType.UINT8, new long[] {2}, source);
    source.put(0, (byte) 0);
    assertEquals(0, source.position());
    assertArrayEquals(new float[] {4, 5}, u.toFloatArray());
  }

  @Test
  void comparesByDtypeShapeAndBits() {
    TensorData a = TensorData.ofFloats(new long[] {2}, new float[] {0f, Float.NaN});
    assertEquals(a, TensorData.ofFloats(new long[] {2}, new float[] {0f, Float.NaN}));
    assertEquals(a.hashCode(), TensorData.ofFloats(new long[] {2}, new float[] {0f, Float.NaN}).hashCode());
    assertNotEquals(a, TensorData.ofFloats(new long[] {2}, new float[] {-0f, Float.NaN}));
    assertNotEquals(a, TensorData.ofFloats(new long[] {1, 2}, new float[] {0f, Float.NaN}));
    assertNotEquals(a, TensorData.of(DType.INT32, new long[] {2}, a.data()));
  }

  @Test
  void refusesInconsistentShapesAndSizes() {
    assertEquals("shape [2, 2] holds 4 elements, got 3 values", assertThrows(IllegalArgumentException.class,
        () -> TensorData.ofFloats(new long[] {2, 2}, new float[3])).getMessage());
    assertEquals("FLOAT16 tensor of shape [3] needs 6 bytes, got 4", assertThrows(IllegalArgumentException.class,
        () -> TensorData.of(DType.FLOAT16, new long[] {3}, ByteBuffer.allocate(4))).getMessage());
    assertEquals("tensor sizes must be >= 0: [2, -1]", assertThrows(IllegalArgumentException.class,
        () -> TensorData.ofFloats(new long[] {2, -1}, new float[0])).getMessage());
    assertEquals("FLOAT64 tensor of shape [1073741824] exceeds 2147483639 bytes, the most one Java array holds",
        assertThrows(IllegalArgumentException.class,
            () -> TensorData.of(DType.FLOAT64, new long[] {1L << 30}, ByteBuffer.allocate(0))).getMessage());
    assertEquals("a tensor has at most 64 dimensions, got 65", assertThrows(IllegalArgumentException.class,
        () -> TensorData.ofFloats(new long[65], new float[0])).getMessage());
  }

  private static TensorData tensor(DType dtype, short[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short v : values) b.putShort(v);
    return TensorData.of(dtype, new long[] {values.length}, b.flip());
  }

  private static TensorData bytes(DType dtype, int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < b.length; i++) b[i] = (byte) values[i];
    return TensorData.of(dtype, new long[] {b.length}, ByteBuffer.wrap(b));
  }
}
