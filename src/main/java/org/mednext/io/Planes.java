package org.mednext.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import net.imglib2.img.basictypeaccess.array.ArrayDataAccess;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.DoubleArray;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.basictypeaccess.array.IntArray;
import net.imglib2.img.basictypeaccess.array.LongArray;
import net.imglib2.img.basictypeaccess.array.ShortArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.integer.ByteType;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.integer.LongType;
import net.imglib2.type.numeric.integer.ShortType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedIntType;
import net.imglib2.type.numeric.integer.UnsignedLongType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.DoubleType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Voxel planes shared by the readers: raw bytes to primitive arrays (one per (x, y) plane), NIfTI scaling, and the
 * {@link PlanarImg} that wraps the arrays without copying.
 */
final class Planes {

  private Planes() {}

  /** A new primitive array of {@code n} elements of the datatype's storage type. */
  static Object allocate(NiftiDatatype dt, int n) {
    switch (dt.bytes()) {
      case 1: return new byte[n];
      case 2: return new short[n];
      case 4: return dt == NiftiDatatype.FLOAT32 ? new float[n] : new int[n];
      default: return dt == NiftiDatatype.FLOAT64 ? new double[n] : new long[n];
    }
  }

  /**
   * Decodes {@code src} (remaining bytes, a whole number of voxels) into {@code dst} starting at element
   * {@code offset}; returns the number of voxels decoded.
   */
  static int decode(ByteBuffer src, ByteOrder order, Object dst, int offset) {
    ByteBuffer b = src.slice().order(order);
    int n;
    if (dst instanceof byte[]) {
      n = b.remaining();
      b.get((byte[]) dst, offset, n);
    } else if (dst instanceof short[]) {
      n = b.remaining() / 2;
      b.asShortBuffer().get((short[]) dst, offset, n);
    } else if (dst instanceof int[]) {
      n = b.remaining() / 4;
      b.asIntBuffer().get((int[]) dst, offset, n);
    } else if (dst instanceof float[]) {
      n = b.remaining() / 4;
      b.asFloatBuffer().get((float[]) dst, offset, n);
    } else if (dst instanceof long[]) {
      n = b.remaining() / 8;
      b.asLongBuffer().get((long[]) dst, offset, n);
    } else {
      n = b.remaining() / 8;
      b.asDoubleBuffer().get((double[]) dst, offset, n);
    }
    return n;
  }

  /** Whether scaled voxels of this datatype become doubles (float64 and 64-bit integers) rather than floats. */
  static boolean scalesToDouble(NiftiDatatype dt) {
    return dt == NiftiDatatype.FLOAT64 || dt == NiftiDatatype.INT64 || dt == NiftiDatatype.UINT64;
  }

  /**
   * {@code raw * slope + inter} computed in double for each voxel, as a float[] or (see {@link #scalesToDouble})
   * a double[].
   */
  static Object scale(Object raw, NiftiDatatype dt, double slope, double inter) {
    int n = java.lang.reflect.Array.getLength(raw);
    if (scalesToDouble(dt)) {
      double[] out = new double[n];
      for (int i = 0; i < n; i++) out[i] = value(raw, dt, i) * slope + inter;
      return out;
    }
    float[] out = new float[n];
    for (int i = 0; i < n; i++) out[i] = (float) (value(raw, dt, i) * slope + inter);
    return out;
  }

  /** Element {@code i} of a raw plane as the datatype's value (unsigned types masked). */
  static double value(Object raw, NiftiDatatype dt, int i) {
    switch (dt) {
      case UINT8: return ((byte[]) raw)[i] & 0xff;
      case INT8: return ((byte[]) raw)[i];
      case INT16: return ((short[]) raw)[i];
      case UINT16: return ((short[]) raw)[i] & 0xffff;
      case INT32: return ((int[]) raw)[i];
      case UINT32: return ((int[]) raw)[i] & 0xffffffffL;
      case INT64: return ((long[]) raw)[i];
      case UINT64: return unsignedToDouble(((long[]) raw)[i]);
      case FLOAT32: return ((float[]) raw)[i];
      default: return ((double[]) raw)[i];
    }
  }

  static double unsignedToDouble(long v) {
    double d = (double) (v >>> 1) * 2.0;
    return d + (v & 1);
  }

  /**
   * A planar image (x, y, z, c) over the given plane arrays, without copying: planes are in (z, c) order with z
   * fastest, each x-fastest. The type follows the arrays and the datatype: float[]/double[] planes of an
   * integer datatype are scaled data (FloatType/DoubleType).
   */
  static PlanarImg<?, ?> image(NiftiDatatype dt, List<Object> planes, long[] size) {
    Object first = planes.get(0);
    if (first instanceof float[]) return planar(floats(planes), size, new FloatType());
    if (first instanceof double[]) return planar(doubles(planes), size, new DoubleType());
    switch (dt) {
      case UINT8: return planar(bytes(planes), size, new UnsignedByteType());
      case INT8: return planar(bytes(planes), size, new ByteType());
      case INT16: return planar(shorts(planes), size, new ShortType());
      case UINT16: return planar(shorts(planes), size, new UnsignedShortType());
      case INT32: return planar(ints(planes), size, new IntType());
      case UINT32: return planar(ints(planes), size, new UnsignedIntType());
      case INT64: return planar(longs(planes), size, new LongType());
      default: return planar(longs(planes), size, new UnsignedLongType());
    }
  }

  private static List<ByteArray> bytes(List<Object> planes) {
    List<ByteArray> out = new ArrayList<>(planes.size());
    for (Object p : planes) out.add(new ByteArray((byte[]) p));
    return out;
  }

  private static List<ShortArray> shorts(List<Object> planes) {
    List<ShortArray> out = new ArrayList<>(planes.size());
    for (Object p : planes) out.add(new ShortArray((short[]) p));
    return out;
  }

  private static List<IntArray> ints(List<Object> planes) {
    List<IntArray> out = new ArrayList<>(planes.size());
    for (Object p : planes) out.add(new IntArray((int[]) p));
    return out;
  }

  private static List<LongArray> longs(List<Object> planes) {
    List<LongArray> out = new ArrayList<>(planes.size());
    for (Object p : planes) out.add(new LongArray((long[]) p));
    return out;
  }

  private static List<FloatArray> floats(List<Object> planes) {
    List<FloatArray> out = new ArrayList<>(planes.size());
    for (Object p : planes) out.add(new FloatArray((float[]) p));
    return out;
  }

  private static List<DoubleArray> doubles(List<Object> planes) {
    List<DoubleArray> out = new ArrayList<>(planes.size());
    for (Object p : planes) out.add(new DoubleArray((double[]) p));
    return out;
  }

  /** A volume over an image whose type is only known at run time (always a RealType here). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static org.mednext.volume.Volume<?> volume(net.imglib2.RandomAccessibleInterval<?> img,
      org.mednext.volume.Geometry geometry) {
    return org.mednext.volume.Volume.of((net.imglib2.RandomAccessibleInterval) img, geometry);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static <T extends NativeType<T>, A extends ArrayDataAccess<A>> PlanarImg<T, A> planar(List<A> planes, long[] size, T type) {
    PlanarImg<T, A> img = new PlanarImg<>(planes, size, type.getEntitiesPerPixel());
    img.setLinkedType((T) ((net.imglib2.type.NativeTypeFactory) type.getNativeTypeFactory()).createLinkedType(img));
    return img;
  }
}
