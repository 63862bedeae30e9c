package org.mednext.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mednext.engine.Engines;

/** {@link GradientClipping} against torch.nn.utils.clip_grad_norm_ of torch 1.13 (optim_fixtures.json, "clip"). */
@Tag("engine")
class GradientClippingTest {

  static JsonObject clipCase(String name) throws Exception {
    for (JsonElement c : OptimFixtures.root().getAsJsonArray("clip")) {
      if (c.getAsJsonObject().get("name").getAsString().equals(name)) return c.getAsJsonObject();
    }
    throw new IllegalArgumentException(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"clipped", "unchanged", "clipped_to_one"})
  void matchesTorchTotalNormAndScaledGradients(String name) throws Exception {
    JsonObject c = clipCase(name);
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      List<NDArray> params = new ArrayList<>();
      for (JsonElement s : OptimFixtures.root().getAsJsonArray("init")) {
        NDArray p = m.zeros(OptimFixtures.shape(s.getAsJsonObject()));
        p.setRequiresGradient(true);
        params.add(p);
      }
      List<float[]> grads = new ArrayList<>();
      for (JsonElement g : c.getAsJsonArray("grads")) grads.add(OptimFixtures.floats(g.getAsJsonObject()));
      OptimFixtures.backward(params, grads);
      double total = GradientClipping.clipGradNorm(params, c.get("max_norm").getAsDouble());
      double expected = c.get("total_norm").getAsDouble();
      assertEquals(expected, total, 2e-6 * expected, "total norm");
      JsonArray clipped = c.getAsJsonArray("clipped");
      for (int i = 0; i < clipped.size(); i++) {
        float[] want = OptimFixtures.floats(clipped.get(i).getAsJsonObject());
        float[] got = params.get(i).getGradient().toFloatArray();
        float scale = 0;
        for (float w : want) scale = Math.max(scale, Math.abs(w));
        assertArrayEquals(want, got, 2e-6f * scale, "gradient " + i);
      }
      assertNull(Gradients.of(params.get(3)), "the parameter without gradient keeps none");
    }
  }

  @Test
  void leavesGradientsBelowTheLimitBitIdentical() throws Exception {
    JsonObject c = clipCase("unchanged");
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray p = m.zeros(new Shape(6));
      p.setRequiresGradient(true);
      float[] g = {0.5f, -1f, 2f, 0f, 1e-3f, -7f};
      OptimFixtures.backward(List.of(p), List.of(g));
      assertEquals(Math.sqrt(0.25 + 1 + 4 + 1e-6 + 49), GradientClipping.clipGradNorm(List.of(p), 12), 1e-5);
      assertArrayEquals(g, p.getGradient().toFloatArray());
      assertEquals(12.0, c.get("max_norm").getAsDouble());
    }
  }

  @Test
  void returnsZeroWithoutGradientsAndRejectsANonPositiveLimit() {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray p = m.zeros(new Shape(3));
      p.setRequiresGradient(true);
      assertEquals(0.0, GradientClipping.clipGradNorm(List.of(p), 12));
      assertEquals("max norm must be finite and > 0: 0.0",
          assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipGradNorm(List.of(p), 0))
              .getMessage());
    }
  }
}
