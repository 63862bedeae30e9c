package org.mednext.testutil;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fixtures' documented value generator ("splitmix-u24", see fixtures/mednext_v2/README.md): every value
 * comes from (seed, stream, element index). Re-implemented from the README's description, independently of the
 * code under test.
 */
public final class SplitMixWeights {

  private SplitMixWeights() {}

  /** {@code n} values of stream {@code stream}: offset + scale * v, float32, two separate roundings. */
  public static float[] values(long seed, long stream, int n, float scale, float offset) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      long x = (seed << 56) | (stream << 40);
      x ^= i;
      long z = x + 0x9E3779B97F4A7C15L;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      z = z ^ (z >>> 31);
      float u = (float) (z >>> 40);
      float v = u * 0x1p-23f - 1.0f;
      float product = scale * v;
      out[i] = offset + product;
    }
    return out;
  }

  /** Every tensor of a {@code weights_recipe.json}, keyed like the state dict, in recipe order. */
  public static Map<String, float[]> fromRecipe(Path recipeFile) throws IOException {
    JsonObject recipe = JsonParser.parseString(Files.readString(recipeFile)).getAsJsonObject();
    long seed = recipe.get("seed").getAsLong();
    Map<String, float[]> out = new LinkedHashMap<>();
    for (JsonElement el : recipe.getAsJsonArray("tensors")) {
      JsonObject t = el.getAsJsonObject();
      int n = 1;
      for (JsonElement d : t.getAsJsonArray("shape")) n *= d.getAsInt();
      float scale = Float.intBitsToFloat(Integer.parseUnsignedInt(t.get("scale_f32_bits").getAsString().substring(2), 16));
      float offset = t.get("offset").getAsFloat();
      float[] v = values(seed, t.get("index").getAsLong(), n, scale, offset);
      JsonArray first = t.getAsJsonObject("checksum").getAsJsonArray("first");
      for (int i = 0; i < first.size(); i++) {
        if (v[i] != first.get(i).getAsFloat()) {
          throw new IllegalStateException("generator disagrees with recipe checksum at " + t.get("key") + "[" + i + "]");
        }
      }
      out.put(t.get("key").getAsString(), v);
    }
    return out;
  }

  /** Shapes of the recipe's tensors in order. */
  public static Map<String, long[]> shapes(Path recipeFile) throws IOException {
    JsonObject recipe = JsonParser.parseString(Files.readString(recipeFile)).getAsJsonObject();
    Map<String, long[]> out = new LinkedHashMap<>();
    for (JsonElement el : recipe.getAsJsonArray("tensors")) {
      JsonObject t = el.getAsJsonObject();
      JsonArray s = t.getAsJsonArray("shape");
      long[] shape = new long[s.size()];
      for (int i = 0; i < shape.length; i++) shape[i] = s.get(i).getAsLong();
      out.put(t.get("key").getAsString(), shape);
    }
    return out;
  }
}
