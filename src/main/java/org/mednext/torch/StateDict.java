package org.mednext.torch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mednext.util.Checks;

/** Finds a network's weights in a checkpoint read by {@link TorchCheckpoint#read}. */
public final class StateDict {

  private static final List<String> WRAPPER_PREFIXES = List.of("module.", "_orig_mod.");

  private StateDict() {}

  /**
   * The parameter tensors by key, in the file's order, from an nnU-Net v2 checkpoint ({@code network_weights}),
   * an nnU-Net v1 checkpoint ({@code state_dict}) or a plain state dict (every value a tensor). Leading
   * {@code module.} (DataParallel/DDP) and {@code _orig_mod.} (torch.compile) prefixes are removed.
   *
   * @throws IllegalArgumentException if none of these layouts fits, naming the top-level keys found, or if the
   *     weights hold a non-tensor value or two keys that coincide once prefixes are removed
   */
  public static LinkedHashMap<String, TensorData> networkWeights(Object root) {
    Checks.argument(root instanceof Map, "a checkpoint with network weights is a dict, but this one is %s",
        root == null ? "None" : GlobalCalls.describe(root));
    Map<?, ?> top = (Map<?, ?>) root;
    Object weights;
    String where;
    if (top.get("network_weights") instanceof Map<?, ?> m) {
      weights = m;
      where = "network_weights";
    } else if (top.get("state_dict") instanceof Map<?, ?> m) {
      weights = m;
      where = "state_dict";
    } else if (!top.isEmpty() && top.values().stream().allMatch(v -> v instanceof TensorData)) {
      weights = top;
      where = "the top level";
    } else {
      throw new IllegalArgumentException("no network weights found: expected a dict with 'network_weights' "
          + "(nnU-Net v2), 'state_dict' (nnU-Net v1) or a plain state dict of tensors; top-level keys: "
          + keyList(top));
    }
    LinkedHashMap<String, TensorData> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : ((Map<?, ?>) weights).entrySet()) {
      Checks.argument(e.getKey() instanceof String, "weights in %s have a non-string key %s", where,
          GlobalCalls.describe(e.getKey()));
      String key = stripPrefixes((String) e.getKey());
      Checks.argument(e.getValue() instanceof TensorData, "weight '%s' in %s is %s, not a tensor", e.getKey(), where,
          GlobalCalls.describe(e.getValue()));
      Checks.argument(out.put(key, (TensorData) e.getValue()) == null,
          "two weights in %s are both named '%s' once 'module.'/'_orig_mod.' prefixes are removed", where, key);
    }
    return out;
  }

  private static String stripPrefixes(String key) {
    boolean stripped = true;
    while (stripped) {
      stripped = false;
      for (String p : WRAPPER_PREFIXES) {
        if (key.startsWith(p)) {
          key = key.substring(p.length());
          stripped = true;
        }
      }
    }
    return key;
  }

  private static String keyList(Map<?, ?> top) {
    List<String> keys = new ArrayList<>();
    for (Object k : top.keySet()) {
      if (keys.size() == 20) {
        keys.add("... (" + top.size() + " in all)");
        break;
      }
      keys.add(GlobalCalls.describe(k));
    }
    return keys.isEmpty() ? "none (an empty dict)" : String.join(", ", keys);
  }
}
