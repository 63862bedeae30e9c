package org.mednext.preprocess;

/**
 * IEEE 754 binary16 ("fp16", numpy {@code float16}) conversions, bit-exact with numpy.
 *
 * <p>Rounding is to nearest, ties to even, with subnormals; values from 65520 up overflow to infinity; NaN
 * keeps its sign and the top mantissa bits (a payload that would vanish becomes 1, so NaN stays NaN). A
 * {@code double} is rounded to fp16 directly, as numpy's {@code float64 -> float16} cast does; going through
 * {@code float} first would round twice and can differ. Java 20+ has {@code Float.floatToFloat16}; this class
 * exists because the project targets Java 17 (it may move to a shared package later).
 */
public final class Half {

  private Half() {}

  /** The fp16 bits nearest to {@code value}. */
  public static short fromFloat(float value) {
    if (Float.isNaN(value)) {
      int bits = Float.floatToRawIntBits(value);
      return nan((bits >>> 16) & 0x8000, (bits & 0x007f_ffff) >>> 13);
    }
    return fromFinitePart(value);
  }

  /** The fp16 bits nearest to {@code value}, rounded once (not via {@code float}). */
  public static short fromDouble(double value) {
    if (Double.isNaN(value)) {
      long bits = Double.doubleToRawLongBits(value);
      return nan((int) (bits >>> 48) & 0x8000, (int) ((bits & 0x000f_ffff_ffff_ffffL) >>> 42));
    }
    return fromFinitePart(value);
  }

  /** The exact {@code float} value of the fp16 {@code bits}. */
  public static float toFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x03ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f80_0000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f; // exact: at most 10 significant bits
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** {@code value} rounded to the nearest fp16 value, returned as a {@code float}. */
  public static float round(double value) {
    return toFloat(fromDouble(value));
  }

  /** {@code value} rounded to the nearest fp16 value, returned as a {@code float}. */
  public static float round(float value) {
    return toFloat(fromFloat(value));
  }

  private static short nan(int sign, int payload) {
    return (short) (sign | 0x7c00 | (payload == 0 ? 1 : payload));
  }

  /** Handles infinities, zeros, subnormals and normals; {@code value} is not NaN. */
  private static short fromFinitePart(double value) {
    int sign = (Double.doubleToRawLongBits(value) >>> 63) == 0 ? 0 : 0x8000;
    double magnitude = Math.abs(value);
    int exponent = Math.getExponent(magnitude);
    if (exponent > 15) {
      return (short) (sign | 0x7c00); // also infinity itself
    }
    if (exponent < -14) {
      // subnormal range: units of 2^-24; rint rounds half to even, and a result of 1024 is exactly the
      // smallest normal's bit pattern
      return (short) (sign | (int) Math.rint(magnitude * 0x1p24));
    }
    // normal: 11 significant bits; a carry to 2048 moves into the exponent field, and from exponent 15
    // into the infinity pattern, which is exactly what round-to-nearest-even overflow must give
    int significand = (int) Math.rint(Math.scalb(magnitude, 10 - exponent));
    return (short) (sign | (((exponent + 15) << 10) + (significand - 1024)));
  }
}
