package org.mednext.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mednext.engine.Engines;
import org.mednext.torch.TensorData;

/** {@link AdamW} against torch.optim.AdamW runs of torch 1.13 (optim_fixtures.json). */
@Tag("engine")
class AdamWTest {

  static AdamW fromFixture(String config, List<NDArray> params) throws Exception {
    JsonArray betas = OptimFixtures.config(config).getAsJsonObject("hyper").getAsJsonArray("betas");
    double b1 = betas == null ? 0.9 : betas.get(0).getAsDouble();
    double b2 = betas == null ? 0.999 : betas.get(1).getAsDouble();
    return new AdamW(params, OptimFixtures.hyper(config, "lr"), b1, b2, OptimFixtures.hyper(config, "eps"),
        OptimFixtures.hyper(config, "weight_decay"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"adamw_mednext_v1", "adamw_primus"})
  void matchesTorchAfterOneAndFiveSteps(String config) throws Exception {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      List<NDArray> params = OptimFixtures.initialParams(m);
      try (AdamW adam = fromFixture(config, params)) {
        for (int step = 0; step < 5; step++) {
          OptimFixtures.applyGradients(params, step);
          adam.step();
          if (step == 0 || step == 4) {
            OptimFixtures.assertMatchesTorch(params, OptimFixtures.after(config, step + 1),
                OptimFixtures.root().getAsJsonArray("init"), config + " step " + (step + 1));
          }
        }
      }
    }
  }

  @Test
  void countsStepsPerParameterAsA0dFloatTensor() throws Exception {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      List<NDArray> params = OptimFixtures.initialParams(m);
      try (AdamW adam = AdamW.medNeXtV1(params, 1e-3)) {
        for (int step = 0; step < 2; step++) {
          OptimFixtures.applyGradients(params, step);
          adam.step();
        }
        Map<?, ?> state = (Map<?, ?>) adam.stateDict().get("state");
        assertEquals(3, state.size());
        TensorData step = (TensorData) ((Map<?, ?>) state.get(0L)).get("step");
        assertEquals(0, step.shape().length);
        assertEquals(2f, step.toFloatArray()[0]);
      }
    }
  }

  @Test
  void medNeXtV1PresetUsesEps1e4AndDefaultBetas() {
    try (NDManager m = Engines.pytorch().newBaseManager();
        AdamW adam = AdamW.medNeXtV1(List.of(m.zeros(new Shape(2))), 1e-3)) {
      assertEquals(0.9, adam.beta1());
      assertEquals(0.999, adam.beta2());
      assertEquals(1e-4, adam.eps());
      assertEquals(3e-5, adam.weightDecay());
    }
  }

  @Test
  void rejectsBetaOfOneAndNonFloatParameters() {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      List<NDArray> p = List.of(m.zeros(new Shape(2)));
      assertEquals("beta2 must be in [0, 1): 1.0",
          assertThrows(IllegalArgumentException.class, () -> new AdamW(p, 1e-3, 0.9, 1, 1e-8, 0)).getMessage());
      List<NDArray> ints = List.of(m.zeros(new Shape(2), ai.djl.ndarray.types.DataType.INT32));
      assertEquals("parameter 0 is int32; the optimizers keep float32 state and need float32 parameters",
          assertThrows(IllegalArgumentException.class, () -> AdamW.medNeXtV1(ints, 1e-3)).getMessage());
    }
  }
}
