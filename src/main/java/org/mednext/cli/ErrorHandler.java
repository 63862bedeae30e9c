package org.mednext.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import org.mednext.engine.EngineUnavailableException;
import org.mednext.engine.Engines;
import org.mednext.net.UnsupportedNetworkException;
import org.mednext.predict.OutputException;
import org.mednext.predict.PredictionOutOfMemoryError;
import org.mednext.task.CancelledException;
import org.mednext.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Maps exceptions to exit codes and one readable line on stderr: bad input (files, arguments, unsupported
 * networks, missing engine) is exit 2, anything else exit 1 (an output that cannot be written and memory running out
 * reported as plain errors, the rest as internal ones). {@code --verbose} adds the stack trace.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

  static final int BAD_INPUT = 2;
  static final int INTERNAL = 1;

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
    PrintWriter err = cl.getErr();
    boolean verbose = parsed.hasMatchedOption("--verbose")
        || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose"));
    int code = isBadInput(ex) ? BAD_INPUT : INTERNAL;
    if (ex instanceof CancelledException) {
      err.println("mednext: cancelled; nothing was left half-written");
      return 130;
    }
    // a diverged training exits 1 like an internal error, but it is no fault of ours: reported as a plain error
    // nor is an output that cannot be written
    boolean ours = code == INTERNAL && !(ex instanceof TrainingDivergedException) && !(ex instanceof OutputException)
        && Engines.gpuOutOfMemory(ex) == null;
    String message = message(ex);
    err.println(ours ? "mednext: internal error: " + message + (verbose ? "" : " (run with --verbose for details)")
        : "mednext: error: " + message);
    if (verbose) ex.printStackTrace(err);
    err.flush();
    return code;
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("mednext: error: " + ex.getMessage());
    err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for the options.");
    return BAD_INPUT;
  }

  static boolean isBadInput(Throwable ex) {
    if (ex instanceof OutputException) return false; // the output's fault, not the input's
    return ex instanceof IOException || ex instanceof IllegalArgumentException
        || ex instanceof UnsupportedNetworkException || ex instanceof EngineUnavailableException;
  }

  static String message(Throwable ex) {
    if (ex instanceof NoSuchFileException e) return e.getFile() + ": no such file or folder";
    if (ex instanceof AccessDeniedException e) return e.getFile() + ": permission denied";
    if (ex instanceof FileNotFoundException && ex.getMessage() != null) return ex.getMessage();
    if (ex instanceof PredictionOutOfMemoryError g && g.onGpu()) { // more Java memory would not help
      return "out of memory " + g.getMessage() + " (--device cpu)";
    }
    String gpu = Engines.gpuOutOfMemory(ex);
    if (gpu != null) { // training, forward (predict says which tiles: the case above)
      return "out of GPU memory (" + gpu + "); free the GPU (nvidia-smi lists what holds"
          + " it), use less memory per step (train: a smaller --batch or --patch, --recompute-levels 5) or --device cpu";
    }
    if (ex instanceof OutOfMemoryError) {
      // the JVM's own message ("Java heap space") says nothing the user can act on; ours says how large the image was
      return "out of memory" + (ex instanceof PredictionOutOfMemoryError ? " " + ex.getMessage() : "")
          + String.format(Locale.ROOT, "; give Java more than its %.1f GB with MEDNEXT_JAVA_OPTS=-Xmx..g",
              Runtime.getRuntime().maxMemory() / 1e9);
    }
    String m = ex.getMessage();
    return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
  }
}
