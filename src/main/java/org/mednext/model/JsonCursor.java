package org.mednext.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A position in a parsed JSON tree that knows its file and JSON path, so every typed read fails with
 * "{@code file: path: problem}". A cursor on a missing key is allowed; reading a value from it fails.
 */
final class JsonCursor {

  private static final int MAX_SHOWN = 80;

  private final String source;
  private final String path;
  private final JsonElement element; // null when the key is missing

  private JsonCursor(String source, String path, JsonElement element) {
    this.source = source;
    this.path = path;
    this.element = element;
  }

  static JsonCursor root(String source, JsonElement element) {
    return new JsonCursor(source, "", element);
  }

  /** A cursor for {@code element} at {@code path} of {@code source}. */
  static JsonCursor at(String source, String path, JsonElement element) {
    return new JsonCursor(source, path, element);
  }

  String source() {
    return source;
  }

  String path() {
    return path;
  }

  /** The element, or null when the key is missing. */
  JsonElement element() {
    return element;
  }

  boolean isMissing() {
    return element == null;
  }

  /** Missing or JSON {@code null}. */
  boolean isAbsent() {
    return element == null || element.isJsonNull();
  }

  /** The child under {@code key}; this cursor must be on an object. */
  JsonCursor field(String key) throws ModelFormatException {
    JsonObject o = object();
    return new JsonCursor(source, path.isEmpty() ? key : path + "." + key, o.get(key));
  }

  /** The object's entries as cursors, in file order. */
  List<Map.Entry<String, JsonCursor>> entries() throws ModelFormatException {
    List<Map.Entry<String, JsonCursor>> out = new ArrayList<>();
    for (String key : object().keySet()) out.add(Map.entry(key, field(key)));
    return out;
  }

  JsonObject object() throws ModelFormatException {
    if (element == null || !element.isJsonObject()) throw failGot("expected an object");
    return element.getAsJsonObject();
  }

  List<JsonCursor> list() throws ModelFormatException {
    if (element == null || !element.isJsonArray()) throw failGot("expected a list");
    JsonArray a = element.getAsJsonArray();
    List<JsonCursor> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) out.add(new JsonCursor(source, path + "[" + i + "]", a.get(i)));
    return out;
  }

  String string() throws ModelFormatException {
    if (!isString(element)) throw failGot("expected a string");
    return element.getAsString();
  }

  /** The string, or empty when missing or null. */
  Optional<String> optString() throws ModelFormatException {
    return isAbsent() ? Optional.empty() : Optional.of(string());
  }

  boolean bool() throws ModelFormatException {
    if (element == null || !element.isJsonPrimitive() || !element.getAsJsonPrimitive().isBoolean()) {
      throw failGot("expected true or false");
    }
    return element.getAsBoolean();
  }

  boolean bool(boolean defaultValue) throws ModelFormatException {
    return isAbsent() ? defaultValue : bool();
  }

  int integer() throws ModelFormatException {
    Integer v = asInteger(element);
    if (v == null) throw failGot("expected an integer");
    return v;
  }

  /** An integer that must be at least {@code min}. */
  int integer(int min) throws ModelFormatException {
    int v = integer();
    if (v < min) throw fail("must be >= " + min + ", got " + v);
    return v;
  }

  /**
   * A number. Besides JSON numbers this accepts the strings NaN, Infinity and -Infinity, which Python's json
   * module writes for non-finite floats (Gson reads those unquoted words as strings).
   */
  double number() throws ModelFormatException {
    if (element != null && element.isJsonPrimitive()) {
      JsonPrimitive p = element.getAsJsonPrimitive();
      if (p.isNumber()) return p.getAsDouble();
      if (p.isString()) {
        switch (p.getAsString()) {
          case "NaN": return Double.NaN;
          case "Infinity": return Double.POSITIVE_INFINITY;
          case "-Infinity": return Double.NEGATIVE_INFINITY;
          default: break;
        }
      }
    }
    throw failGot("expected a number");
  }

  List<Integer> intList() throws ModelFormatException {
    List<Integer> out = new ArrayList<>();
    for (JsonCursor c : list()) out.add(c.integer());
    return List.copyOf(out);
  }

  List<Double> numberList() throws ModelFormatException {
    List<Double> out = new ArrayList<>();
    for (JsonCursor c : list()) out.add(c.number());
    return List.copyOf(out);
  }

  List<String> stringList() throws ModelFormatException {
    List<String> out = new ArrayList<>();
    for (JsonCursor c : list()) out.add(c.string());
    return List.copyOf(out);
  }

  List<Boolean> boolList() throws ModelFormatException {
    List<Boolean> out = new ArrayList<>();
    for (JsonCursor c : list()) out.add(c.bool());
    return List.copyOf(out);
  }

  /** An exception "{@code source: path: problem}" for this position. */
  ModelFormatException fail(String problem) {
    return ModelFormatException.at(source, path, element == null ? "required key is missing" : problem);
  }

  /** {@link #fail} with "{@code problem}, got <the value as JSON>". */
  ModelFormatException failGot(String problem) {
    return fail(problem + ", got " + describe(element));
  }

  /** Like {@link #fail} but also for a missing key, whose message then is {@code problem} too. */
  ModelFormatException failAlways(String problem) {
    return ModelFormatException.at(source, path, problem);
  }

  static boolean isString(JsonElement e) {
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
  }

  /** The integer value of a JSON number with an integral value in int range (2 and 2.0), else null. */
  static Integer asInteger(JsonElement e) {
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) return null;
    try {
      BigDecimal d = new BigDecimal(e.getAsString());
      return d.intValueExact();
    } catch (ArithmeticException | NumberFormatException ex) {
      return null;
    }
  }

  /** Compact JSON for messages, shortened to {@value #MAX_SHOWN} characters. */
  static String describe(JsonElement e) {
    if (e == null) return "nothing";
    String s = e.toString();
    return s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN - 3) + "...";
  }
}
