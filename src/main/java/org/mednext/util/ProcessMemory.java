package org.mednext.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory (Linux /proc/self/status); -1 where that is not available. */
public final class ProcessMemory {

  private ProcessMemory() {}

  /** Peak resident set size in bytes (VmHWM). */
  public static long peakRssBytes() {
    return field("VmHWM:");
  }

  /** Current resident set size in bytes (VmRSS). */
  public static long rssBytes() {
    return field("VmRSS:");
  }

  private static long field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name)) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    } catch (IOException | NumberFormatException | SecurityException e) {
      return -1;
    }
    return -1;
  }
}
