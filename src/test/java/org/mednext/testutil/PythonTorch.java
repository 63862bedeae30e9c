package org.mednext.testutil;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs Debian's /usr/bin/python3 with torch as an independent reference; tests skip where it is missing. */
public final class PythonTorch {

  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static Boolean available;

  private PythonTorch() {}

  /** Skips the calling test unless /usr/bin/python3 can import torch. */
  public static synchronized void assumeAvailable() throws Exception {
    if (available == null) {
      available = Files.isExecutable(PYTHON) && run("import torch", List.of()).exit == 0;
    }
    Assumptions.assumeTrue(available, "skipped: /usr/bin/python3 with torch is not installed");
  }

  /** Runs {@code script} with {@code args} in sys.argv[1:], asserts exit code 0 and returns stdout. */
  public static String exec(String script, String... args) throws Exception {
    Result r = run(script, List.of(args));
    assertEquals(0, r.exit, "python failed:\n" + r.stderr);
    return r.stdout;
  }

  private record Result(int exit, String stdout, String stderr) {}

  private static Result run(String script, List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), "-c", script));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("OMP_NUM_THREADS", "1");
    Path err = Files.createTempFile("python", ".err");
    try {
      pb.redirectError(err.toFile());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, out, "timed out");
      }
      return new Result(p.exitValue(), out, Files.readString(err));
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
