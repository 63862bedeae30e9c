package org.mednext.testutil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads little-endian float32/float64 C-order .npy reference files (test helper, independent of io.Npy). */
public final class NpyFiles {

  private NpyFiles() {}

  /** The values as float (float64 files are narrowed). */
  public static float[] readFloats(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int major = b.get(6);
    int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
    int start = (major == 1 ? 10 : 12) + headerLen;
    String header = new String(b.array(), major == 1 ? 10 : 12, headerLen, StandardCharsets.ISO_8859_1);
    if (header.contains("'fortran_order': True")) throw new IOException("Fortran order not supported here: " + file);
    b.position(start);
    if (header.contains("'<f4'")) {
      float[] out = new float[b.remaining() / 4];
      b.asFloatBuffer().get(out);
      return out;
    }
    if (header.contains("'<f8'")) {
      double[] d = new double[b.remaining() / 8];
      b.asDoubleBuffer().get(d);
      float[] out = new float[d.length];
      for (int i = 0; i < d.length; i++) out[i] = (float) d[i];
      return out;
    }
    throw new IOException("unsupported dtype in " + file + ": " + header);
  }
}
