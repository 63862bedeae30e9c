package org.mednext.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/** Helpers shared by the benchmark mains: peak RSS, medians, argument parsing. */
final class BenchSupport {

  private BenchSupport() {}

  /** Deletes {@code folder} with everything in it (the outputs of a run, whichever files the writer made). */
  static void deleteTree(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  /** Peak resident set size of this process in MB (Linux VmHWM), or -1 elsewhere. */
  static double peakRssMb() {
    return statusMb("VmHWM:");
  }

  /** Current resident set size in MB (Linux VmRSS), or -1 elsewhere. */
  static double rssMb() {
    return statusMb("VmRSS:");
  }

  private static double statusMb(String field) {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
        if (line.startsWith(field)) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** Value of {@code --name} in args, or the default. */
  static String option(String[] args, String name, String def) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--" + name)) return args[i + 1];
    }
    return def;
  }
}
