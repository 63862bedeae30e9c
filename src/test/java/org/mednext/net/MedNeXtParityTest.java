package org.mednext.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mednext.engine.Engines;
import org.mednext.testutil.Fixtures;
import org.mednext.testutil.SplitMixWeights;

/**
 * The network against the reference PyTorch MedNeXt: outputs of every head and selected gradients of the three
 * parity fixtures (fixtures/mednext_v2/README.md): |output difference| <= 1e-4, gradient difference <= 1e-4 x
 * max |g| per tensor.
 */
@Tag("engine")
class MedNeXtParityTest {

  static MedNeXtConfig configOf(String fixture) {
    switch (fixture) {
      case "tiny_grn_ds":
        return new MedNeXtConfig(1, 3, 8, new int[] {2, 3, 4, 4, 4, 4, 4, 3, 2}, new int[] {2, 1, 1, 1, 2, 1, 1, 1, 2},
            3, 3, true, false, true);
      case "tiny_k5_grnall_nods":
        return new MedNeXtConfig(2, 2, 8, new int[] {2, 2, 2, 2, 2, 2, 2, 2, 2}, new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1},
            5, 5, true, true, false);
      case "v2_base_c32_ds":
        return MedNeXtConfig.v2Base(1, 3);
      default:
        throw new IllegalArgumentException(fixture);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny_grn_ds", "tiny_k5_grnall_nods", "v2_base_c32_ds"})
  void stateDictTableMatchesTheReferenceKeysShapesAndOrder(String fixture) throws IOException {
    Path dir = Fixtures.mednext(fixture);
    Map<String, long[]> reference = SplitMixWeights.shapes(dir.resolve("weights_recipe.json"));
    try (MedNeXt net = new MedNeXt(configOf(fixture), Device.cpu())) {
      Map<String, Shape> ours = net.stateDictShapes();
      assertEquals(new ArrayList<>(reference.keySet()), new ArrayList<>(ours.keySet()));
      reference.forEach((k, s) -> assertArrayEquals(s, ours.get(k).getShape(), k));
      long expected = JsonParser.parseString(Files.readString(dir.resolve("fixture.json"))).getAsJsonObject()
          .get("param_count").getAsLong();
      assertEquals(expected, net.parameterCount());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny_grn_ds", "tiny_k5_grnall_nods", "v2_base_c32_ds"})
  void inferenceOutputsMatchTheReference(String fixture) throws IOException {
    Path dir = Fixtures.mednext(fixture);
    JsonObject files = fixtureFiles(dir);
    try (MedNeXt net = new MedNeXt(configOf(fixture), Device.cpu());
        NDManager m = Engines.pytorch().newBaseManager()) {
      net.load(SplitMixWeights.fromRecipe(dir.resolve("weights_recipe.json")));
      NDArray input = m.create(Fixtures.readFloats(dir.resolve("input.bin")), shapeOf(files.getAsJsonObject("input")));
      NDList out = net.predict(input);
      List<JsonObject> expected = list(files, "outputs");
      assertEquals(expected.size(), out.size());
      for (int h = 0; h < out.size(); h++) {
        float[] want = Fixtures.readFloats(dir.resolve(expected.get(h).get("file").getAsString()));
        assertEquals(shapeOf(expected.get(h)), out.get(h).getShape(), "head " + h);
        double diff = maxAbsDiff(out.get(h).toFloatArray(), want);
        System.out.printf(java.util.Locale.ROOT, "%s head %d: max |difference| %.2e%n", fixture, h, diff);
        assertTrue(diff <= 1e-4, fixture + " head " + h + ": max |difference| " + diff + " > 1e-4");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny_grn_ds", "tiny_k5_grnall_nods", "v2_base_c32_ds"})
  void gradientsMatchTheReference(String fixture) throws IOException {
    withTrainableNet(fixture, (net, m, dir, files, input, gc) -> {
      JsonObject grads = files.getAsJsonObject("grads");
      input.setRequiresGradient(true);
      List<JsonObject> outputs = list(files, "outputs");
      NDList out = net.forward(net.parameterStore(), new NDList(input), true);
      NDArray loss = null;
      for (int h = 0; h < out.size(); h++) {
        NDArray target = m.create(Fixtures.readFloats(dir.resolve("grad_target_" + h + ".bin")), out.get(h).getShape());
        NDArray term = out.get(h).mul(target).mean();
        loss = loss == null ? term : loss.add(term);
      }
      assertEquals(grads.get("loss").getAsDouble(), loss.getFloat(), 1e-6, "loss");
      gc.backward(loss);
      for (JsonObject p : list(grads, "params")) {
        String key = p.get("param").getAsString();
        NDArray g = "<input>".equals(key) ? input.getGradient() : net.parameter(key).getArray().getGradient();
        assertGradient(key, Fixtures.readFloats(dir.resolve(p.get("file").getAsString())), g.toFloatArray());
      }
      assertEquals(outputs.size(), out.size());
    });
  }

  @ParameterizedTest
  @CsvSource({"tiny_grn_ds, 0", "tiny_grn_ds, 1", "tiny_grn_ds, 5", "tiny_k5_grnall_nods, 2", "tiny_k5_grnall_nods, 5",
      "v2_base_c32_ds, 1"})
  void activationCheckpointingGivesTheReferenceGradients(String fixture, int recomputeLevels) throws IOException {
    withTrainableNet(fixture, (net, m, dir, files, input, gc) -> {
      JsonObject grads = files.getAsJsonObject("grads");
      List<float[]> targets = new ArrayList<>();
      for (int h = 0; h < list(files, "outputs").size(); h++) {
        targets.add(Fixtures.readFloats(dir.resolve("grad_target_" + h + ".bin")));
      }
      float loss = net.forwardBackward(net.parameterStore(), input, out -> {
        NDArray sum = null;
        for (int h = 0; h < out.size(); h++) {
          NDArray term = out.get(h).mul(m.create(targets.get(h), out.get(h).getShape())).mean();
          sum = sum == null ? term : sum.add(term);
        }
        return sum;
      }, recomputeLevels);
      assertEquals(grads.get("loss").getAsDouble(), loss, 1e-6, "loss");
      int checked = 0;
      for (JsonObject p : list(grads, "params")) {
        String key = p.get("param").getAsString();
        if ("<input>".equals(key)) continue; // the input is a constant of the pass
        NDArray g = net.parameter(key).getArray().getGradient();
        assertGradient(key, Fixtures.readFloats(dir.resolve(p.get("file").getAsString())), g.toFloatArray());
        checked++;
      }
      assertTrue(checked > 0);
    });
  }

  private interface GradientCheck {
    void run(MedNeXt net, NDManager m, Path dir, JsonObject files, NDArray input, GradientCollector gc)
        throws IOException;
  }

  /** The fixture's network with the recipe's weights, trainable, and its input; grad mode on during the check. */
  private static void withTrainableNet(String fixture, GradientCheck check) throws IOException {
    Path dir = Fixtures.mednext(fixture);
    JsonObject files = fixtureFiles(dir);
    try (MedNeXt net = new MedNeXt(configOf(fixture), Device.cpu());
        NDManager m = Engines.pytorch().newBaseManager()) {
      net.load(SplitMixWeights.fromRecipe(dir.resolve("weights_recipe.json")));
      net.setRequiresGradient(true);
      // a fixed thread count, as Trainer sets it: libtorch's and MKL's summation order then does not depend on what
      // ran before in this JVM
      Engines.setThreads(2);
      Engines.setGradMode(true);
      NDArray input = m.create(Fixtures.readFloats(dir.resolve("input.bin")), shapeOf(files.getAsJsonObject("input")));
      try (NDScope scope = new NDScope(); GradientCollector gc = Engines.pytorch().newGradientCollector()) {
        check.run(net, m, dir, files, input, gc);
      } finally {
        Engines.setGradMode(false);
      }
    }
  }

  private static void assertGradient(String key, float[] want, float[] got) {
    assertEquals(want.length, got.length, key);
    double max = 0;
    for (float v : want) max = Math.max(max, Math.abs(v));
    double diff = maxAbsDiff(got, want);
    assertTrue(diff <= 1e-4 * max, key + ": max |difference| " + diff + " > 1e-4 x max|g| = " + 1e-4 * max);
  }

  static JsonObject fixtureFiles(Path dir) throws IOException {
    return JsonParser.parseString(Files.readString(dir.resolve("fixture.json"))).getAsJsonObject().getAsJsonObject("files");
  }

  static List<JsonObject> list(JsonObject o, String key) {
    List<JsonObject> l = new ArrayList<>();
    for (JsonElement e : o.getAsJsonArray(key)) l.add(e.getAsJsonObject());
    return l;
  }

  static Shape shapeOf(JsonObject file) {
    long[] s = new long[file.getAsJsonArray("shape").size()];
    for (int i = 0; i < s.length; i++) s[i] = file.getAsJsonArray("shape").get(i).getAsLong();
    return new Shape(s);
  }

  static double maxAbsDiff(float[] a, float[] b) {
    assertEquals(b.length, a.length);
    double d = 0;
    for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs((double) a[i] - b[i]));
    return d;
  }
}
