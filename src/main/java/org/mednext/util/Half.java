package org.mednext.util;

/**
 * IEEE 754 binary16 ("fp16", numpy float16, torch.half) conversions with round-to-nearest-even and subnormals,
 * the arithmetic nnU-Net's fp16 accumulators use. Java 17 has no {@code Float.floatToFloat16}; these are exact
 * equivalents. Values are carried as the 16 raw bits in a {@code short}.
 */
public final class Half {

  private static final float[] TO_FLOAT = new float[65536];

  static {
    for (int i = 0; i < 65536; i++) TO_FLOAT[i] = decode((short) i);
  }

  private Half() {}

  /** The float value of fp16 bits (exact). */
  public static float toFloat(short bits) {
    return TO_FLOAT[bits & 0xffff];
  }

  private static float decode(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13)); // inf / NaN
    if (exp == 0) {
      float v = mant * 0x1p-24f; // subnormal or zero: exact in float
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** The fp16 nearest to {@code f} (ties to even; overflow to infinity; NaN stays NaN). */
  public static short fromFloat(float f) {
    int x = Float.floatToRawIntBits(f);
    int sign = (x >>> 16) & 0x8000;
    int exp = (x >>> 23) & 0xff;
    int mant = x & 0x7fffff;
    if (exp == 0xff) {
      if (mant == 0) return (short) (sign | 0x7c00);
      int payload = mant >>> 13; // numpy keeps the top payload bits; a payload that vanishes becomes 1
      return (short) (sign | 0x7c00 | (payload == 0 ? 1 : payload));
    }
    int e = exp - 127 + 15; // rebias
    if (e >= 0x1f) return (short) (sign | 0x7c00);
    if (e <= 0) {
      if (e < -10) return (short) sign; // rounds to zero (|f| < 2^-25, including ties at 2^-25 -> even 0)
      // subnormal: shift the full significand (with its implicit 1) into place, round to nearest even
      int m = mant | 0x800000;
      int shift = 14 - e;
      int result = m >>> shift;
      int rest = m & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rest > halfway || (rest == halfway && (result & 1) != 0)) result++;
      return (short) (sign | result);
    }
    int result = (e << 10) | (mant >>> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (result & 1) != 0)) result++; // may carry into the exponent: correct
    return (short) (sign | result);
  }

  /**
   * The fp16 nearest to {@code value}, rounded once (numpy's float64 -> float16 cast); rounding through
   * {@code float} first would round twice and can differ.
   */
  public static short fromDouble(double value) {
    if (Double.isNaN(value)) {
      long bits = Double.doubleToRawLongBits(value);
      int payload = (int) ((bits & 0x000f_ffff_ffff_ffffL) >>> 42);
      return (short) (((int) (bits >>> 48) & 0x8000) | 0x7c00 | (payload == 0 ? 1 : payload));
    }
    int sign = (Double.doubleToRawLongBits(value) >>> 63) == 0 ? 0 : 0x8000;
    double magnitude = Math.abs(value);
    int exponent = Math.getExponent(magnitude);
    if (exponent > 15) return (short) (sign | 0x7c00); // also infinity itself
    if (exponent < -14) {
      // subnormal range, units of 2^-24; rint rounds half to even, and 1024 is exactly the smallest normal
      return (short) (sign | (int) Math.rint(magnitude * 0x1p24));
    }
    // 11 significant bits; a carry to 2048 moves into the exponent field (and from exponent 15 to infinity)
    int significand = (int) Math.rint(Math.scalb(magnitude, 10 - exponent));
    return (short) (sign | (((exponent + 15) << 10) + (significand - 1024)));
  }

  /** Rounds a double once to the nearest fp16 value and returns it as a float. */
  public static float round(double value) {
    return toFloat(fromDouble(value));
  }

  /** {@code fp16(float(a) + float(b))}: torch's fp16 addition on CPU. */
  public static short add(short a, short b) {
    return fromFloat(toFloat(a) + toFloat(b));
  }

  /** Rounds a float to the nearest fp16 value and back. */
  public static float round(float f) {
    return toFloat(fromFloat(f));
  }
}
