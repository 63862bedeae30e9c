package org.mednext.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mednext.engine.Engines;

/** {@link SgdNesterov} against torch.optim.SGD(nesterov=True) runs of torch 1.13 (optim_fixtures.json). */
@Tag("engine")
class SgdNesterovTest {

  static SgdNesterov fromFixture(String config, List<NDArray> params) throws Exception {
    return new SgdNesterov(params, OptimFixtures.hyper(config, "lr"), OptimFixtures.hyper(config, "momentum"),
        OptimFixtures.hyper(config, "weight_decay"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sgd_nnunet", "sgd_strong_decay"})
  void matchesTorchAfterOneAndFiveSteps(String config) throws Exception {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      List<NDArray> params = OptimFixtures.initialParams(m);
      try (SgdNesterov sgd = fromFixture(config, params)) {
        for (int step = 0; step < 5; step++) {
          OptimFixtures.applyGradients(params, step);
          sgd.step();
          if (step == 0 || step == 4) {
            OptimFixtures.assertMatchesTorch(params, OptimFixtures.after(config, step + 1),
                OptimFixtures.root().getAsJsonArray("init"), config + " step " + (step + 1));
          }
        }
      }
    }
  }

  @Test
  void zeroesTheGradientsAfterTheStepSoThatTheyDoNotAccumulate() throws Exception {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      List<NDArray> params = OptimFixtures.initialParams(m);
      try (SgdNesterov sgd = SgdNesterov.nnUnet(params, 0.01)) {
        OptimFixtures.applyGradients(params, 0);
        sgd.step();
        for (int i = 0; i < 3; i++) {
          float[] g = params.get(i).getGradient().toFloatArray();
          assertArrayEquals(new float[g.length], g, "gradient of parameter " + i);
        }
        assertNull(Gradients.of(params.get(3)), "a parameter that never had a gradient keeps none");
      }
    }
  }

  @Test
  void skipsAParameterWithoutGradientAndKeepsNoStateForIt() throws Exception {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      List<NDArray> params = OptimFixtures.initialParams(m);
      float[] before = params.get(3).toFloatArray();
      try (SgdNesterov sgd = SgdNesterov.nnUnet(params, 0.01)) {
        OptimFixtures.applyGradients(params, 0);
        sgd.step();
        assertArrayEquals(before, params.get(3).toFloatArray());
        java.util.Map<?, ?> state = (java.util.Map<?, ?>) sgd.stateDict().get("state");
        assertEquals(List.of(0L, 1L, 2L), List.copyOf(state.keySet()));
      }
    }
  }

  @Test
  void nnUnetPresetUsesMomentum099AndWeightDecay3e5() throws Exception {
    try (NDManager m = Engines.pytorch().newBaseManager(); SgdNesterov sgd =
        SgdNesterov.nnUnet(List.of(m.zeros(new ai.djl.ndarray.types.Shape(2))), 0.01)) {
      assertEquals(0.99, sgd.momentum());
      assertEquals(3e-5, sgd.weightDecay());
      assertEquals(0.01, sgd.learningRate());
    }
  }

  @Test
  void rejectsMomentumZeroAndNegativeWeightDecay() {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      List<NDArray> p = List.of(m.zeros(new ai.djl.ndarray.types.Shape(2)));
      assertEquals("Nesterov momentum must be in (0, 1): 0.0",
          assertThrows(IllegalArgumentException.class, () -> new SgdNesterov(p, 0.01, 0, 0)).getMessage());
      assertEquals("weight decay must be finite and >= 0: -1.0",
          assertThrows(IllegalArgumentException.class, () -> new SgdNesterov(p, 0.01, 0.9, -1)).getMessage());
      assertEquals("learning rate must be finite and >= 0: NaN",
          assertThrows(IllegalArgumentException.class, () -> new SgdNesterov(p, Double.NaN, 0.9, 0)).getMessage());
    }
  }
}
