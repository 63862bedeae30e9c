package org.mednext.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mednext.engine.Engines;

/**
 * The torch reference runs of tools/fixtures/make_optim_loss_fixtures.py (optim_fixtures.json): four parameters
 * (the last never gets a gradient), five gradient steps, parameters after steps 1, 3 and 5 per configuration.
 */
final class OptimFixtures {

  private static JsonObject root;

  private OptimFixtures() {}

  static synchronized JsonObject root() throws IOException {
    if (root == null) {
      try (InputStream in = OptimFixtures.class.getResourceAsStream("optim_fixtures.json")) {
        root = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
      }
    }
    return root;
  }

  /** The state dict torch saved after step 3 of {@code config}. */
  static Path state3(String config) throws Exception {
    return Path.of(OptimFixtures.class.getResource(config + "_state3.pth").toURI());
  }

  static JsonObject config(String name) throws IOException {
    for (JsonElement c : root().getAsJsonArray("configs")) {
      if (c.getAsJsonObject().get("name").getAsString().equals(name)) return c.getAsJsonObject();
    }
    throw new IllegalArgumentException(name);
  }

  static double hyper(String config, String key) throws IOException {
    return config(config).getAsJsonObject("hyper").get(key).getAsDouble();
  }

  /** A float32 array {shape, data} as an NDArray in {@code m}. */
  static NDArray array(NDManager m, JsonObject a) {
    return m.create(floats(a), shape(a));
  }

  static float[] floats(JsonObject a) {
    JsonArray d = a.getAsJsonArray("data");
    float[] f = new float[d.size()];
    for (int i = 0; i < f.length; i++) f[i] = (float) d.get(i).getAsDouble();
    return f;
  }

  static Shape shape(JsonObject a) {
    JsonArray s = a.getAsJsonArray("shape");
    long[] l = new long[s.size()];
    for (int i = 0; i < l.length; i++) l[i] = s.get(i).getAsLong();
    return new Shape(l);
  }

  /** The initial parameters, requiring gradients. */
  static List<NDArray> initialParams(NDManager m) throws IOException {
    return params(m, root().getAsJsonArray("init"));
  }

  /** Parameters from a list of {shape, data}, requiring gradients. */
  static List<NDArray> params(NDManager m, JsonArray list) {
    List<NDArray> params = new ArrayList<>();
    for (JsonElement e : list) {
      NDArray p = array(m, e.getAsJsonObject());
      p.setRequiresGradient(true);
      params.add(p);
    }
    return params;
  }

  /** torch's parameters after {@code step} (1, 3 or 5) of {@code config}. */
  static JsonArray after(String config, int step) throws IOException {
    return config(config).getAsJsonObject("after").getAsJsonArray(Integer.toString(step));
  }

  /** Gives the parameters the fixture's gradients of 0-based {@code step} (all but the last parameter). */
  static void applyGradients(List<NDArray> params, int step) throws IOException {
    JsonArray grads = root().getAsJsonArray("grads").get(step).getAsJsonArray();
    List<float[]> g = new ArrayList<>();
    for (JsonElement e : grads) g.add(floats(e.getAsJsonObject()));
    backward(params, g);
  }

  /** d/dp of sum_i sum(p_i * g_i) is exactly g_i: a real backward pass that leaves g_i in p_i's gradient. */
  static void backward(List<NDArray> params, List<float[]> grads) {
    try (NDScope scope = new NDScope(); GradientCollector gc = Engines.pytorch().newGradientCollector()) {
      NDArray loss = null;
      for (int i = 0; i < grads.size(); i++) {
        NDArray p = params.get(i);
        NDArray g = p.getManager().create(grads.get(i), p.getShape());
        NDArray term = p.mul(g).sum();
        loss = loss == null ? term : loss.add(term);
      }
      gc.backward(loss);
    }
  }

  /**
   * Asserts max |ours - torch| <= 1e-5 * max |torch - initial| per parameter (the update size); a parameter torch
   * left unchanged must be bit-identical.
   */
  static void assertMatchesTorch(List<NDArray> params, JsonArray expected, JsonArray initial, String what) {
    for (int i = 0; i < params.size(); i++) {
      float[] ours = params.get(i).toFloatArray();
      float[] torch = floats(expected.get(i).getAsJsonObject());
      float[] init = floats(initial.get(i).getAsJsonObject());
      double update = 0;
      double err = 0;
      for (int j = 0; j < ours.length; j++) {
        update = Math.max(update, Math.abs(torch[j] - init[j]));
        err = Math.max(err, Math.abs(ours[j] - torch[j]));
      }
      if (update == 0) {
        assertArrayEquals(torch, ours, what + ": parameter " + i + " must stay unchanged");
      } else {
        assertTrue(err <= 1e-5 * update, String.format("%s: parameter %d differs from torch by %.3g, %.3g of the "
            + "update size %.3g", what, i, err, err / update, update));
      }
    }
  }
}
