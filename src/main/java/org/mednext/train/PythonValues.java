package org.mednext.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON trees as the plain Java values the checkpoint pickler writes (dict, list, str, int, float, bool, None). */
final class PythonValues {

  private PythonValues() {}

  static Object fromJson(JsonElement e) {
    if (e == null || e.isJsonNull()) return null;
    if (e.isJsonObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> x : ((JsonObject) e).entrySet()) m.put(x.getKey(), fromJson(x.getValue()));
      return m;
    }
    if (e.isJsonArray()) {
      List<Object> l = new ArrayList<>();
      for (JsonElement x : (JsonArray) e) l.add(fromJson(x));
      return l;
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    if (p.isBoolean()) return p.getAsBoolean();
    if (p.isString()) return p.getAsString();
    String text = p.getAsString();
    boolean integral = !text.contains(".") && !text.contains("e") && !text.contains("E") && !text.contains("N") && !text.contains("I");
    return integral ? (Object) p.getAsLong() : (Object) p.getAsDouble();
  }
}
