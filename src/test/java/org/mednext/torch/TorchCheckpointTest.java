package org.mednext.torch;

import org.mednext.testutil.PythonTorch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.mednext.torch.DataAssert.assertSameData;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mednext.testutil.SharedData;

/** {@link TorchCheckpoint#read} and {@link TorchCheckpoint#write} against torch-written files. */
class TorchCheckpointTest {

  @TempDir Path tmp;

  // -- the shared MedNeXt-v2 fixtures (copied into the test resources) --

  @ParameterizedTest
  @ValueSource(strings = {"tiny_grn_ds", "tiny_k5_grnall_nods"})
  void readsFixtureWeightsBitIdenticalToTheirGenerator(String fixture) throws Exception {
    JsonObject recipe = json(TestFiles.resource(fixture + "/weights_recipe.json"));
    JsonObject info = json(TestFiles.resource(fixture + "/fixture.json"));
    long seed = recipe.get("seed").getAsLong();
    JsonArray tensors = recipe.getAsJsonArray("tensors");
    Map<?, ?> root = (Map<?, ?>) TorchCheckpoint.read(TestFiles.resource(fixture + "/checkpoint_final.pth"));
    Map<?, ?> weights = (Map<?, ?>) root.get("network_weights");

    assertEquals(OrderedDict.class, weights.getClass());
    assertEquals(fixture.equals("tiny_grn_ds") ? 227 : 191, weights.size());
    List<String> expectedKeys = new ArrayList<>();
    tensors.forEach(t -> expectedKeys.add(t.getAsJsonObject().get("key").getAsString()));
    assertEquals(expectedKeys, new ArrayList<>(weights.keySet()));
    long params = 0;
    for (JsonElement el : tensors) {
      JsonObject t = el.getAsJsonObject();
      String key = t.get("key").getAsString();
      TensorData data = (TensorData) weights.get(key);
      long[] shape = longs(t.getAsJsonArray("shape"));
      assertEquals(DType.FLOAT32, data.dtype(), key);
      assertArrayEquals(shape, data.shape(), key);
      float scale = Float.intBitsToFloat(Integer.parseUnsignedInt(t.get("scale_f32_bits").getAsString().substring(2), 16));
      float offset = t.get("offset").getAsFloat();
      float[] actual = data.toFloatArray();
      for (int i = 0; i < actual.length; i++) {
        float expected = SplitMixU24.value(seed, t.get("index").getAsLong(), i, scale, offset);
        if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(actual[i])) {
          throw new AssertionError(key + "[" + i + "]: expected " + expected + " but was " + actual[i]);
        }
      }
      params += data.numel();
    }
    assertEquals(info.get("param_count").getAsLong(), params);
  }

  @Test
  void readsFixtureTrainingStateAsTheFixturesReadmeDescribesIt() throws Exception {
    JsonObject info = json(TestFiles.resource("tiny_grn_ds/fixture.json"));
    Map<?, ?> root = (Map<?, ?>) TorchCheckpoint.read(TestFiles.resource("tiny_grn_ds/checkpoint_final.pth"));

    List<String> topKeys = new ArrayList<>();
    info.getAsJsonObject("checkpoint").getAsJsonArray("top_level_keys").forEach(k -> topKeys.add(k.getAsString()));
    assertEquals(topKeys, new ArrayList<>(root.keySet()));
    assertEquals(LinkedHashMap.class, root.getClass());
    assertEquals("nnUNetTrainer_MedNeXtV2_TinyFixture", root.get("trainer_name"));
    assertEquals(PyTuple.of(0L, 1L, 2L), root.get("inference_allowed_mirroring_axes"));
    assertEquals(1000L, root.get("current_epoch"));
    assertEquals(0.426, root.get("_best_ema"));
    Map<?, ?> initArgs = (Map<?, ?>) root.get("init_args");
    assertEquals("3d_fullres", initArgs.get("configuration"));
    assertEquals(0L, initArgs.get("fold"));
    assertEquals(new TorchDevice("cuda", -1), initArgs.get("device"));
    Map<?, ?> group = (Map<?, ?>) ((List<?>) ((Map<?, ?>) root.get("optimizer_state")).get("param_groups")).get(0);
    assertEquals(1e-4, group.get("lr"));
    assertEquals(PyTuple.of(0.9, 0.999), group.get("betas"));
    assertEquals(1e-4, group.get("eps"));
    assertEquals(3e-5, group.get("weight_decay"));
    assertEquals(false, group.get("amsgrad"));
    List<Object> params = new ArrayList<>();
    for (long i = 0; i < 227; i++) params.add(i);
    assertEquals(params, group.get("params"));
    Map<Object, Object> scaler = new LinkedHashMap<>();
    scaler.put("scale", 65536.0);
    scaler.put("growth_factor", 2.0);
    scaler.put("backoff_factor", 0.5);
    scaler.put("growth_interval", 2000L);
    scaler.put("_growth_tracker", 0L);
    assertSameData(scaler, root.get("grad_scaler_state"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Dataset981_MedNeXtV2RefCT", "Dataset982_MedNeXtV2RefMR"})
  void readsNnunetPipelineCheckpointsWithNumpyScalarsAndDevice(String dataset) throws Exception {
    Path models = SharedData.require("fixtures/nnunet_pipeline/models");
    JsonObject manifest = json(models.resolve("models_manifest.json"));
    boolean ct = dataset.endsWith("CT");
    JsonObject fold0 = manifest.getAsJsonObject("models").getAsJsonObject(ct ? "ct" : "mr")
        .getAsJsonObject("folds").getAsJsonObject("0");
    Path file = models.resolve(dataset + "/nnUNetTrainer_MedNeXtV2Ref__nnUNetPlans__3d_fullres/fold_0/checkpoint_final.pth");

    Map<?, ?> root = (Map<?, ?>) TorchCheckpoint.read(file);

    LinkedHashMap<String, TensorData> weights = StateDict.networkWeights(root);
    assertEquals(fold0.get("n_tensors").getAsInt(), weights.size());
    assertEquals(fold0.get("n_params").getAsLong(), weights.values().stream().mapToLong(TensorData::numel).sum());
    JsonArray firstLast = fold0.getAsJsonArray("keys_first_last");
    assertEquals(firstLast.get(0).getAsString(), weights.keySet().iterator().next());
    assertEquals(firstLast.get(1).getAsString(), new ArrayList<>(weights.keySet()).get(weights.size() - 1));
    assertEquals("nnUNetTrainer_MedNeXtV2Ref", root.get("trainer_name"));
    assertEquals(ct ? PyTuple.of(0L, 1L, 2L) : PyTuple.of(1L, 2L), root.get("inference_allowed_mirroring_axes"));
    Map<?, ?> initArgs = (Map<?, ?>) root.get("init_args");
    assertEquals(new TorchDevice("cuda", 0), initArgs.get("device"));
    assertEquals("3d_fullres", initArgs.get("configuration"));
    assertEquals(0.0, root.get("_best_ema")); // a numpy float64 in the file
    for (Object v : (List<?>) ((Map<?, ?>) root.get("logging")).get("mean_fg_dice")) assertEquals(Double.class, v.getClass());
    assertRoundTrips(root);
  }

  // -- a torch-written checkpoint covering every dtype and view (tools/fixtures/make_torch_checkpoints.py) --

  @Test
  void readsEveryTensorOfTheMixedCheckpointAsTorchMakesItContiguous() throws Exception {
    JsonObject expected = json(TestFiles.resource("mixed_expected.json"));
    byte[] blob = Files.readAllBytes(TestFiles.resource("mixed_expected.bin"));
    Map<?, ?> root = (Map<?, ?>) TorchCheckpoint.read(TestFiles.resource("mixed.pth"));
    Map<?, ?> weights = (Map<?, ?>) root.get("network_weights");

    List<String> keys = new ArrayList<>();
    for (JsonElement el : expected.getAsJsonArray("tensors")) {
      JsonObject t = el.getAsJsonObject();
      String key = t.get("key").getAsString();
      keys.add(key);
      TensorData data = (TensorData) weights.get(key);
      assertEquals(dtype(t.get("dtype").getAsString()), data.dtype(), key);
      assertArrayEquals(longs(t.getAsJsonArray("shape")), data.shape(), key);
      byte[] bytes = new byte[data.data().remaining()];
      data.data().get(bytes);
      int off = t.get("offset").getAsInt();
      assertArrayEquals(Arrays.copyOfRange(blob, off, off + t.get("nbytes").getAsInt()), bytes, key);
      int f32 = t.get("f32_offset").getAsInt();
      float[] torchFloats = new float[t.get("f32_nbytes").getAsInt() / 4];
      ByteBuffer.wrap(blob, f32, torchFloats.length * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(torchFloats);
      assertArrayEquals(bits(torchFloats), bits(data.toFloatArray()), key + " as float32");
    }
    assertEquals(keys, new ArrayList<>(weights.keySet()));
  }

  @Test
  void readsThePlainValuesOfTheMixedCheckpoint() throws Exception {
    Map<?, ?> root = (Map<?, ?>) TorchCheckpoint.read(TestFiles.resource("mixed.pth"));
    List<String> top = new ArrayList<>();
    json(TestFiles.resource("mixed_expected.json")).getAsJsonArray("top_level_keys").forEach(k -> top.add(k.getAsString()));
    assertEquals(top, new ArrayList<>(root.keySet()));

    Map<Object, Object> rest = new LinkedHashMap<>(root);
    rest.keySet().removeAll(List.of("network_weights", "optimizer_state"));
    assertSameData(mixedExtrasExpected(), rest);
    List<?> shared = (List<?>) root.get("shared");
    assertSame(shared.get(0), shared.get(1)); // one list, referenced twice through the memo

    Map<?, ?> state = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) root.get("optimizer_state")).get("state")).get(0L);
    assertEquals(TensorData.ofFloats(new long[0], new float[] {5f}), state.get("step"));
    assertEquals(TensorData.ofFloats(new long[] {2}, new float[] {0.5f, 0.5f}), state.get("exp_avg"));
  }

  /** Mirrors the non-tensor part of MIXED in make_torch_checkpoints.py. */
  private static Map<Object, Object> mixedExtrasExpected() {
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put("grad_scaler_state", null);
    m.put("ints", list(0L, 255L, 256L, 65536L, -(1L << 31), 1L << 31, 1L << 40, Long.MIN_VALUE,
        BigInteger.TWO.pow(64), BigInteger.TWO.pow(100).negate()));
    m.put("floats", list(0.0, -0.0, 1.5, Double.POSITIVE_INFINITY));
    m.put("np_scalars", list(0.25, -3.5, 1.5, -7L, true));
    m.put("tuple", PyTuple.of(1L, "two", 3.0, null, true));
    m.put("empty", list(PyTuple.of(), list(), new LinkedHashMap<>()));
    m.put("nested", map("a", map("b", map("c", list(1L, PyTuple.of(2L, 3L), map("d", null))))));
    m.put("devices", list(new TorchDevice("cuda", 0), new TorchDevice("cuda", -1), new TorchDevice("cpu", -1)));
    m.put("bytes", new byte[] {0, 1, 0x7f, (byte) 0x80, (byte) 0xff});
    m.put("text", "Gr\u00fc\u00dfe \u2713 \uD83D\uDE00");
    Map<Object, Object> intKeys = new LinkedHashMap<>();
    intKeys.put(3L, "three");
    intKeys.put(-1L, "minus one");
    m.put("int_keys", intKeys);
    m.put("shared", list(list(1L, "two"), list(1L, "two")));
    return m;
  }

  // -- round trips and torch.load interoperability --

  @ParameterizedTest
  @ValueSource(strings = {"mixed.pth", "tiny_grn_ds/checkpoint_final.pth", "tiny_k5_grnall_nods/checkpoint_final.pth"})
  void roundTripKeepsStructureOrderDtypesAndBits(String resource) throws Exception {
    assertRoundTrips(TorchCheckpoint.read(TestFiles.resource(resource)));
  }

  @Test
  void torchLoadsAJavaWrittenCheckpointWithSameKeysDtypesAndBytes() throws Exception {
    PythonTorch.assumeAvailable();
    Map<?, ?> mixed = (Map<?, ?>) TorchCheckpoint.read(TestFiles.resource("mixed.pth"));
    Path file = tmp.resolve("java_written.pth");
    TorchCheckpoint.write(file, mixed);

    JsonObject loaded = JsonParser.parseString(PythonTorch.exec(LOAD_SCRIPT, file.toString(), "False")).getAsJsonObject();

    assertEquals(new ArrayList<>(mixed.keySet()), strings(loaded.getAsJsonArray("keys")));
    assertEquals("OrderedDict", loaded.get("weights_type").getAsString());
    assertWeightsMatch((Map<?, ?>) mixed.get("network_weights"), loaded.getAsJsonArray("weights"));
    JsonObject rest = loaded.getAsJsonObject("rest");
    assertEquals("[0, 255, 256, 65536, -2147483648, 2147483648, 1099511627776, -9223372036854775808, "
        + "18446744073709551616, -1267650600228229401496703205376]", rest.get("ints").getAsString());
    assertEquals("[0.0, -0.0, 1.5, inf]", rest.get("floats").getAsString());
    assertEquals("(1, 'two', 3.0, None, True)", rest.get("tuple").getAsString());
    assertEquals("[(), [], {}]", rest.get("empty").getAsString());
    assertEquals("{'a': {'b': {'c': [1, (2, 3), {'d': None}]}}}", rest.get("nested").getAsString());
    assertEquals("[device(type='cuda', index=0), device(type='cuda'), device(type='cpu')]",
        rest.get("devices").getAsString());
    assertEquals("b'\\x00\\x01\\x7f\\x80\\xff'", rest.get("bytes").getAsString());
    assertEquals("'Gr\u00fc\u00dfe \u2713 \uD83D\uDE00'", rest.get("text").getAsString());
    assertEquals("{3: 'three', -1: 'minus one'}", rest.get("int_keys").getAsString());
    assertEquals("True", rest.get("shared_is_one_list").getAsString());
    assertEquals("None", rest.get("grad_scaler_state").getAsString());
  }

  @Test
  void torchLoadsAFloatFreeJavaCheckpointWithWeightsOnly() throws Exception {
    PythonTorch.assumeAvailable();
    OrderedDict weights = new OrderedDict();
    Map<?, ?> mixed = (Map<?, ?>) ((Map<?, ?>) TorchCheckpoint.read(TestFiles.resource("mixed.pth"))).get("network_weights");
    for (String k : List.of("conv.weight", "big_slice", "half", "bf16", "i64_scalar", "u8", "bool", "empty")) {
      weights.put(k, mixed.get(k));
    }
    Map<Object, Object> root = new LinkedHashMap<>();
    root.put("network_weights", weights);
    root.put("trainer_name", "nnUNetTrainer");
    root.put("inference_allowed_mirroring_axes", PyTuple.of(0L, 1L, 2L));
    root.put("big", BigInteger.ONE.shiftLeft(70));
    root.put("nested", map("a", list(1, null, "b")));
    Path file = tmp.resolve("weights_only.pth");
    TorchCheckpoint.write(file, root);

    JsonObject loaded = JsonParser.parseString(PythonTorch.exec(LOAD_SCRIPT, file.toString(), "True")).getAsJsonObject();

    assertEquals(List.of("network_weights", "trainer_name", "inference_allowed_mirroring_axes", "big", "nested"),
        strings(loaded.getAsJsonArray("keys")));
    assertWeightsMatch(weights, loaded.getAsJsonArray("weights"));
    assertEquals("(0, 1, 2)", loaded.getAsJsonObject("rest").get("inference_allowed_mirroring_axes").getAsString());
    assertEquals("1180591620717411303424", loaded.getAsJsonObject("rest").get("big").getAsString());
    assertEquals("{'a': [1, None, 'b']}", loaded.getAsJsonObject("rest").get("nested").getAsString());
  }

  /** Loads argv[1] (weights_only=argv[2]) and prints keys, per-tensor dtype/shape/sha256 and repr of the rest. */
  private static final String LOAD_SCRIPT = String.join("\n",
      "import sys, json, hashlib, torch",
      "obj = torch.load(sys.argv[1], weights_only=(sys.argv[2] == 'True'))",
      "w = obj['network_weights']",
      "def digest(t): return hashlib.sha256(t.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()).hexdigest()",
      "out = {'keys': list(obj.keys()), 'weights_type': type(w).__name__,",
      "       'weights': [[k, str(t.dtype)[6:], list(t.shape), digest(t)] for k, t in w.items()],",
      "       'rest': {k: repr(v) for k, v in obj.items() if k != 'network_weights'}}",
      "if 'shared' in obj: out['rest']['shared_is_one_list'] = repr(obj['shared'][0] is obj['shared'][1])",
      "print(json.dumps(out))");

  private static void assertWeightsMatch(Map<?, ?> weights, JsonArray loaded) throws Exception {
    assertEquals(weights.size(), loaded.size());
    int i = 0;
    for (Map.Entry<?, ?> e : weights.entrySet()) {
      JsonArray t = loaded.get(i++).getAsJsonArray();
      TensorData data = (TensorData) e.getValue();
      assertEquals(e.getKey(), t.get(0).getAsString());
      assertEquals(data.dtype(), dtype(t.get(1).getAsString()), e.getKey().toString());
      assertArrayEquals(data.shape(), longs(t.get(2).getAsJsonArray()), e.getKey().toString());
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update(data.data());
      assertEquals(java.util.HexFormat.of().formatHex(sha.digest()), t.get(3).getAsString(), e.getKey().toString());
    }
  }

  private void assertRoundTrips(Object root) throws Exception {
    Path file = tmp.resolve("roundtrip.pth");
    TorchCheckpoint.write(file, root);
    Object back = TorchCheckpoint.read(file);
    assertSameData(root, back);
    assertInstanceOf(Map.class, back);
  }

  // -- helpers --

  static DType dtype(String torchName) {
    return switch (torchName) {
      case "float32" -> DType.FLOAT32;
      case "float64" -> DType.FLOAT64;
      case "float16" -> DType.FLOAT16;
      case "bfloat16" -> DType.BFLOAT16;
      case "int64" -> DType.INT64;
      case "int32" -> DType.INT32;
      case "int16" -> DType.INT16;
      case "int8" -> DType.INT8;
      case "uint8" -> DType.UINT8;
      case "bool" -> DType.BOOL;
      default -> throw new AssertionError("unknown torch dtype " + torchName);
    };
  }

  static JsonObject json(Path file) throws Exception {
    return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
  }

  private static long[] longs(JsonArray a) {
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsLong();
    return out;
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    a.forEach(x -> out.add(x.getAsString()));
    return out;
  }

  private static int[] bits(float[] f) {
    int[] out = new int[f.length];
    for (int i = 0; i < f.length; i++) out[i] = Float.floatToRawIntBits(f[i]);
    return out;
  }

  static List<Object> list(Object... items) {
    return new ArrayList<>(Arrays.asList(items));
  }

  static Map<Object, Object> map(Object key, Object value) {
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put(key, value);
    return m;
  }
}
