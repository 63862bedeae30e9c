package org.mednext.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link StateDict#networkWeights}. */
class StateDictTest {

  private static final TensorData A = TensorData.ofFloats(new long[] {1}, new float[] {1});
  private static final TensorData B = TensorData.ofFloats(new long[] {1}, new float[] {2});

  @Test
  void findsNnunetV2WeightsInTheFixtureCheckpoint() throws Exception {
    Object root = TorchCheckpoint.read(TestFiles.resource("tiny_k5_grnall_nods/checkpoint_final.pth"));
    Map<String, TensorData> weights = StateDict.networkWeights(root);
    Map<?, ?> raw = (Map<?, ?>) ((Map<?, ?>) root).get("network_weights");
    assertEquals(new ArrayList<>(raw.keySet()), new ArrayList<>(weights.keySet()));
    assertSame(raw.get("stem.weight"), weights.get("stem.weight"));
  }

  @Test
  void findsNnunetV1StateDictAndStripsWrapperPrefixes() {
    Map<Object, Object> sd = new OrderedDict();
    sd.put("module.stem.weight", A);
    sd.put("_orig_mod.module.out_0.conv_out.bias", B);
    Map<Object, Object> root = new LinkedHashMap<>();
    root.put("epoch", 1000L);
    root.put("state_dict", sd);
    root.put("optimizer_state_dict", new LinkedHashMap<>());

    LinkedHashMap<String, TensorData> w = StateDict.networkWeights(root);

    assertEquals(List.of("stem.weight", "out_0.conv_out.bias"), new ArrayList<>(w.keySet()));
    assertSame(B, w.get("out_0.conv_out.bias"));
  }

  @Test
  void acceptsAPlainStateDict() {
    Map<Object, Object> root = new LinkedHashMap<>();
    root.put("b", B);
    root.put("a", A);
    assertEquals(List.of("b", "a"), new ArrayList<>(StateDict.networkWeights(root).keySet()));
  }

  @Test
  void namesTheTopLevelKeysWhenNoWeightsAreFound() {
    Map<Object, Object> root = new LinkedHashMap<>();
    root.put("epoch", 3L);
    root.put("weights", A);
    root.put(7L, "x");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StateDict.networkWeights(root));
    assertEquals("no network weights found: expected a dict with 'network_weights' (nnU-Net v2), 'state_dict' "
        + "(nnU-Net v1) or a plain state dict of tensors; top-level keys: 'epoch', 'weights', 7", e.getMessage());
    IllegalArgumentException notDict = assertThrows(IllegalArgumentException.class,
        () -> StateDict.networkWeights(List.of(A)));
    assertEquals("a checkpoint with network weights is a dict, but this one is a list of 1", notDict.getMessage());
  }

  @Test
  void refusesNonTensorWeightsAndKeysThatCollideOncePrefixesAreStripped() {
    Map<Object, Object> sd = new OrderedDict();
    sd.put("conv.weight", A);
    sd.put("conv.bias", 3L);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StateDict.networkWeights(Map.of("network_weights", sd)));
    assertEquals("weight 'conv.bias' in network_weights is 3, not a tensor", e.getMessage());

    Map<Object, Object> twice = new OrderedDict();
    twice.put("module.conv.weight", A);
    twice.put("conv.weight", B);
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
        () -> StateDict.networkWeights(Map.of("state_dict", twice)));
    assertEquals("two weights in state_dict are both named 'conv.weight' once 'module.'/'_orig_mod.' prefixes are "
        + "removed", dup.getMessage());
  }
}
