package org.mednext.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.mednext.torch.TensorData;

/**
 * Transfer of pretrained weights into a freshly initialised network, as nnU-Net's {@code load_pretrained_weights}
 * but keyed on MedNeXt's own head names: every tensor whose key and shape match is copied; the output heads
 * ({@code out_*}) keep their fresh initialisation when the label set changed their shape (and are reported); any
 * other missing key or shape mismatch is an error listing the offending keys (nnU-Net requires identical
 * topology, input channels included).
 */
public final class PretrainedWeights {

  private PretrainedWeights() {}

  /** What the transfer did. */
  public record Report(int copied, List<String> reinitialisedHeads, List<String> ignoredSourceKeys) {}

  /**
   * Overwrites {@code target} (fresh weights by key, in state-dict order) with matching pretrained tensors.
   *
   * @throws IllegalArgumentException listing keys that are missing or have another shape outside the heads
   */
  public static Report apply(Map<String, float[]> target, Map<String, long[]> targetShapes, Map<String, TensorData> source) {
    List<String> problems = new ArrayList<>();
    List<String> heads = new ArrayList<>();
    int copied = 0;
    for (Map.Entry<String, long[]> e : targetShapes.entrySet()) {
      String key = e.getKey();
      TensorData t = source.get(key);
      boolean head = key.startsWith("out_");
      if (t == null) {
        if (head) heads.add(key);
        else if (!key.equals("dummy_tensor")) problems.add(key + " missing");
        continue;
      }
      if (!Arrays.equals(t.shape(), e.getValue())) {
        if (head) heads.add(key);
        else problems.add(key + " is " + Arrays.toString(t.shape()) + ", the network needs " + Arrays.toString(e.getValue()));
        continue;
      }
      target.put(key, t.toFloatArray());
      copied++;
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("the pretrained weights do not fit this network (" + problems.size()
          + " problem(s): " + String.join("; ", problems.subList(0, Math.min(8, problems.size())))
          + (problems.size() > 8 ? "; ..." : "") + "). The pretrained network's architecture and input channels must"
          + " match; only the output heads may differ (another label set)");
    }
    List<String> ignored = new ArrayList<>();
    for (String k : source.keySet()) if (!targetShapes.containsKey(k)) ignored.add(k);
    return new Report(copied, heads, ignored);
  }
}
