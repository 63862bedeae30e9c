package org.mednext.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.torch.OrderedDict;
import org.mednext.torch.PyTuple;
import org.mednext.torch.TensorData;
import org.mednext.torch.TorchCheckpoint;

/** {@link NnUnetCheckpoint#inferenceMirrorAxes}: the axes nnU-Net's predictor would mirror over. */
class NnUnetCheckpointTest {

  @TempDir Path tmp;

  private Path write(String name, Object root) throws IOException {
    Path file = tmp.resolve(name);
    TorchCheckpoint.write(file, root);
    return file;
  }

  private static OrderedDict weights() {
    OrderedDict state = new OrderedDict();
    state.put("stem.weight", TensorData.ofFloats(new long[] {2, 1, 1, 1, 1}, new float[] {1, 2}));
    return state;
  }

  private static Map<String, Object> nnUnetRoot() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("network_weights", weights());
    root.put("trainer_name", "nnUNetTrainer");
    return root;
  }

  @Test
  void mirrorsOverTheAxesTheCheckpointAllows() throws IOException {
    Map<String, Object> root = nnUnetRoot();
    root.put("inference_allowed_mirroring_axes", PyTuple.of(1L, 2L));
    assertArrayEquals(new int[] {1, 2}, NnUnetCheckpoint.read(write("a.pth", root)).inferenceMirrorAxes());
    root.put("inference_allowed_mirroring_axes", null); // the trainer disallows mirroring
    assertArrayEquals(new int[0], NnUnetCheckpoint.read(write("b.pth", root)).inferenceMirrorAxes());
  }

  @Test
  void anNnUnetCheckpointWithoutTheKeyIsNotMirrored() throws IOException {
    // nnU-Net's predictor sets the axes to None when the key is absent, and then does not mirror
    NnUnetCheckpoint ckpt = NnUnetCheckpoint.read(write("c.pth", nnUnetRoot()));
    assertTrue(ckpt.mirrorAxes().isEmpty());
    assertArrayEquals(new int[0], ckpt.inferenceMirrorAxes());
  }

  @Test
  void aBareStateDictIsMirroredOverAllAxes() throws IOException {
    assertArrayEquals(new int[] {0, 1, 2}, NnUnetCheckpoint.read(write("d.pth", weights())).inferenceMirrorAxes());
  }
}
