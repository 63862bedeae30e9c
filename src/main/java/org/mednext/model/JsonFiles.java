package org.mednext.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.logging.Logger;
import org.mednext.util.AtomicFiles;

/** Reading and atomically writing the JSON files of a model folder, formatted as nnU-Net writes them. */
final class JsonFiles {

  /** Far above any real plans/dataset/splits file; guards against reading a wrong, huge file into memory. */
  static final long MAX_BYTES = 64L << 20;

  // NB: nulls must be written ("force_separate_z": null is meaningful) and '<', '=' must stay unescaped.
  private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

  private static final Logger LOG = Logger.getLogger("org.mednext.model");

  private JsonFiles() {}

  /** The default warning sink: java.util.logging, logger {@code org.mednext.model}. */
  static void logWarning(String message) {
    LOG.warning(message);
  }

  /** Reads {@code file} as a JSON object; the messages name the file. */
  static JsonObject readObject(Path file) throws IOException {
    return requireObject(readElement(file), file.toString());
  }

  /** Reads {@code file} as any JSON value; the messages name the file. */
  static JsonElement readElement(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "file not found");
    long size = Files.size(file);
    if (size > MAX_BYTES) {
      throw new ModelFormatException(file + ": " + size + " bytes is too large for an nnU-Net JSON file (limit "
          + MAX_BYTES + "); is this the right file?");
    }
    return parseElement(new String(Files.readAllBytes(file), StandardCharsets.UTF_8), file.toString());
  }

  /** Parses {@code text} as a JSON object; {@code source} names it in messages. */
  static JsonObject parseObject(String text, String source) throws ModelFormatException {
    return requireObject(parseElement(text, source), source);
  }

  private static JsonElement parseElement(String text, String source) throws ModelFormatException {
    String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
    try {
      // Gson parses leniently, which accepts the NaN/Infinity that Python's json module writes.
      return JsonParser.parseString(t);
    } catch (JsonParseException | StackOverflowError e) {
      Throwable detail = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
      String why = String.valueOf(detail.getMessage());
      throw new ModelFormatException(source + ": not valid JSON: " + why, e);
    }
  }

  private static JsonObject requireObject(JsonElement root, String source) throws ModelFormatException {
    if (!root.isJsonObject()) {
      throw new ModelFormatException(source + ": expected a JSON object at the top level, got " + JsonCursor.describe(root));
    }
    return root.getAsJsonObject();
  }

  /** JSON text as Python's {@code json.dump(obj, f, indent=4)} writes it: key order kept, no trailing newline. */
  static String format(JsonElement element) {
    StringWriter out = new StringWriter();
    try {
      write(element, out);
    } catch (IOException e) {
      throw new IllegalStateException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  private static void write(JsonElement element, Writer out) throws IOException {
    JsonWriter w = new JsonWriter(out);
    w.setIndent("    ");
    GSON.toJson(element, w); // sets the writer lenient, so NaN and Infinity are written as Python does
    w.flush();
  }

  /**
   * Writes {@code text} to {@code file} through a temporary file in the same folder and an atomic rename, so a
   * crash leaves either the old or the new file, never a half-written one.
   */
  static void writeAtomically(Path file, String text) throws IOException {
    AtomicFiles.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

}
