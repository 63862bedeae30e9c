package org.mednext.volume;

import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.ShortArray;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.view.Views;
import org.mednext.util.Checks;

/**
 * Conversions between volumes and the flat arrays the pipeline computes on. A flat array is in nnU-Net's axis
 * order (z, y, x) in C order, which is exactly the (x, y, z) image's memory order with x fastest.
 */
public final class VolumeArrays {

  private VolumeArrays() {}

  /** Spatial shape (z, y, x) of a volume. */
  public static int[] shapeZyx(Volume<?> v) {
    long[] s = v.spatialSize();
    Checks.argument(s[0] * s[1] * s[2] <= Integer.MAX_VALUE - 8, "volume %dx%dx%d is too large for one array", s[0], s[1], s[2]);
    return new int[] {(int) s[2], (int) s[1], (int) s[0]};
  }

  /** Every channel as float32 in (z, y, x) C order (a copy). */
  public static float[][] channels(Volume<?> v) {
    float[][] out = new float[v.channels()][];
    for (int c = 0; c < out.length; c++) out[c] = toFloats(v.channel(c));
    return out;
  }

  private static <T extends RealType<T>> float[] toFloats(RandomAccessibleInterval<T> channel) {
    long n = channel.dimension(0) * channel.dimension(1) * channel.dimension(2);
    float[] out = new float[(int) n];
    Cursor<T> cursor = Views.flatIterable(channel).cursor(); // x fastest, then y, then z
    int i = 0;
    while (cursor.hasNext()) out[i++] = cursor.next().getRealFloat();
    return out;
  }

  /**
   * The label map of a one-channel volume as integers, (z, y, x) C order.
   *
   * @param what names the volume in the message
   * @throws IllegalArgumentException for a value that is not an integer of the int16 range
   */
  public static short[] integerLabels(Volume<?> v, String what) {
    float[] f = channels(v)[0];
    short[] out = new short[f.length];
    for (int i = 0; i < f.length; i++) {
      float x = f[i];
      if (x != Math.rint(x) || x < Short.MIN_VALUE || x > Short.MAX_VALUE) {
        throw new IllegalArgumentException(what + ": label maps must hold integers, found " + x);
      }
      out[i] = (short) x;
    }
    return out;
  }

  /**
   * A label volume backed by {@code labels} ((z, y, x) C order): 8-bit when every value is below 255, else
   * 16-bit, as nnU-Net writes segmentations.
   */
  public static Volume<?> labels(short[] labels, int[] shapeZyx, Geometry geometry) {
    Checks.argument(labels.length == shapeZyx[0] * shapeZyx[1] * shapeZyx[2], "label array does not match shape");
    int max = 0;
    for (short s : labels) max = Math.max(max, s & 0xffff);
    long[] dims = {shapeZyx[2], shapeZyx[1], shapeZyx[0]};
    if (max < 255) {
      byte[] b = new byte[labels.length];
      for (int i = 0; i < b.length; i++) b[i] = (byte) labels[i];
      ArrayImg<UnsignedByteType, ByteArray> img = ArrayImgs.unsignedBytes(b, dims);
      return Volume.of(img, geometry);
    }
    ArrayImg<UnsignedShortType, ShortArray> img = ArrayImgs.unsignedShorts(labels, dims);
    return Volume.of(img, geometry);
  }
}
