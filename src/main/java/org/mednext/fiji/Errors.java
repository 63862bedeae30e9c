package org.mednext.fiji;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.mednext.engine.EngineUnavailableException;
import org.mednext.engine.Engines;
import org.mednext.net.UnsupportedNetworkException;
import org.mednext.predict.PredictionOutOfMemoryError;

/** One readable sentence for an exception, for a dialog or a stderr line (never a stack trace alone). */
final class Errors {

  private Errors() {}

  /**
   * Bad input the user can fix (files, settings, unsupported models, a missing engine), as opposed to a bug; the
   * message alone is enough for these.
   */
  static boolean isUserError(Throwable e) {
    return e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
        || e instanceof UnsupportedNetworkException || e instanceof EngineUnavailableException
        || e instanceof OutOfMemoryError || Engines.gpuOutOfMemory(e) != null;
  }

  /** The message for the user; for a bug, its type and where to find the stack trace. */
  static String describe(Throwable e, boolean headless) {
    if (isUserError(e)) return message(e);
    return "internal error (" + e.getClass().getSimpleName() + ": " + message(e) + "); " + (headless
        ? "run with -Dscijava.log.level=debug for the stack trace" : "the stack trace is in Window > Console");
  }

  static String message(Throwable e) {
    if (e instanceof NoSuchFileException n) return n.getFile() + ": no such file or folder";
    if (e instanceof AccessDeniedException a) return a.getFile() + ": permission denied";
    if (e instanceof FileNotFoundException && e.getMessage() != null) return e.getMessage();
    if (e instanceof PredictionOutOfMemoryError g && g.onGpu()) { // more Fiji memory would not help
      return "out of memory " + g.getMessage() + " (device=cpu)";
    }
    String gpu = Engines.gpuOutOfMemory(e);
    if (gpu != null) {
      return "out of GPU memory (" + gpu + "); free the GPU (nvidia-smi lists what holds"
          + " it), use a smaller patch, or Device cpu";
    }
    if (e instanceof OutOfMemoryError) {
      return "out of memory" + (e instanceof PredictionOutOfMemoryError ? " " + e.getMessage() : "")
          + ": give Fiji more (Edit > Options > Memory & Threads) or segment a smaller image";
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getCause() != null && e.getCause() != e ? message(e.getCause()) : e.getClass().getSimpleName();
    }
    return m;
  }
}
