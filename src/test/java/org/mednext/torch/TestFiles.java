package org.mednext.torch;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Test resources of this package, and hand-made zip archives. */
final class TestFiles {

  private TestFiles() {}

  /**
   * A file under src/test/resources/org/mednext/torch/, or, for the parity fixtures ({@code tiny_*}), under the
   * project's shared copy src/test/resources/fixtures/mednext_v2/.
   */
  static Path resource(String name) {
    URL url = TestFiles.class.getResource(name.startsWith("tiny_") ? "/fixtures/mednext_v2/" + name : name);
    if (url == null) throw new IllegalStateException("missing test resource org/mednext/torch/" + name);
    try {
      return Paths.get(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a zip with the given entries, in order, uncompressed (as torch.save does). */
  static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
    try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry z = new ZipEntry(e.getKey());
        z.setMethod(ZipEntry.STORED);
        z.setSize(e.getValue().length);
        CRC32 crc = new CRC32();
        crc.update(e.getValue());
        z.setCrc(crc.getValue());
        zip.putNextEntry(z);
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return file;
  }

  /** A zip holding just {@code <root>/data.pkl} = {@code pickle}, plus the given storages {@code <root>/data/k}. */
  static Path checkpoint(Path file, String root, byte[] pickle, Map<String, byte[]> storages) throws IOException {
    java.util.LinkedHashMap<String, byte[]> entries = new java.util.LinkedHashMap<>();
    entries.put(root + "/data.pkl", pickle);
    storages.forEach((k, v) -> entries.put(root + "/data/" + k, v));
    entries.put(root + "/version", "3\n".getBytes());
    return zip(file, entries);
  }
}
