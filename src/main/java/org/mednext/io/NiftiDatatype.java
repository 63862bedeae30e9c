package org.mednext.io;

import java.util.Locale;
import net.imglib2.type.logic.BitType;
import net.imglib2.type.logic.BoolType;
import net.imglib2.type.logic.NativeBoolType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.ByteType;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.integer.LongType;
import net.imglib2.type.numeric.integer.ShortType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedIntType;
import net.imglib2.type.numeric.integer.UnsignedLongType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.DoubleType;

/**
 * The NIfTI voxel datatypes this package reads and writes, with their header code, bits per voxel and the
 * ImgLib2 type a volume of that datatype gets ({@link #name} is numpy's spelling, e.g. "int16").
 *
 * <p>Not supported (refused with a clear message): binary (1), complex (32, 1792, 2048), RGB24 (128), RGBA32
 * (2304) and float128 (1536).
 */
public enum NiftiDatatype {
  UINT8(2, 8, "uint8", false, true),
  INT8(256, 8, "int8", true, true),
  INT16(4, 16, "int16", true, true),
  UINT16(512, 16, "uint16", false, true),
  INT32(8, 32, "int32", true, true),
  UINT32(768, 32, "uint32", false, true),
  INT64(1024, 64, "int64", true, true),
  UINT64(1280, 64, "uint64", false, true),
  FLOAT32(16, 32, "float32", true, false),
  FLOAT64(64, 64, "float64", true, false);

  private final int code;
  private final int bitpix;
  private final String numpyName;
  private final boolean signed;
  private final boolean integer;

  NiftiDatatype(int code, int bitpix, String numpyName, boolean signed, boolean integer) {
    this.code = code;
    this.bitpix = bitpix;
    this.numpyName = numpyName;
    this.signed = signed;
    this.integer = integer;
  }

  /** The header's {@code datatype} code. */
  public int code() {
    return code;
  }

  /** The header's {@code bitpix}: bits per voxel. */
  public int bitpix() {
    return bitpix;
  }

  /** Bytes per voxel. */
  public int bytes() {
    return bitpix / 8;
  }

  /** numpy's name of the type, e.g. "uint8". */
  public String numpyName() {
    return numpyName;
  }

  /** Whether voxels are integers (else IEEE floats). */
  public boolean isInteger() {
    return integer;
  }

  /** Whether the integer type is signed (floats count as signed). */
  public boolean isSigned() {
    return signed;
  }

  /** The smallest value an integer datatype holds (for uint64 and int64 exact only as a long). */
  long minLong() {
    if (!signed) return 0;
    return bitpix == 64 ? Long.MIN_VALUE : -(1L << (bitpix - 1));
  }

  /** The largest value an integer datatype holds; for uint64 this is -1 read as unsigned. */
  long maxLong() {
    if (bitpix == 64) return signed ? Long.MAX_VALUE : -1L;
    return signed ? (1L << (bitpix - 1)) - 1 : (1L << bitpix) - 1;
  }

  /** The datatype with the given header code, or null when the code is unknown or unsupported. */
  public static NiftiDatatype forCode(int code) {
    for (NiftiDatatype d : values()) if (d.code == code) return d;
    return null;
  }

  /** A datatype by numpy-style name ("uint8", "int16", "float32", ...), case-insensitive. */
  public static NiftiDatatype forName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (NiftiDatatype d : values()) if (d.numpyName.equals(n)) return d;
    throw new IllegalArgumentException("unknown NIfTI datatype '" + name + "'; use one of uint8, int8, int16, "
        + "uint16, int32, uint32, int64, uint64, float32, float64");
  }

  /**
   * The datatype that stores voxels of the given ImgLib2 type without loss: the matching native type, uint8 for
   * boolean types, float32 for any other real type.
   */
  public static NiftiDatatype forType(RealType<?> type) {
    if (type instanceof UnsignedByteType) return UINT8;
    if (type instanceof ByteType) return INT8;
    if (type instanceof ShortType) return INT16;
    if (type instanceof UnsignedShortType) return UINT16;
    if (type instanceof IntType) return INT32;
    if (type instanceof UnsignedIntType) return UINT32;
    if (type instanceof LongType) return INT64;
    if (type instanceof UnsignedLongType) return UINT64;
    if (type instanceof DoubleType) return FLOAT64;
    if (type instanceof BitType || type instanceof BoolType || type instanceof NativeBoolType) return UINT8;
    return FLOAT32;
  }

  /** A readable name for any header code, including the unsupported ones, for error messages. */
  static String describe(int code) {
    NiftiDatatype d = forCode(code);
    if (d != null) return d.numpyName + " (" + code + ")";
    switch (code) {
      case 0: return "unknown (0)";
      case 1: return "binary (1)";
      case 32: return "complex64 (32)";
      case 128: return "RGB24 (128)";
      case 1536: return "float128 (1536)";
      case 1792: return "complex128 (1792)";
      case 2048: return "complex256 (2048)";
      case 2304: return "RGBA32 (2304)";
      default: return "undefined code " + code;
    }
  }

  @Override
  public String toString() {
    return numpyName;
  }
}
