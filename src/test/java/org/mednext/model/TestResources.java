package org.mednext.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Test resources of this package (src/test/resources/org/mednext/model) and a warning collector. */
final class TestResources {

  private TestResources() {}

  static String text(String name) {
    try (InputStream in = TestResources.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing test resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonObject json(String name) {
    return JsonParser.parseString(text(name)).getAsJsonObject();
  }

  static JsonElement parse(String json) {
    return JsonParser.parseString(json);
  }

  /** Collects warnings for assertions. */
  static final class Warnings implements Consumer<String> {
    final List<String> messages = new ArrayList<>();

    @Override
    public void accept(String s) {
      messages.add(s);
    }
  }
}
