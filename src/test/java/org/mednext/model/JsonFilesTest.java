package org.mednext.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JsonFiles}: Python-compatible formatting, atomic writes, clean errors. */
class JsonFilesTest {

  @TempDir Path tmp;

  @Test
  void formatsLikePythonsJsonDumpWithIndent4() throws ModelFormatException {
    String text = "{\"a\": null, \"b\": [1, 2.5, -1e-05], \"c\": {}, \"d\": [], \"e\": \"<x=y&z>\","
        + " \"g\": {\"h\": [[1, 2], []]}}";
    // python3 -c 'import json; print(repr(json.dumps({...the same...}, indent=4)))'
    String python = "{\n    \"a\": null,\n    \"b\": [\n        1,\n        2.5,\n        -1e-05\n    ],\n    \"c\": {},\n"
        + "    \"d\": [],\n    \"e\": \"<x=y&z>\",\n    \"g\": {\n        \"h\": [\n            [\n                1,\n"
        + "                2\n            ],\n            []\n        ]\n    }\n}";
    assertEquals(python, JsonFiles.format(JsonFiles.parseObject(text, "x.json")));
  }

  @Test
  void writesAtomicallyAndReplaces() throws IOException {
    Path f = tmp.resolve("out.json");
    JsonFiles.writeAtomically(f, "{}");
    JsonFiles.writeAtomically(f, "{\"a\": 1}");
    assertEquals("{\"a\": 1}", Files.readString(f));
    try (var listing = Files.list(tmp)) {
      assertEquals(1, listing.count());
    }
  }

  @Test
  void refusesHugeFilesBeforeReadingThem() throws IOException {
    Path f = tmp.resolve("big.json");
    try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {' '}), JsonFiles.MAX_BYTES); // sparse file just over the limit
    }
    String msg = assertThrows(ModelFormatException.class, () -> JsonFiles.readObject(f)).getMessage();
    assertEquals(f + ": " + (JsonFiles.MAX_BYTES + 1) + " bytes is too large for an nnU-Net JSON file (limit "
        + JsonFiles.MAX_BYTES + "); is this the right file?", msg);
  }

  @Test
  void reportsSyntaxErrorsWithTheSource() {
    String msg = assertThrows(ModelFormatException.class, () -> JsonFiles.parseObject("{\"a\": [1, 2}", "p.json")).getMessage();
    assertTrue(msg.startsWith("p.json: not valid JSON: "), msg);
    assertEquals("p.json: expected a JSON object at the top level, got null",
        assertThrows(ModelFormatException.class, () -> JsonFiles.parseObject("", "p.json")).getMessage());
  }
}
