package org.mednext.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.mednext.util.Checks;
import org.mednext.util.AtomicFiles;

/**
 * numpy's .npy format: read (header versions 1, 2 and 3; either byte order; C or Fortran order, the latter
 * reordered to C) and write (little-endian, C order, version 1.0 or 2.0 as numpy chooses). See {@link NpyArray}
 * for the supported dtypes.
 *
 * <p>A volume (x, y, z, c) with x fastest has the memory layout of a C-order numpy array of shape (c, z, y, x),
 * nnU-Net's order: {@link #writeFloat32} writes such data straight from its planes.
 */
public final class Npy {

  private static final int CHUNK = 1 << 20;

  private Npy() {}

  /** Reads a .npy file, checking that the data its header claims is really there before allocating. */
  public static NpyArray read(Path file) throws IOException {
    long size = Files.size(file);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return read(in, size, file);
    }
  }

  /** Writes {@code array} as a .npy file, atomically. */
  public static void write(Path file, NpyArray array) throws IOException {
    Checks.notNull(array, "array");
    AtomicFiles.write(file, out -> write(out, array));
  }

  /**
   * Writes a float32 array of the given shape whose C-order data is the concatenation of {@code chunks} (e.g.
   * the planes of a planar image), without copying them into one array. Atomic.
   *
   * @throws IllegalArgumentException if the chunks do not hold exactly product(shape) values (no file then)
   */
  public static void writeFloat32(Path file, long[] shape, Iterable<float[]> chunks) throws IOException {
    AtomicFiles.write(file, out -> writeFloat32(out, shape, chunks));
  }

  /** Reads one array from {@code in}, which holds at most {@code available} bytes. */
  static NpyArray read(InputStream in, long available, Path file) throws IOException {
    byte[] start = new byte[10];
    if (in.readNBytes(start, 0, 10) < 10 || !Arrays.equals(Arrays.copyOf(start, 6), NpyHeader.MAGIC)) {
      throw new VolumeFormatException(file, "not a .npy file (no \\x93NUMPY magic)");
    }
    int major = start[6];
    long headerLength;
    int prefix;
    if (major == 1) {
      headerLength = (start[8] & 0xff) | (start[9] & 0xff) << 8;
      prefix = 10;
    } else if (major == 2 || major == 3) {
      byte[] more = new byte[2];
      if (in.readNBytes(more, 0, 2) < 2) throw new VolumeFormatException(file, "file ends inside the npy header");
      headerLength = ByteBuffer.wrap(new byte[] {start[8], start[9], more[0], more[1]})
          .order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
      prefix = 12;
    } else {
      throw new VolumeFormatException(file, "unsupported npy format version " + major + "." + start[7]);
    }
    if (prefix + headerLength > available) {
      throw new VolumeFormatException(file, "npy header length " + headerLength + " exceeds the file size " + available);
    }
    byte[] text = in.readNBytes((int) headerLength);
    if (text.length < headerLength) throw new VolumeFormatException(file, "file ends inside the npy header");
    NpyHeader h = NpyHeader.parse(new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1),
        file);
    long count;
    try {
      count = NpyArray.count(h.shape);
    } catch (ArithmeticException e) {
      throw new VolumeFormatException(file, "npy shape " + Arrays.toString(h.shape) + " overflows");
    }
    int item = Integer.parseInt(h.dtype.substring(1));
    long bytes = count > Long.MAX_VALUE / item ? Long.MAX_VALUE : count * item;
    long remaining = available - prefix - headerLength;
    if (bytes > remaining) {
      throw new VolumeFormatException(file, String.format(Locale.ROOT, "npy header claims shape %s of %s (%d bytes) "
          + "but only %d bytes of data follow; the file is truncated or its header is wrong",
          Arrays.toString(h.shape), h.dtype, bytes, remaining));
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new VolumeFormatException(file, "npy array of " + count + " elements is larger than one Java array (2^31)");
    }
    Object data = java.lang.reflect.Array.newInstance(NpyArray.storageClass(h.dtype).getComponentType(), (int) count);
    readData(in, h.order, data, (int) count, item, file);
    if (h.fortranOrder && h.shape.length > 1) data = fortranToC(data, h.shape);
    return NpyArray.of(h.dtype, h.shape, data);
  }

  private static void readData(InputStream in, ByteOrder order, Object data, int count, int item, Path file)
      throws IOException {
    byte[] chunk = new byte[(int) Math.min(CHUNK, (long) count * item)];
    int done = 0;
    while (done < count) {
      int n = Math.min(count - done, chunk.length / item);
      int got = in.readNBytes(chunk, 0, n * item);
      if (got < n * item) {
        throw new VolumeFormatException(file, "npy data ends after " + (done + got / item) + " of " + count
            + " elements");
      }
      done += Planes.decode(ByteBuffer.wrap(chunk, 0, n * item), order, data, done);
    }
  }

  /** Reorders column-major data of the given shape to row-major. */
  private static Object fortranToC(Object src, long[] shape) {
    int n = shape.length;
    int count = java.lang.reflect.Array.getLength(src);
    int[] fStride = new int[n];
    int s = 1;
    for (int d = 0; d < n; d++) {
      fStride[d] = s;
      s *= (int) shape[d];
    }
    int[] perm = new int[count]; // perm[c] = Fortran index of the element at C index c
    int[] idx = new int[n];
    int f = 0;
    for (int c = 0; c < count; c++) {
      perm[c] = f;
      for (int d = n - 1; d >= 0; d--) {
        if (++idx[d] < shape[d]) {
          f += fStride[d];
          break;
        }
        f -= fStride[d] * (idx[d] - 1);
        idx[d] = 0;
      }
    }
    Object dst = java.lang.reflect.Array.newInstance(src.getClass().getComponentType(), count);
    if (src instanceof byte[]) for (int c = 0; c < count; c++) ((byte[]) dst)[c] = ((byte[]) src)[perm[c]];
    else if (src instanceof short[]) for (int c = 0; c < count; c++) ((short[]) dst)[c] = ((short[]) src)[perm[c]];
    else if (src instanceof int[]) for (int c = 0; c < count; c++) ((int[]) dst)[c] = ((int[]) src)[perm[c]];
    else if (src instanceof float[]) for (int c = 0; c < count; c++) ((float[]) dst)[c] = ((float[]) src)[perm[c]];
    else if (src instanceof long[]) for (int c = 0; c < count; c++) ((long[]) dst)[c] = ((long[]) src)[perm[c]];
    else for (int c = 0; c < count; c++) ((double[]) dst)[c] = ((double[]) src)[perm[c]];
    return dst;
  }

  static void write(OutputStream out, NpyArray a) throws IOException {
    out.write(NpyHeader.encode(a.dtype(), a.shape()));
    writeData(out, a.data(), 0, java.lang.reflect.Array.getLength(a.data()));
  }

  /**
   * The header, then the chunks as they come (a lazy iterable makes each only when it is written); fails as soon
   * as they hold more values than the shape needs, or at the end if fewer.
   */
  static void writeFloat32(OutputStream out, long[] shape, Iterable<float[]> chunks) throws IOException {
    long expected = NpyArray.count(shape);
    out.write(NpyHeader.encode("f4", shape));
    long n = 0;
    for (float[] c : chunks) {
      n += c.length;
      checkCount(n <= expected, shape, expected, n);
      writeData(out, c, 0, c.length);
    }
    checkCount(n == expected, shape, expected, n);
  }

  private static void checkCount(boolean ok, long[] shape, long expected, long n) {
    Checks.argument(ok, "shape %s needs %d values but the chunks hold %s", Arrays.toString(shape), expected,
        n > expected ? "more" : Long.toString(n));
  }

  /** Writes elements [from, from + n) of a primitive array little-endian. */
  static void writeData(OutputStream out, Object data, int from, int n) throws IOException {
    if (data instanceof byte[]) {
      out.write((byte[]) data, from, n);
      return;
    }
    int item = data instanceof short[] ? 2 : data instanceof int[] || data instanceof float[] ? 4 : 8;
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, (long) Math.max(n, 1) * item))
        .order(ByteOrder.LITTLE_ENDIAN);
    int done = 0;
    while (done < n) {
      int k = Math.min(n - done, buf.capacity() / item);
      buf.clear();
      int at = from + done;
      if (data instanceof short[]) buf.asShortBuffer().put((short[]) data, at, k);
      else if (data instanceof int[]) buf.asIntBuffer().put((int[]) data, at, k);
      else if (data instanceof float[]) buf.asFloatBuffer().put((float[]) data, at, k);
      else if (data instanceof long[]) buf.asLongBuffer().put((long[]) data, at, k);
      else buf.asDoubleBuffer().put((double[]) data, at, k);
      out.write(buf.array(), 0, k * item);
      done += k;
    }
  }
}
