package org.mednext.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mednext.testutil.Python;
import org.mednext.testutil.SharedData;

/** {@link Npz} and {@link NpzWriter}: numpy's archives, numpy reading ours, atomic commits. */
class NpzTest {

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"stored.npz", "compressed.npz"})
  void readsWhatNumpyWrote(String name) throws IOException {
    JsonObject arrays = NpyTest.fixture(name).getAsJsonObject("arrays");
    Map<String, NpyArray> read = Npz.read(TestFiles.resource("npy/" + name));
    assertEquals(List.copyOf(arrays.keySet()), List.copyOf(read.keySet()));
    for (String key : arrays.keySet()) NpyTest.assertMatches(arrays.getAsJsonObject(key), read.get(key));
    NpyTest.assertMatches(arrays.getAsJsonObject("stride"), Npz.read(TestFiles.resource("npy/" + name), "stride"));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void numpyReadsOurArchives(boolean compressed) throws Exception {
    String python = Python.require("numpy");
    Map<String, NpyArray> arrays = Npz.read(TestFiles.resource("npy/compressed.npz"));
    Path out = tmp.resolve("ours.npz");
    try (NpzWriter w = NpzWriter.create(out, compressed)) {
      for (Map.Entry<String, NpyArray> e : arrays.entrySet()) w.add(e.getKey(), e.getValue());
      w.addFloat32("planes", new long[] {2, 2, 2}, List.of(new float[] {1, 2, 3, 4}, new float[] {5, 6, 7, 8}));
      w.commit();
    }
    try (ZipFile zip = new ZipFile(out.toFile())) {
      int method = compressed ? ZipEntry.DEFLATED : ZipEntry.STORED;
      assertTrue(zip.stream().allMatch(e -> e.getMethod() == method), "entry method");
    }
    String script = String.join("\n",
        "import sys, json, numpy as np",
        "with np.load(sys.argv[1]) as z:",
        "    print(json.dumps({k: {'dtype': z[k].dtype.kind + str(z[k].dtype.itemsize), 'shape': list(z[k].shape),",
        "        'values': [int(x) if z[k].dtype.kind in 'iub' else float(x) for x in z[k].ravel()]} for k in z.files}))");
    JsonObject result = JsonParser.parseString(Python.run(python, script, tmp, out.toString())).getAsJsonObject();
    JsonObject expected = NpyTest.fixture("compressed.npz").getAsJsonObject("arrays");
    for (String key : expected.keySet()) {
      JsonObject e = expected.getAsJsonObject(key);
      JsonObject a = result.getAsJsonObject(key);
      assertEquals(e.get("dtype"), a.get("dtype"), key);
      assertEquals(e.get("shape"), a.get("shape"), key);
      assertEquals(e.get("values"), a.get("values"), key);
    }
    assertEquals("[1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0]", result.getAsJsonObject("planes").get("values").toString());
  }

  /** Several deflate chunks on several threads, and ZIP64 records, as numpy, ZipFile and ZipInputStream read them. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void parallelDeflatedAndZip64ArchivesReadEverywhere(boolean zip64) throws Exception {
    int n = 300_000; // 2.4 MB of float32: three deflate chunks
    float[] a = new float[n];
    float[] b = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) Math.sin(i * 0.001);
      b[i] = i % 7 == 0 ? 1f / (i + 1) : 0f;
    }
    Path out = tmp.resolve("big.npz");
    try (NpzWriter w = NpzWriter.create(out, true, 2)) {
      w.forceZip64 = zip64;
      w.addFloat32("probabilities", new long[] {2, n}, List.of(a, b));
      w.add("shape", NpyArray.ofLongs(new long[] {2}, new long[] {2, n}));
      w.commit();
    }
    float[] back = Npz.read(out).get("probabilities").floats();
    assertEquals(2 * n, back.length);
    for (int i = 0; i < n; i++) {
      assertEquals(a[i], back[i]);
      assertEquals(b[i], back[n + i]);
    }
    try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(out))) {
      List<String> names = new java.util.ArrayList<>();
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
        in.readAllBytes(); // checks each entry's CRC and sizes against its local header
      }
      assertEquals(List.of("probabilities.npy", "shape.npy"), names);
    }
    String python = Python.require("numpy");
    String script = String.join("\n",
        "import sys, zipfile, numpy as np",
        "with zipfile.ZipFile(sys.argv[1]) as f:",
        "    assert f.testzip() is None",
        "with np.load(sys.argv[1]) as z:",
        "    p = z['probabilities']",
        "    print(p.dtype, p.shape, float(p[0].sum()), float(p[1].sum()), list(z['shape']))");
    double sumA = 0;
    double sumB = 0;
    for (int i = 0; i < n; i++) {
      sumA += a[i];
      sumB += b[i];
    }
    String[] printed = Python.run(python, script, tmp, out.toString()).trim().split(" ", 5);
    assertEquals("float32 (2, " + n + ")", printed[0] + " " + printed[1] + " " + printed[2]);
    assertEquals(sumA, Double.parseDouble(printed[3]), 1e-3 * Math.abs(sumA) + 1e-3);
    assertEquals(sumB, Double.parseDouble(printed[4].substring(0, printed[4].indexOf(' '))), 1e-3 * sumB);
  }

  /** nnU-Net's own probability file; its checksum comes from the fixture's case.json. */
  @Test
  void readsNnUnetProbabilitiesBitExactly() throws Exception {
    Path caseDir = SharedData.require("fixtures/nnunet_pipeline/mr_ch2_fold0_tta_step050");
    JsonObject stored = TestFiles.json(caseDir.resolve("case.json")).getAsJsonObject("outputs")
        .getAsJsonObject("probabilities").getAsJsonObject("stored_array");
    Map<String, NpyArray> z = Npz.read(caseDir.resolve(stored.get("file").getAsString()));
    NpyArray p = z.get("probabilities");
    assertEquals(stored.get("shape").toString(), java.util.Arrays.toString(p.shape()).replace(" ", ""));
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * p.floats().length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(p.floats());
    String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b.array()));
    assertEquals(stored.get("sha256_of_c_order_bytes").getAsString(), sha);
    assertEquals("[3, 181, 217, 181]", java.util.Arrays.toString((long[]) z.get("source_shape").data()));
    assertEquals("[1, 2, 2, 2]", java.util.Arrays.toString((long[]) z.get("stride").data()));
  }

  @Test
  void closeWithoutCommitLeavesNothing() throws IOException {
    Path out = tmp.resolve("never.npz");
    try (NpzWriter w = NpzWriter.create(out, true)) {
      w.add("a", NpyArray.ofFloats(new long[] {2}, new float[] {1, 2}));
    }
    assertFalse(Files.exists(out));
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(0, files.count(), "temporary file removed");
    }
  }

  @Test
  void writeRoundTripsEveryArray() throws IOException {
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    arrays.put("f", NpyArray.ofFloats(new long[] {2, 2}, new float[] {1.5f, -2, 0, 3}));
    arrays.put("l", NpyArray.ofLongs(new long[] {3}, new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}));
    Path out = tmp.resolve("rt.npz");
    Npz.write(out, arrays, false);
    Map<String, NpyArray> back = Npz.read(out);
    assertEquals(arrays.keySet(), back.keySet());
    assertEquals(List.of(1.5f, -2f, 0f, 3f), List.of(back.get("f").floats()[0], back.get("f").floats()[1],
        back.get("f").floats()[2], back.get("f").floats()[3]));
    assertEquals(Long.MAX_VALUE, ((long[]) back.get("l").data())[2]);
  }

  @Test
  void rejectsDuplicateNames() throws IOException {
    try (NpzWriter w = NpzWriter.create(tmp.resolve("dup.npz"), false)) {
      w.add("a", NpyArray.ofFloats(new long[] {1}, new float[] {1}));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> w.add("a", NpyArray.ofFloats(new long[] {1}, new float[] {1})));
      assertEquals("array name 'a' used twice", e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 7})
  void chunksThatDoNotFillTheShapeLeaveNoArchive(int values) throws IOException {
    Path out = tmp.resolve("bad.npz");
    int[] made = new int[1];
    // lazy chunks of 1 value each, as many as asked for up to `values` (5) or without end (7): made only as they
    // are written, and none after the one too many
    Iterable<float[]> chunks = () -> Stream.generate(() -> new float[] {made[0]++}).limit(values < 6 ? values : 1000)
        .iterator();
    try (NpzWriter w = NpzWriter.create(out, true)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> w.addFloat32("p", new long[] {2, 3}, chunks));
      assertEquals("shape [2, 3] needs 6 values but the chunks hold " + (values < 6 ? "5" : "more"), e.getMessage());
      assertEquals(Math.min(values, 7), made[0]);
      assertThrows(IllegalStateException.class, w::commit);
    }
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(), left.toList(), "no archive and no temporary file");
    }
  }

  @Test
  void namesTheMissingKeyAndTheOnesPresent() {
    Path p = TestFiles.resource("npy/stored.npz");
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> Npz.read(p, "logits"));
    assertEquals(p + ": no array 'logits' in the archive; it holds [probabilities, stride, mask]", e.getMessage());
  }

  @Test
  void rejectsTruncatedArchive() throws IOException {
    byte[] b = Files.readAllBytes(TestFiles.resource("npy/compressed.npz"));
    Path p = Files.write(tmp.resolve("cut.npz"), java.util.Arrays.copyOf(b, b.length / 2));
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> Npz.read(p));
    assertTrue(e.getMessage().startsWith(p + ": not a valid .npz (zip) archive"), e.getMessage());
  }
}
