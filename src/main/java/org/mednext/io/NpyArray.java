package org.mednext.io;

import java.util.Arrays;
import java.util.Locale;
import org.mednext.util.Checks;

/**
 * An n-dimensional numpy array in C order (last axis fastest) held in one primitive Java array.
 *
 * <p>The dtype is numpy's kind letter plus item size, without byte order: "b1" (bool), "i1", "u1" (byte[]);
 * "i2", "u2", "f2" (short[]; f2 = IEEE half-float bits); "i4", "u4" (int[]); "f4" (float[]); "i8", "u8"
 * (long[]); "f8" (double[]). Unsigned values are stored in the signed Java type of the same width.
 *
 * <p>{@link #data()} and the typed accessors return the backing array itself, not a copy: arrays of this class
 * may be large.
 */
public final class NpyArray {

  private static final String[] DTYPES = {"b1", "i1", "u1", "i2", "u2", "f2", "i4", "u4", "f4", "i8", "u8", "f8"};

  private final String dtype;
  private final long[] shape;
  private final Object data;

  private NpyArray(String dtype, long[] shape, Object data) {
    this.dtype = dtype;
    this.shape = shape;
    this.data = data;
  }

  /**
   * An array of the given dtype (see the class comment) and shape over {@code data}, which must be the
   * dtype's Java array type with exactly {@code product(shape)} elements (not copied).
   */
  public static NpyArray of(String dtype, long[] shape, Object data) {
    Checks.notNull(data, "data");
    Checks.argument(Arrays.asList(DTYPES).contains(dtype), "unsupported dtype '%s'; use one of %s", dtype,
        Arrays.toString(DTYPES));
    Class<?> expected = storageClass(dtype);
    Checks.argument(expected == data.getClass(), "dtype %s needs a %s, got a %s", dtype,
        expected.getSimpleName(), data.getClass().getSimpleName());
    long n = count(shape);
    int length = java.lang.reflect.Array.getLength(data);
    Checks.argument(n == length, "shape %s has %d elements but the data has %d", Arrays.toString(shape), n, length);
    return new NpyArray(dtype, shape.clone(), data);
  }

  /** A float32 ("f4") array over {@code data}. */
  public static NpyArray ofFloats(long[] shape, float[] data) {
    return of("f4", shape, data);
  }

  /** A float64 ("f8") array over {@code data}. */
  public static NpyArray ofDoubles(long[] shape, double[] data) {
    return of("f8", shape, data);
  }

  /** An int64 ("i8") array over {@code data}. */
  public static NpyArray ofLongs(long[] shape, long[] data) {
    return of("i8", shape, data);
  }

  /** numpy's dtype without byte order, e.g. "f4". */
  public String dtype() {
    return dtype;
  }

  /** The shape; a new array each call. */
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements. */
  public long size() {
    return count(shape);
  }

  /** The backing primitive array (not a copy), of the type the class comment lists for the dtype. */
  public Object data() {
    return data;
  }

  /** The backing float[] of an "f4" array. */
  public float[] floats() {
    Checks.state(data instanceof float[], "array has dtype %s, not f4; use toFloatArray() to convert", dtype);
    return (float[]) data;
  }

  /** The backing double[] of an "f8" array. */
  public double[] doubles() {
    Checks.state(data instanceof double[], "array has dtype %s, not f8; use toDoubleArray() to convert", dtype);
    return (double[]) data;
  }

  /** Element {@code i} (C order) as a double: unsigned types as unsigned, f2 decoded, bool as 0/1. */
  public double getDouble(int i) {
    switch (dtype) {
      case "b1": case "i1": return ((byte[]) data)[i];
      case "u1": return ((byte[]) data)[i] & 0xff;
      case "i2": return ((short[]) data)[i];
      case "u2": return ((short[]) data)[i] & 0xffff;
      case "f2": return halfToFloat(((short[]) data)[i]);
      case "i4": return ((int[]) data)[i];
      case "u4": return ((int[]) data)[i] & 0xffffffffL;
      case "f4": return ((float[]) data)[i];
      case "i8": return ((long[]) data)[i];
      case "u8": return Planes.unsignedToDouble(((long[]) data)[i]);
      default: return ((double[]) data)[i];
    }
  }

  /** A new float[] with every element converted (exact for f2, f4 and integers up to 24 bits). */
  public float[] toFloatArray() {
    int n = (int) size();
    float[] out = new float[n];
    if (data instanceof float[]) System.arraycopy(data, 0, out, 0, n);
    else for (int i = 0; i < n; i++) out[i] = (float) getDouble(i);
    return out;
  }

  /** A new double[] with every element converted (exact except for 64-bit integers beyond 2^53). */
  public double[] toDoubleArray() {
    int n = (int) size();
    double[] out = new double[n];
    for (int i = 0; i < n; i++) out[i] = getDouble(i);
    return out;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "NpyArray[%s %s]", dtype, Arrays.toString(shape));
  }

  /** The Java array class that stores a dtype. */
  static Class<?> storageClass(String dtype) {
    switch (dtype) {
      case "b1": case "i1": case "u1": return byte[].class;
      case "i2": case "u2": case "f2": return short[].class;
      case "i4": case "u4": return int[].class;
      case "f4": return float[].class;
      case "i8": case "u8": return long[].class;
      case "f8": return double[].class;
      default: throw new IllegalArgumentException("unsupported dtype '" + dtype + "'");
    }
  }

  /** Whether the dtype is one this class holds. */
  static boolean isSupported(String dtype) {
    return Arrays.asList(DTYPES).contains(dtype);
  }

  /** Product of the shape; fails for negative entries or overflow. */
  static long count(long[] shape) {
    long n = 1;
    for (long s : shape) {
      Checks.argument(s >= 0, "shape entries must be >= 0: %s", Arrays.toString(shape));
      n = Math.multiplyExact(n, s);
    }
    return n;
  }

  /** IEEE 754 half (binary16) bits to float, exactly. */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    if (exp == 0) {
      float v = mant * 0x1p-24f; // subnormal (or zero)
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }
}
