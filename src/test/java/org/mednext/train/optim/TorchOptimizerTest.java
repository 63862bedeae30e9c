package org.mednext.train.optim;

import org.mednext.testutil.PythonTorch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mednext.engine.Engines;
import org.mednext.torch.TensorData;
import org.mednext.torch.TorchCheckpoint;

/**
 * {@link TorchOptimizer}'s state dict (export to torch, import from torch, round trip, rejected input) and its
 * memory behaviour over many steps.
 */
@Tag("engine")
class TorchOptimizerTest {

  /** Continues a Java-exported state in torch for steps 4 and 5; prints the parameters as JSON. */
  private static final String CONTINUE_IN_TORCH = String.join("\n",
      "import json, sys, torch",
      "ckpt, fixtures, name = sys.argv[1:4]",
      "# torch 1.13's weights_only unpickler lacks BINFLOAT (its own optimizer states fail too); 2.x has it",
      "ck = torch.load(ckpt, weights_only=int(torch.__version__.split('.')[0]) >= 2)",
      "fx = json.load(open(fixtures))",
      "cfg = next(c for c in fx['configs'] if c['name'] == name)",
      "params = [t.clone().requires_grad_(True) for t in ck['params']]",
      "# deliberately wrong hyper-parameters: load_state_dict must bring the exported ones",
      "if cfg['kind'] == 'sgd':",
      "    opt = torch.optim.SGD(params, lr=0.5, momentum=0.5, nesterov=True, foreach=False)",
      "else:",
      "    opt = torch.optim.AdamW(params, lr=0.5, betas=(0.5, 0.5), eps=1.0, weight_decay=0.5, foreach=False)",
      "opt.load_state_dict(ck['optimizer'])",
      "for step in (3, 4):",
      "    opt.zero_grad(set_to_none=True)",
      "    for p, g in zip(params, fx['grads'][step]):",
      "        p.grad = torch.tensor(g['data'], dtype=torch.float32).reshape(g['shape'])",
      "    opt.step()",
      "print(json.dumps([{'shape': list(p.shape), 'data': p.detach().reshape(-1).tolist()} for p in params]))");

  static TorchOptimizer create(String config, List<NDArray> params) throws Exception {
    return config.startsWith("sgd") ? SgdNesterovTest.fromFixture(config, params)
        : AdamWTest.fromFixture(config, params);
  }

  /** An optimizer with other hyper-parameters than the fixture's, so that loading must replace them. */
  static TorchOptimizer wrongHyperParameters(String config, List<NDArray> params) {
    return config.startsWith("sgd") ? new SgdNesterov(params, 0.5, 0.5, 0) : new AdamW(params, 0.5, 0.5, 0.5, 1, 0.5);
  }

  static void run(TorchOptimizer opt, List<NDArray> params, int fromStep, int toStep) throws Exception {
    for (int step = fromStep; step < toStep; step++) {
      OptimFixtures.applyGradients(params, step);
      opt.step();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sgd_nnunet", "adamw_mednext_v1", "adamw_primus"})
  void exportedStateLoadsIntoTorchAndContinuesLikeTorch(String config, @TempDir Path dir) throws Exception {
    PythonTorch.assumeAvailable();
    Path ckpt = dir.resolve("state.pth");
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      List<NDArray> params = OptimFixtures.initialParams(m);
      try (TorchOptimizer opt = create(config, params)) {
        run(opt, params, 0, 3);
        List<Object> values = new ArrayList<>();
        for (NDArray p : params) values.add(TensorData.ofFloats(p.getShape().getShape(), p.toFloatArray()));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("params", values);
        root.put("optimizer", opt.stateDict());
        TorchCheckpoint.write(ckpt, root);
      }
      String fixtures = Path.of(OptimFixtures.class.getResource("optim_fixtures.json").toURI()).toString();
      String out = PythonTorch.exec(CONTINUE_IN_TORCH, ckpt.toString(), fixtures, config);
      JsonArray torchResult = JsonParser.parseString(out).getAsJsonArray();
      List<NDArray> continued = OptimFixtures.params(m, torchResult);
      OptimFixtures.assertMatchesTorch(continued, OptimFixtures.after(config, 5),
          OptimFixtures.root().getAsJsonArray("init"), config + " exported after 3 steps, continued in torch");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sgd_nnunet", "sgd_strong_decay", "adamw_mednext_v1", "adamw_primus"})
  void stateSavedByTorchLoadsAndContinuesLikeTorch(String config) throws Exception {
    Map<?, ?> saved = (Map<?, ?>) TorchCheckpoint.read(OptimFixtures.state3(config));
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      List<NDArray> params = OptimFixtures.params(m, OptimFixtures.after(config, 3));
      try (TorchOptimizer opt = wrongHyperParameters(config, params)) {
        opt.loadStateDict(saved);
        assertEquals(OptimFixtures.hyper(config, "lr"), opt.learningRate());
        run(opt, params, 3, 5);
      }
      OptimFixtures.assertMatchesTorch(params, OptimFixtures.after(config, 5),
          OptimFixtures.root().getAsJsonArray("init"), config + " loaded from torch after 3 steps");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sgd_strong_decay", "adamw_primus"})
  void stateSurvivesACheckpointFileRoundTripBitForBit(String config, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("opt.pth");
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      List<NDArray> a = OptimFixtures.initialParams(m);
      try (TorchOptimizer first = create(config, a)) {
        run(first, a, 0, 3);
        TorchCheckpoint.write(file, first.stateDict());
        List<NDArray> b = new ArrayList<>();
        for (NDArray p : a) {
          NDArray copy = p.duplicate();
          copy.setRequiresGradient(true);
          b.add(copy);
        }
        try (TorchOptimizer second = wrongHyperParameters(config, b)) {
          second.loadStateDict((Map<?, ?>) TorchCheckpoint.read(file));
          assertEquals(first.stateDict(), second.stateDict());
          run(first, a, 3, 5);
          run(second, b, 3, 5);
          for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).toFloatArray(), b.get(i).toFloatArray(), "parameter " + i);
          }
        }
      }
    }
  }

  @Test
  void rejectsAStateDictOfAnotherNetworkAndKeepsItsState() throws Exception {
    Map<?, ?> saved = (Map<?, ?>) TorchCheckpoint.read(OptimFixtures.state3("sgd_nnunet"));
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      List<NDArray> params = OptimFixtures.initialParams(m);
      try (SgdNesterov three = SgdNesterov.nnUnet(params.subList(0, 3), 0.01)) {
        assertEquals("optimizer state_dict holds 4 parameters, this optimizer 3: it belongs to a different network",
            assertThrows(IllegalArgumentException.class, () -> three.loadStateDict(saved)).getMessage());
      }
      List<NDArray> swapped = new ArrayList<>(params);
      swapped.set(0, params.get(2));
      swapped.set(2, params.get(0));
      try (SgdNesterov sgd = SgdNesterov.nnUnet(swapped, 0.01)) {
        run(sgd, params, 0, 1);
        Map<String, Object> before = sgd.stateDict();
        assertEquals("state of parameter 0: momentum_buffer has shape [6, 4, 3, 3, 3] but the parameter has shape "
                + "(3, 5): the state belongs to a different network",
            assertThrows(IllegalArgumentException.class, () -> sgd.loadStateDict(saved)).getMessage());
        assertEquals(before, sgd.stateDict());
      }
    }
  }

  @Test
  void rejectsFlagsItDoesNotImplement() throws Exception {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      List<NDArray> params = OptimFixtures.initialParams(m);
      try (SgdNesterov sgd = SgdNesterov.nnUnet(params, 0.01); AdamW adam = AdamW.medNeXtV1(params, 1e-3)) {
        Map<String, Object> plain = withGroupEntry(sgd.stateDict(), "nesterov", false);
        assertEquals("optimizer state_dict: param_groups[0].nesterov is False; SgdNesterov implements only "
            + "nesterov=True", assertThrows(IllegalArgumentException.class, () -> sgd.loadStateDict(plain))
            .getMessage());
        Map<String, Object> ams = withGroupEntry(adam.stateDict(), "amsgrad", true);
        assertEquals("optimizer state_dict: param_groups[0].amsgrad is True, which AdamW here does not implement",
            assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(ams)).getMessage());
        Map<String, Object> adamState = withGroupEntry(adam.stateDict(), "decoupled_weight_decay", false);
        assertEquals("optimizer state_dict: param_groups[0].decoupled_weight_decay is False: this is "
            + "torch.optim.Adam's state, not AdamW's",
            assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(adamState)).getMessage());
        assertEquals("optimizer state_dict: param_groups[0].momentum is missing",
            assertThrows(IllegalArgumentException.class, () -> sgd.loadStateDict(adam.stateDict())).getMessage());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> withGroupEntry(Map<String, Object> sd, String key, Object value) {
    Map<String, Object> group = (Map<String, Object>) ((List<Object>) sd.get("param_groups")).get(0);
    group.put(key, value);
    return sd;
  }

  @ParameterizedTest
  @ValueSource(strings = {"sgd", "adamw"})
  void keepsTheNumberOfLiveArraysConstantOver300Steps(String kind) {
    Shape shape = new Shape(100_000);
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      List<NDArray> params = new ArrayList<>();
      List<NDArray> grads = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        NDArray p = m.randomNormal(0, 0.05f, shape, ai.djl.ndarray.types.DataType.FLOAT32);
        p.setRequiresGradient(true);
        params.add(p);
        grads.add(m.randomNormal(shape));
      }
      try (TorchOptimizer opt = kind.equals("sgd") ? SgdNesterov.nnUnet(params, 0.01)
          : AdamW.medNeXtV1(params, 1e-3)) {
        int afterFirst = 0;
        for (int step = 0; step < 300; step++) {
          try (NDScope scope = new NDScope(); GradientCollector gc = Engines.pytorch().newGradientCollector()) {
            NDArray loss = null;
            for (int i = 0; i < 3; i++) {
              NDArray term = params.get(i).mul(grads.get(i)).sum();
              loss = loss == null ? term : loss.add(term);
            }
            gc.backward(loss);
          }
          GradientClipping.clipGradNorm(params, 12);
          opt.step();
          if (step == 0) afterFirst = m.getManagedArrays().size();
        }
        assertEquals(afterFirst, m.getManagedArrays().size(), "live arrays in the parameters' manager");
        assertEquals(6 + (kind.equals("sgd") ? 3 : 6), afterFirst, "parameters, gradient sources and state");
      }
    }
  }
}
