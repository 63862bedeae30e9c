package org.mednext.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Resolves {@code inherits_from} between plans configurations as nnU-Net's PlansManager does: a deep copy of
 * the (recursively resolved) parent, then updated key by key with the child's own entries. The update is
 * shallow: a child's {@code architecture} replaces the parent's whole block. Keys keep the parent's order, new
 * ones are appended (Python {@code dict.update}).
 */
final class Inheritance {

  private Inheritance() {}

  /**
   * The resolved configuration {@code name}.
   *
   * @param configurations cursor on plans.json's {@code configurations} object
   * @throws ModelFormatException for a missing parent, a non-string {@code inherits_from} or a cycle
   */
  static JsonObject resolve(JsonCursor configurations, String name) throws ModelFormatException {
    return resolve(configurations, name, new ArrayList<>());
  }

  private static JsonObject resolve(JsonCursor configurations, String name, List<String> chain)
      throws ModelFormatException {
    JsonObject own = configurations.field(name).object().deepCopy();
    JsonElement parent = own.get("inherits_from");
    if (parent == null) return own;
    JsonCursor parentCursor = configurations.field(name).field("inherits_from");
    if (!JsonCursor.isString(parent)) {
      throw parentCursor.fail("expected the name of another configuration, got " + JsonCursor.describe(parent));
    }
    String parentName = parent.getAsString();
    chain.add(name);
    if (chain.contains(parentName)) {
      throw parentCursor.fail("circular inheritance: " + String.join(" -> ", chain) + " -> " + parentName);
    }
    if (!configurations.object().has(parentName)) {
      throw parentCursor.fail("parent configuration \"" + parentName + "\" does not exist; available: "
          + String.join(", ", configurations.object().keySet()));
    }
    JsonObject base = resolve(configurations, parentName, chain);
    for (Map.Entry<String, JsonElement> e : own.entrySet()) base.add(e.getKey(), e.getValue());
    return base;
  }
}
