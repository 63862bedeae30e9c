package org.mednext.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mednext.testutil.Python;

/** {@link Npy} against files numpy wrote, numpy reading ours, and broken files. */
class NpyTest {

  @TempDir Path tmp;

  static JsonObject fixtures() throws IOException {
    return TestFiles.json(TestFiles.resource("npy/npy_fixtures.json"));
  }

  static List<String> npyNames() throws IOException {
    List<String> names = new ArrayList<>();
    for (JsonElement e : fixtures().getAsJsonArray("fixtures")) {
      String f = e.getAsJsonObject().get("file").getAsString();
      if (f.endsWith(".npy")) names.add(f);
    }
    return names;
  }

  static JsonObject fixture(String name) throws IOException {
    for (JsonElement e : fixtures().getAsJsonArray("fixtures")) {
      if (e.getAsJsonObject().get("file").getAsString().equals(name)) return e.getAsJsonObject();
    }
    throw new IllegalArgumentException(name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("npyNames")
  void readsWhatNumpyWrote(String name) throws IOException {
    assertMatches(fixture(name), Npy.read(TestFiles.resource("npy/" + name)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("npyNames")
  void roundTripKeepsDtypeShapeAndBits(String name) throws IOException {
    NpyArray a = Npy.read(TestFiles.resource("npy/" + name));
    Path out = tmp.resolve(name);
    Npy.write(out, a);
    NpyArray back = Npy.read(out);
    assertEquals(a.dtype(), back.dtype());
    assertArrayEquals(a.shape(), back.shape());
    assertTrue(Arrays.deepEquals(new Object[] {a.data()}, new Object[] {back.data()}), "same data");
    assertEquals(0, (Files.size(out) - a.size() * itemSize(a)) % 64, "data starts at a multiple of 64 bytes");
  }

  @Test
  void numpyReadsOurFiles() throws Exception {
    String python = Python.require("numpy");
    List<String> args = new ArrayList<>();
    for (String name : npyNames()) {
      Path out = tmp.resolve(name);
      Npy.write(out, Npy.read(TestFiles.resource("npy/" + name)));
      args.add(out.toString());
    }
    Path chunked = tmp.resolve("chunked.npy");
    Npy.writeFloat32(chunked, new long[] {2, 3, 2}, List.of(new float[] {1, 2, 3, 4, 5, 6}, new float[] {7, 8},
        new float[] {9, 10, 11, 12}));
    args.add(chunked.toString());
    String script = String.join("\n",
        "import sys, json, numpy as np",
        "out = []",
        "for f in sys.argv[1:]:",
        "    a = np.load(f)",
        "    out.append({'dtype': a.dtype.kind + str(a.dtype.itemsize), 'shape': list(a.shape),",
        "                'values': [int(x) if a.dtype.kind in 'iub' else float(x) for x in a.ravel()]})",
        "print(json.dumps(out))");
    JsonArray results = JsonParser.parseString(Python.run(python, script, tmp, args.toArray(new String[0])))
        .getAsJsonArray();
    List<String> names = npyNames();
    for (int i = 0; i < names.size(); i++) {
      JsonObject expected = fixture(names.get(i));
      JsonObject actual = results.get(i).getAsJsonObject();
      assertEquals(expected.get("dtype"), actual.get("dtype"), names.get(i));
      assertEquals(expected.get("shape"), actual.get("shape"), names.get(i));
      assertEquals(expected.get("values"), actual.get("values"), names.get(i));
    }
    JsonObject c = results.get(names.size()).getAsJsonObject();
    assertEquals("[2,3,2]", c.get("shape").toString());
    assertEquals("[1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0,9.0,10.0,11.0,12.0]", c.get("values").toString());
  }

  @Test
  void rejectsChunksThatDoNotFillTheShape() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Npy.writeFloat32(tmp.resolve("x.npy"), new long[] {2, 3}, List.of(new float[5])));
    assertEquals("shape [2, 3] needs 6 values but the chunks hold 5", e.getMessage());
  }

  @Test
  void rejectsTruncatedData() throws IOException {
    byte[] b = Files.readAllBytes(TestFiles.resource("npy/le_f8.npy"));
    Path p = Files.write(tmp.resolve("short.npy"), Arrays.copyOf(b, b.length - 9));
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> Npy.read(p));
    assertEquals(p + ": npy header claims shape [2, 3, 4] of f8 (192 bytes) but only 183 bytes of data follow; "
        + "the file is truncated or its header is wrong", e.getMessage());
  }

  @Test
  void rejectsHugeShapeClaimBeforeAllocating() throws IOException {
    byte[] header = NpyHeader.encode("f4", new long[] {100000, 100000, 100000});
    Path p = Files.write(tmp.resolve("huge.npy"), Arrays.copyOf(header, header.length + 1024));
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> Npy.read(p));
    assertEquals(p + ": npy header claims shape [100000, 100000, 100000] of f4 (4000000000000000 bytes) but only "
        + "1024 bytes of data follow; the file is truncated or its header is wrong", e.getMessage());
  }

  @Test
  void rejectsObjectArrays() throws IOException {
    String dict = "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }";
    Path p = Files.write(tmp.resolve("object.npy"), npy(dict));
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> Npy.read(p));
    assertEquals(p + ": unsupported npy dtype '|O'; supported: bool, int8..int64, uint8..uint64, float16, "
        + "float32, float64, either byte order", e.getMessage());
  }

  @Test
  void rejectsStructuredArrays() throws IOException {
    String dict = "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }";
    Path p = Files.write(tmp.resolve("record.npy"), npy(dict));
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> Npy.read(p));
    assertTrue(e.getMessage().startsWith(p + ": structured (record) dtypes are not supported"), e.getMessage());
  }

  @Test
  void rejectsFilesWithoutMagic() throws IOException {
    Path p = Files.writeString(tmp.resolve("text.npy"), "hello, this is not numpy");
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> Npy.read(p));
    assertEquals(p + ": not a .npy file (no \\x93NUMPY magic)", e.getMessage());
  }

  private static byte[] npy(String dict) {
    byte[] text = (dict + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] out = new byte[10 + text.length + 8];
    System.arraycopy(NpyHeader.MAGIC, 0, out, 0, 6);
    out[6] = 1;
    out[8] = (byte) text.length;
    System.arraycopy(text, 0, out, 10, text.length);
    return out;
  }

  private static int itemSize(NpyArray a) {
    return Integer.parseInt(a.dtype().substring(1));
  }

  /** Values equal to numpy's, exactly (64-bit integers compared as integers, floats by value incl. -0). */
  static void assertMatches(JsonObject expected, NpyArray a) {
    String name = expected.get("file").getAsString();
    assertEquals(expected.get("dtype").getAsString(), a.dtype(), name);
    assertArrayEquals(TestFiles.longs(expected.getAsJsonArray("shape")), a.shape(), name);
    JsonArray values = expected.getAsJsonArray("values");
    assertEquals(values.size(), a.size(), name);
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i).getAsString();
      if (a.dtype().equals("i8")) {
        assertEquals(Long.parseLong(v), ((long[]) a.data())[i], name + "[" + i + "]");
      } else if (a.dtype().equals("u8")) {
        assertEquals(new BigInteger(v), new BigInteger(Long.toUnsignedString(((long[]) a.data())[i])), name);
      } else {
        assertEquals(Double.parseDouble(v), a.getDouble(i), 0.0, name + "[" + i + "]");
        assertEquals(Double.doubleToLongBits(Double.parseDouble(v)), Double.doubleToLongBits(a.getDouble(i)),
            name + "[" + i + "] sign of zero");
      }
    }
  }
}
