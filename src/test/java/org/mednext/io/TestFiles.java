package org.mednext.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/** Test resources of this package and small helpers to compare volumes with reference values. */
final class TestFiles {

  private TestFiles() {}

  /** A committed test resource under src/test/resources/org/mednext/io/. */
  static Path resource(String relative) {
    URL url = TestFiles.class.getResource("/org/mednext/io/" + relative);
    if (url == null) throw new IllegalStateException("missing test resource org/mednext/io/" + relative);
    try {
      return Paths.get(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonObject json(Path file) throws IOException {
    return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
  }

  static double[] doubles(JsonArray a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) out[i] = number(a.get(i).getAsJsonPrimitive().getAsString());
    return out;
  }

  static long[] longs(JsonArray a) {
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsLong();
    return out;
  }

  /** A 4x4 JSON matrix (list of rows) as a row-major array. */
  static double[] matrix(JsonArray rows) {
    double[] out = new double[16];
    for (int r = 0; r < 4; r++) {
      JsonArray row = rows.get(r).getAsJsonArray();
      for (int c = 0; c < 4; c++) out[4 * r + c] = row.get(c).getAsDouble();
    }
    return out;
  }

  /** A JSON number, or the strings "nan", "inf", "-inf" the Python generators write for those. */
  static double number(String s) {
    switch (s) {
      case "nan": return Double.NaN;
      case "inf": return Double.POSITIVE_INFINITY;
      case "-inf": return Double.NEGATIVE_INFINITY;
      default: return Double.parseDouble(s);
    }
  }

  /** sha256 of the voxels as little-endian float64 in flat (x fastest) order, as the Python generators hash. */
  static <T extends RealType<T>> String sha256OfDoubles(RandomAccessibleInterval<T> img) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      ByteBuffer buf = ByteBuffer.allocate(8 * 4096).order(ByteOrder.LITTLE_ENDIAN);
      Cursor<T> c = Views.flatIterable(img).cursor();
      while (c.hasNext()) {
        buf.putDouble(c.next().getRealDouble());
        if (!buf.hasRemaining()) {
          md.update(buf.array(), 0, buf.position());
          buf.clear();
        }
      }
      md.update(buf.array(), 0, buf.position());
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
