package org.mednext.torch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.mednext.util.Checks;

/**
 * An immutable dense tensor as a checkpoint stores it: element type, shape in PyTorch order (e.g. (N, C, D, H, W);
 * a 0-d tensor has shape {@code []}) and the elements in C order (last index fastest), little-endian.
 */
public final class TensorData {

  /** Most dimensions a tensor may have (PyTorch's own limit is 64 as well). */
  static final int MAX_RANK = 64;
  /** Largest payload, in bytes, that one Java array can hold. */
  static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  private final DType dtype;
  private final long[] shape;
  private final ByteBuffer data;

  private TensorData(DType dtype, long[] shape, ByteBuffer data) {
    this.dtype = dtype;
    this.shape = shape;
    this.data = data;
  }

  /** A float32 tensor of {@code shape} holding {@code values} in C order; both arrays are copied. */
  public static TensorData ofFloats(long[] shape, float[] values) {
    Checks.notNull(values, "values");
    long[] s = checkedShape(DType.FLOAT32, shape);
    Checks.argument(numel(s) == values.length, "shape %s holds %d elements, got %d values",
        Arrays.toString(s), numel(s), values.length);
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return new TensorData(DType.FLOAT32, s, b.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
  }

  /**
   * A tensor of {@code dtype} and {@code shape} whose raw little-endian C-order bytes are the remaining bytes of
   * {@code bytes} (its byte-order setting is ignored; the bytes are copied, its position is not changed).
   */
  public static TensorData of(DType dtype, long[] shape, ByteBuffer bytes) {
    Checks.notNull(dtype, "dtype");
    Checks.notNull(bytes, "bytes");
    long[] s = checkedShape(dtype, shape);
    long n = numel(s) * dtype.elementSize();
    Checks.argument(bytes.remaining() == n, "%s tensor of shape %s needs %d bytes, got %d",
        dtype, Arrays.toString(s), n, bytes.remaining());
    byte[] copy = new byte[(int) n];
    bytes.duplicate().get(copy);
    return wrap(dtype, s, copy);
  }

  /** Takes ownership of {@code bytes} (no copy): for the reader, which allocated them. Shape already checked. */
  static TensorData wrap(DType dtype, long[] checkedShape, byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    return new TensorData(dtype, checkedShape, b);
  }

  /**
   * A copy of {@code shape} after checking rank, non-negative sizes and that the payload fits one Java array.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static long[] checkedShape(DType dtype, long[] shape) {
    Checks.notNull(shape, "shape");
    Checks.argument(shape.length <= MAX_RANK, "a tensor has at most %d dimensions, got %d", MAX_RANK, shape.length);
    long n = 1;
    for (long d : shape) {
      Checks.argument(d >= 0, "tensor sizes must be >= 0: %s", Arrays.toString(shape));
      n = d == 0 || n == 0 ? 0 : (n > MAX_BYTES / d ? MAX_BYTES + 1 : n * d);
    }
    Checks.argument(n <= MAX_BYTES / dtype.elementSize(), "%s tensor of shape %s exceeds %d bytes, the most one "
        + "Java array holds", dtype, Arrays.toString(shape), MAX_BYTES);
    return shape.clone();
  }

  private static long numel(long[] shape) {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  /** The element type. */
  public DType dtype() {
    return dtype;
  }

  /** The sizes in PyTorch order (a copy); empty for a 0-d tensor. */
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements (1 for a 0-d tensor). */
  public long numel() {
    return numel(shape);
  }

  /** The raw C-order bytes: a read-only little-endian view from position 0 (no copy). */
  public ByteBuffer data() {
    return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * All elements as float32 in C order (allocates a new array each time). float16, bfloat16, 8/16-bit integers
   * and bool (0/1) convert exactly; float64, int32 and int64 round to the nearest float.
   */
  public float[] toFloatArray() {
    int n = (int) numel();
    float[] out = new float[n];
    ByteBuffer b = data();
    switch (dtype) {
      case FLOAT32 -> b.asFloatBuffer().get(out);
      case FLOAT64 -> { for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(i * 8); }
      case FLOAT16 -> { for (int i = 0; i < n; i++) out[i] = halfToFloat(b.getShort(i * 2)); }
      case BFLOAT16 -> { for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat(b.getShort(i * 2) << 16); }
      case INT64 -> { for (int i = 0; i < n; i++) out[i] = b.getLong(i * 8); }
      case INT32 -> { for (int i = 0; i < n; i++) out[i] = b.getInt(i * 4); }
      case INT16 -> { for (int i = 0; i < n; i++) out[i] = b.getShort(i * 2); }
      case INT8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i); }
      case UINT8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xFF; }
      case BOOL -> { for (int i = 0; i < n; i++) out[i] = b.get(i) != 0 ? 1f : 0f; }
    }
    return out;
  }

  /** IEEE 754 binary16 bits to float, exactly (subnormals, infinities and NaN payloads included). */
  static float halfToFloat(short half) {
    int bits = half & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1F;
    int mantissa = bits & 0x3FF;
    if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
    if (exp == 0) {
      float v = mantissa * 0x1p-24f; // subnormal or zero: exact, mantissa < 2^10
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mantissa << 13)); // rebias 15 -> 127
  }

  /** Equal when dtype, shape and every byte agree (so NaN equals the same NaN and -0.0 differs from 0.0). */
  @Override
  public boolean equals(Object o) {
    return o instanceof TensorData t && t.dtype == dtype && Arrays.equals(t.shape, shape) && t.data.equals(data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + data.hashCode();
  }

  /** For example {@code TensorData[FLOAT32 [8, 1, 3, 3, 3]]}. */
  @Override
  public String toString() {
    return "TensorData[" + dtype + " " + Arrays.toString(shape) + "]";
  }
}
