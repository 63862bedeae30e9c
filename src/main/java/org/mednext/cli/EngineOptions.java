package org.mednext.cli;

import ai.djl.Device;
import org.mednext.engine.Engines;
import picocli.CommandLine.Option;

/** {@code --threads} and {@code --device}, shared by the commands that run the network. */
final class EngineOptions {

  @Option(names = "--threads", paramLabel = "N",
      description = "threads for the network and the CPU stages (default: all cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = {"--device", "-device"}, paramLabel = "auto|cpu|gpu", defaultValue = "auto",
      description = "where the network runs: auto (the GPU when DJL sees one), cpu or gpu (also: cuda) "
          + "(default: ${DEFAULT-VALUE})")
  String device = "auto";

  @Option(names = "--verbose", description = "print stack traces of errors")
  boolean verbose;

  /** Starts the engine with these settings and returns the device. */
  Device start() {
    Engines.setThreads(checkedThreads());
    return Engines.device(device);
  }

  /** {@code --threads}, checked. */
  int checkedThreads() {
    if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
    return threads;
  }
}
