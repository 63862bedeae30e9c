package org.mednext.testutil;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The MedNeXt-v2 parity fixtures: read from {@code ../shared/fixtures/mednext_v2/NAME} when the shared data is
 * there, else from the copy in this project's test resources (same files, so a fresh clone still tests).
 */
public final class Fixtures {

  private Fixtures() {}

  /** Folder of fixture {@code name} (tiny_grn_ds, tiny_k5_grnall_nods, v2_base_c32_ds). */
  public static Path mednext(String name) {
    Path shared = SharedData.root();
    if (shared != null) {
      Path p = shared.resolve("fixtures/mednext_v2").resolve(name);
      if (Files.isDirectory(p)) return p;
    }
    URL url = Fixtures.class.getResource("/fixtures/mednext_v2/" + name + "/fixture.json");
    if (url == null) throw new IllegalStateException("fixture " + name + " is neither in ../shared nor in test resources");
    try {
      return Paths.get(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A raw little-endian float32 file. */
  public static float[] readFloats(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    float[] out = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }
}
