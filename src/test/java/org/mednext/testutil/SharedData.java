package org.mednext.testutil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the team's shared reference data ({@code ../shared} beside the checkout, or the folder named by the
 * {@code MEDNEXT_SHARED} environment variable or system property). Tests that need it call {@link #require}
 * and are skipped with a message when it is absent, so a fresh clone still passes.
 */
public final class SharedData {

  private SharedData() {}

  /** The shared folder, or null when it is not there. */
  public static Path root() {
    String configured = System.getProperty("MEDNEXT_SHARED", System.getenv("MEDNEXT_SHARED"));
    Path p = configured != null ? Paths.get(configured) : Paths.get("..", "shared");
    return Files.isDirectory(p) ? p.toAbsolutePath().normalize() : null;
  }

  /** {@code root().resolve(relative)}; skips the calling test when the file or folder does not exist. */
  public static Path require(String relative) {
    Path r = root();
    Assumptions.assumeTrue(r != null,
        "skipped: shared reference data not found (expected ../shared beside the checkout, or set MEDNEXT_SHARED)");
    Path p = r.resolve(relative);
    Assumptions.assumeTrue(Files.exists(p), "skipped: " + p + " not found in the shared reference data");
    return p;
  }
}
