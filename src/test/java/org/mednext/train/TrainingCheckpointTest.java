package org.mednext.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.net.ArchitectureInference;
import org.mednext.net.Initialization;
import org.mednext.net.MedNeXt;
import org.mednext.net.MedNeXtConfig;
import org.mednext.testutil.PythonTorch;
import org.mednext.train.optim.SgdNesterov;

/** Training checkpoints as PyTorch and nnU-Net read them, and back for resuming. */
@Tag("engine")
class TrainingCheckpointTest {

  @TempDir Path tmp;

  private static final MedNeXtConfig CONFIG = MedNeXtConfig.v1Small(1, 3, 3).withWidth(4).withGrn(true, false);

  private Path write(MedNeXt net) throws Exception {
    Path file = tmp.resolve("checkpoint_final.pth");
    List<NDArray> params = new ArrayList<>(net.stateDict().values());
    try (SgdNesterov sgd = SgdNesterov.nnUnet(params, 0.01)) {
      JsonObject plans = JsonParser.parseString("{\"configurations\": {\"3d_fullres\": {\"patch_size\": [32, 32, 32]}}}").getAsJsonObject();
      JsonObject dataset = JsonParser.parseString("{\"labels\": {\"background\": 0, \"a\": 1, \"b\": 2}}").getAsJsonObject();
      TrainingLog log = new TrainingLog();
      log.add(new TrainingLog.Epoch(0, 1.5, 1.2, new double[] {0.1, 0.2}, 0.15, 0.15, 0.01, 1000, 1010));
      TrainingCheckpoint.write(file, net, sgd, log, 0.15, 1, plans, dataset, "3d_fullres", "0", new int[] {0, 1, 2}, 42);
    }
    return file;
  }

  @Test
  void torchLoadsTheCheckpointWithTheReferenceStateDictLayoutAndItsOptimizerState() throws Exception {
    PythonTorch.assumeAvailable();
    try (MedNeXt net = new MedNeXt(CONFIG, Device.cpu())) {
      net.load(Initialization.pytorchDefault(CONFIG, 1));
      Path file = write(net);
      String out = PythonTorch.exec(String.join("\n",
          "import sys, json, torch, collections",
          "c = torch.load(sys.argv[1], map_location='cpu')",
          "w = c['network_weights']",
          "assert isinstance(w, collections.OrderedDict)",
          "params = [torch.nn.Parameter(t.clone()) for t in w.values()]",
          "opt = torch.optim.SGD(params, lr=0.5, momentum=0.99, nesterov=True, weight_decay=3e-5)",
          "opt.load_state_dict(c['optimizer_state'])",
          "print(json.dumps({'keys': list(w.keys()), 'shapes': [list(t.shape) for t in w.values()],",
          "  'dtypes': sorted({str(t.dtype) for t in w.values()}), 'trainer': c['trainer_name'],",
          "  'configuration': c['init_args']['configuration'], 'fold': c['init_args']['fold'],",
          "  'axes': list(c['inference_allowed_mirroring_axes']), 'epoch': c['current_epoch'],",
          "  'lr': opt.param_groups[0]['lr'], 'device': str(c['init_args']['device']),",
          "  'first': w['stem.weight'].flatten()[:3].tolist()}))"), file.toString());
      JsonObject r = JsonParser.parseString(out.strip()).getAsJsonObject();
      Map<String, long[]> expected = ArchitectureInference.expectedShapes(CONFIG);
      JsonArray keys = r.getAsJsonArray("keys");
      assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(List.of(new com.google.gson.Gson().fromJson(keys, String[].class))));
      JsonArray shapes = r.getAsJsonArray("shapes");
      int i = 0;
      for (long[] s : expected.values()) {
        assertArrayEquals(s, new com.google.gson.Gson().fromJson(shapes.get(i++), long[].class));
      }
      assertEquals("[\"torch.float32\"]", r.getAsJsonArray("dtypes").toString());
      assertEquals(TrainingCheckpoint.TRAINER_NAME, r.get("trainer").getAsString());
      assertEquals("3d_fullres", r.get("configuration").getAsString());
      assertEquals(0, r.get("fold").getAsInt());
      assertEquals("[0,1,2]", r.getAsJsonArray("axes").toString());
      assertEquals(1, r.get("epoch").getAsInt());
      assertEquals(0.01, r.get("lr").getAsDouble(), 1e-12, "the optimizer state carries the learning rate");
      assertEquals("cpu", r.get("device").getAsString());
      float[] stem = net.stateDict().get("stem.weight").toFloatArray();
      JsonArray first = r.getAsJsonArray("first");
      for (int j = 0; j < 3; j++) assertEquals(stem[j], first.get(j).getAsFloat(), 0f);
    }
  }

  @Test
  void readsBackWhatResumingNeeds() throws Exception {
    try (MedNeXt net = new MedNeXt(CONFIG, Device.cpu())) {
      net.load(Initialization.pytorchDefault(CONFIG, 3));
      TrainingCheckpoint.ResumeState s = TrainingCheckpoint.read(write(net));
      assertEquals(42, s.seed());
      assertEquals(1, s.nextEpoch());
      assertEquals(0.15, s.bestEma(), 0);
      assertEquals(List.of(1.5), s.log().trainLosses());
      assertArrayEquals(net.stateDict().get("down_1.conv2.weight").toFloatArray(), s.weights().get("down_1.conv2.weight").toFloatArray(), 0f);
    }
  }
}
