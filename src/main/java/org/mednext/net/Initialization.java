package org.mednext.net;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * PyTorch's default initialisation of a fresh MedNeXt (the reference trainers apply no custom initialiser):
 * convolution and transposed-convolution weights and biases uniform in +-1/sqrt(fan_in) (Kaiming uniform with
 * a = sqrt(5)), fan_in = weight dim 1 x kernel volume (for transposed convolutions that is out/groups x kernel
 * volume, as PyTorch computes it); GroupNorm weight 1, bias 0; GRN gamma = beta = 0 (GRN starts as identity);
 * {@code dummy_tensor} 1. Deterministic for a seed: each tensor draws from its own stream.
 */
public final class Initialization {

  private Initialization() {}

  /** Fresh weights for every state-dict key of {@code config}. */
  public static Map<String, float[]> pytorchDefault(MedNeXtConfig config, long seed) {
    Map<String, long[]> shapes = ArchitectureInference.expectedShapes(config);
    Map<String, float[]> out = new LinkedHashMap<>();
    int index = 0;
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      String key = e.getKey();
      float[] v = new float[(int) new Shape(e.getValue()).size()];
      SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + index++);
      if (key.equals("dummy_tensor") || key.endsWith("norm.weight")) {
        java.util.Arrays.fill(v, 1f);
      } else if (key.endsWith("norm.bias") || key.contains("grn_")) {
        // zeros
      } else {
        long[] w = shapes.get(key.endsWith(".bias") ? key.substring(0, key.length() - 5) + ".weight" : key);
        long fanIn = w[1];
        for (int d = 2; d < w.length; d++) fanIn *= w[d];
        double bound = 1 / Math.sqrt(fanIn);
        for (int i = 0; i < v.length; i++) v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
      }
      out.put(key, v);
    }
    return out;
  }
}
