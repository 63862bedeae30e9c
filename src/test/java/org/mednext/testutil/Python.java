package org.mednext.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs a small Python script with an interpreter that has a given module; skips the test when there is none. */
public final class Python {

  private static final String[] CANDIDATES = {"/usr/bin/python3", "/root/.pyenv/shims/python3", "python3"};

  private Python() {}

  /** An interpreter that can import {@code module}; skips the calling test when none can. */
  public static String require(String module) {
    for (String exe : CANDIDATES) {
      try {
        Process p = new ProcessBuilder(exe, "-c", "import " + module).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return exe;
      } catch (IOException e) {
        // try the next one
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    Assumptions.assumeTrue(false, "skipped: no Python with '" + module + "' found");
    return null;
  }

  /** Runs {@code script} with {@code args}; returns stdout, or fails with the script's output. */
  public static String run(String exe, String script, Path workDir, String... args) throws IOException, InterruptedException {
    Path file = Files.writeString(workDir.resolve("check_" + System.nanoTime() + ".py"), script, StandardCharsets.UTF_8);
    List<String> cmd = new ArrayList<>(List.of(exe, file.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("python failed: " + out);
    }
    return out;
  }
}
