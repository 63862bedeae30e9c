package org.mednext.cli;

import ai.djl.Device;
import java.util.Locale;
import org.mednext.engine.Engines;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --threads} and {@code --device}, shared by the commands that run the network. */
final class EngineOptions {

  @Option(names = "--threads", paramLabel = "N",
      description = "threads for the network and the CPU stages (default: all cores; more than the cores warns)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = {"--device", "-device"}, paramLabel = "auto|cpu|gpu", defaultValue = "auto",
      description = "where the network runs: auto (the GPU when libtorch can use one), cpu or gpu (also: cuda) "
          + "(default: ${DEFAULT-VALUE})")
  String device = "auto";

  @Option(names = "--verbose", description = "print stack traces of errors")
  boolean verbose;

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  private boolean warned;

  /** Starts the engine with these settings and returns the device. */
  Device start() {
    Engines.setThreads(checkedThreads());
    return Engines.device(device);
  }

  /** Whether {@code --device} asks for the GPU outright (not {@code auto}). */
  boolean gpuRequired() {
    String d = device.toLowerCase(Locale.ROOT);
    return d.equals("gpu") || d.equals("cuda");
  }

  /** {@code --threads}, checked; more than the cores is honoured, as nnU-Net does, with a warning. */
  int checkedThreads() {
    if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
    int cores = Runtime.getRuntime().availableProcessors();
    if (threads > cores && !warned) {
      // threads beyond the cores only take turns: --threads 999 on 2 cores ran 12x slower
      warned = true;
      mixee.commandLine().getErr().printf(Locale.ROOT, "mednext: warning: --threads %d is more than the %d core(s) "
          + "Java sees; more threads than cores make it slower, not faster (leave --threads out to use all cores)%n",
          threads, cores);
    }
    return threads;
  }
}
