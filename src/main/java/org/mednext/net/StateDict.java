package org.mednext.net;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mednext.torch.TensorData;

/**
 * A MedNeXt state dict read into float32 and checked: the configuration its keys and shapes describe, and values
 * that are all finite. Needs no engine, so that a model folder can be checked before libtorch is up; building the
 * network from it ({@link MedNeXt#of}) does.
 *
 * @param config the network the keys and shapes describe
 * @param values state-dict key -> row-major float32 values, {@code dummy_tensor} included
 */
public record StateDict(MedNeXtConfig config, Map<String, float[]> values) {

  public StateDict {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * Checks a checkpoint's weights.
   *
   * @throws UnsupportedNetworkException if they are not a MedNeXt this code can build
   * @throws IllegalArgumentException for NaN or infinite values
   */
  public static StateDict of(Map<String, TensorData> weights) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    weights.forEach((k, t) -> shapes.put(k, t.shape()));
    MedNeXtConfig config = ArchitectureInference.infer(shapes);
    Map<String, float[]> values = new LinkedHashMap<>();
    weights.forEach((k, t) -> values.put(k, t.toFloatArray()));
    values.putIfAbsent("dummy_tensor", new float[] {1f}); // unused by the forward pass; absent in some exports
    MedNeXt.checkFinite(values);
    return new StateDict(config, values);
  }
}
