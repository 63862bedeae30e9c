package org.mednext.train.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * torch 1.13 reference values of tools/fixtures/make_optim_loss_fixtures.py (loss_fixtures.json): nnU-Net's losses
 * transcribed onto torch's softmax / cross_entropy / BCE-with-logits, with autograd gradients.
 */
final class LossFixtures {

  private static JsonObject root;

  private LossFixtures() {}

  static synchronized JsonObject root() throws IOException {
    if (root == null) {
      try (InputStream in = LossFixtures.class.getResourceAsStream("loss_fixtures.json")) {
        root = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
      }
    }
    return root;
  }

  static JsonObject lossCase(String name) throws IOException {
    for (JsonElement c : root().getAsJsonArray("cases")) {
      if (c.getAsJsonObject().get("name").getAsString().equals(name)) return c.getAsJsonObject();
    }
    throw new IllegalArgumentException(name);
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

  /** Logits requiring a gradient. */
  static NDArray logits(NDManager m, JsonObject a) {
    NDArray x = m.create(floats(a), shape(a));
    x.setRequiresGradient(true);
    return x;
  }

  /** Labels stored as floats, converted to {@code type}. */
  static NDArray labels(NDManager m, JsonObject a, DataType type) {
    try (NDArray f = m.create(floats(a), shape(a))) {
      return f.toType(type, true);
    }
  }

  static Integer ignoreLabel(JsonObject c) {
    JsonElement e = c.get("ignore_label");
    return e == null || e.isJsonNull() ? null : e.getAsInt();
  }

  static int[][] regions(JsonObject c) {
    JsonArray r = c.getAsJsonArray("regions");
    int[][] out = new int[r.size()][];
    for (int i = 0; i < out.length; i++) {
      JsonArray labels = r.get(i).getAsJsonArray();
      out[i] = new int[labels.size()];
      for (int j = 0; j < out[i].length; j++) out[i][j] = labels.get(j).getAsInt();
    }
    return out;
  }

  /** The loss within 1e-6 relative (float32 sums in a different order). */
  static void assertLoss(double expected, NDArray loss, String what) {
    assertEquals(0, loss.getShape().dimension(), what + ": a 0-d loss");
    assertEquals(expected, loss.getFloat(), 1e-6 * Math.max(1, Math.abs(expected)), what + ": loss");
  }

  /** Every gradient element within 1e-5 of the largest |gradient| of torch. */
  static void assertGradient(JsonObject expected, NDArray logits, String what) {
    float[] want = floats(expected);
    float[] got = logits.getGradient().toFloatArray();
    assertEquals(want.length, got.length);
    double scale = 0;
    double err = 0;
    for (int i = 0; i < want.length; i++) {
      scale = Math.max(scale, Math.abs(want[i]));
      err = Math.max(err, Math.abs(want[i] - got[i]));
    }
    if (scale == 0) {
      assertEquals(0.0, err, what + ": torch's gradient is zero");
    } else {
      assertTrue(err <= 1e-5 * scale, String.format("%s: gradient differs by %.3g, %.3g of max |grad| %.3g", what,
          err, err / scale, scale));
    }
  }
}
