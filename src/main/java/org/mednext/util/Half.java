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
    int abs = x & 0x7fffffff;
    if (abs >= 0x38800000 && abs < 0x47800000) {
      // fp16's normal range, nearly every value: rebias the exponent and drop 13 mantissa bits, rounding half to even
      // by adding 0xfff and the lowest kept bit; a carry runs into the exponent, up to infinity, as it should. No
      // branch on the rounding: it is a coin toss per value, and mispredicting it made this the accumulator's cost.
      return (short) (sign | (abs - (112 << 23) + 0xfff + ((abs >>> 13) & 1)) >>> 13);
    }
    int mant = x & 0x7fffff;
    if (abs >= 0x7f800000) { // infinity or NaN
      if (mant == 0) return (short) (sign | 0x7c00);
      int payload = mant >>> 13; // numpy keeps the top payload bits; a payload that vanishes becomes 1
      return (short) (sign | 0x7c00 | (payload == 0 ? 1 : payload));
    }
    if (abs >= 0x47800000) return (short) (sign | 0x7c00); // 2^16 and above: infinity
    // below 2^-14: an fp16 subnormal or zero
    int e = (abs >>> 23) - 127 + 15; // rebiased exponent, <= 0
    if (e < -10) return (short) sign; // rounds to zero (|f| < 2^-25, including ties at 2^-25 -> even 0)
    // shift the full significand (with its implicit 1) into place, round to nearest even
    int m = mant | 0x800000;
    int shift = 14 - e;
    int result = m >>> shift;
    int rest = m & ((1 << shift) - 1);
    int halfway = 1 << (shift - 1);
    if (rest > halfway || (rest == halfway && (result & 1) != 0)) result++;
    return (short) (sign | result);
  }

  /**
   * The fp16 nearest to {@code value}, rounded once (numpy's float64 -> float16 cast); rounding through
   * {@code float} first would round twice and can differ. Bit manipulation: it runs once per voxel and class when
   * logits are resampled at export.
   */
  public static short fromDouble(double value) {
    long x = Double.doubleToRawLongBits(value);
    int sign = (int) (x >>> 48) & 0x8000;
    long abs = x & 0x7fff_ffff_ffff_ffffL;
    if (abs >= 0x3f10_0000_0000_0000L && abs < 0x40f0_0000_0000_0000L) { // fp16's normal range: as in fromFloat
      return (short) (sign | (int) ((abs - (1008L << 52) + ((1L << 41) - 1) + ((abs >>> 42) & 1)) >>> 42));
    }
    long mant = x & 0xF_FFFF_FFFF_FFFFL;
    if (abs >= 0x7ff0_0000_0000_0000L) { // infinity or NaN
      if (mant == 0) return (short) (sign | 0x7c00);
      int payload = (int) (mant >>> 42); // numpy keeps the top payload bits; a payload that vanishes becomes 1
      return (short) (sign | 0x7c00 | (payload == 0 ? 1 : payload));
    }
    if (abs >= 0x40f0_0000_0000_0000L) return (short) (sign | 0x7c00); // 2^16 and above: infinity
    // below 2^-14, subnormal (units of 2^-24): value = m * 2^(e - 15 - 52) with the implicit bit; round half to even
    int e = (int) (abs >>> 52) - 1023 + 15; // rebiased exponent, <= 0
    if (e < -10) return (short) sign; // below 2^-25 (double subnormals included): rounds to zero
    long m = mant | (1L << 52);
    int shift = 43 - e;
    long result = m >>> shift;
    long rest = m & ((1L << shift) - 1);
    long halfway = 1L << (shift - 1);
    if (rest > halfway || (rest == halfway && (result & 1) != 0)) result++;
    return (short) (sign | (int) result); // a carry to 1024 is exactly the smallest normal's bit pattern
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
