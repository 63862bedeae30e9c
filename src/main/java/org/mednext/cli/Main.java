package org.mednext.cli;

import java.io.PrintWriter;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/**
 * The {@code mednext} command line. Exit codes: 0 success, 2 bad input (one line on stderr saying which file,
 * what is wrong and what to do), 1 anything else (an output that cannot be written, out of memory, an internal error).
 * Only {@link #main} calls {@code System.exit}.
 */
@Command(name = "mednext", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "MedNeXt-v2 segmentation, fine-tuning and model tools (the command line of MedNeXt for Fiji).",
    subcommands = {DemoCommand.class, PredictCommand.class, TrainCommand.class, InfoCommand.class, ExportCommand.class,
        ForwardCommand.class, InstallFijiCommand.class, CommandLine.HelpCommand.class})
public final class Main {

  public static void main(String[] args) {
    oneLineLogging();
    int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    StopOnSignal.reported(); // a Ctrl-C hook waiting for the last line may let the JVM end now
    System.exit(code);
  }

  /** java.util.logging notes (e.g. "using ZScoreNormalization") as one "mednext: ..." line on stderr. */
  private static void oneLineLogging() {
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    for (java.util.logging.Handler h : root.getHandlers()) h.setFormatter(new OneLine());
  }

  /**
   * A log record as one line; a warning (a file's header, a TIFF's calibration) marked as the command's own warnings
   * are, "mednext: warning: ...".
   */
  static final class OneLine extends java.util.logging.Formatter {
    @Override
    public String format(java.util.logging.LogRecord r) {
      boolean warning = r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue();
      return "mednext: " + (warning ? "warning: " : "") + formatMessage(r) + System.lineSeparator();
    }
  }

  /** Runs the command line with the given streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, System::getenv);
  }

  /** As {@link #run(String[], PrintWriter, PrintWriter)}, with environment variables from {@code environment}. */
  static int run(String[] args, PrintWriter out, PrintWriter err, Function<String, String> environment) {
    CommandLine cl = new CommandLine(new Main());
    cl.getSubcommands().get("predict").<PredictCommand>getCommand().environment = environment;
    cl.setOut(out).setErr(err);
    ErrorHandler handler = new ErrorHandler();
    cl.setExecutionExceptionHandler(handler);
    cl.setParameterExceptionHandler(handler);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    // nnU-Net's single-dash long options (-chk, -device, -step_size) beside -d, -c, -p: no "-dxyz" read as "-d xyz",
    // so a mistyped option is reported as unknown rather than taken as a value
    cl.setPosixClusteredShortOptionsAllowed(false);
    // "-f 0 --disable-tta" (a typo) is an unknown option, not a fold named "--disable-tta"; set on the subcommands too
    cl.setUnmatchedOptionsAllowedAsOptionParameters(false);
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) { // picocli hands only Exceptions to the handler
      ParseResult parsed = cl.getParseResult();
      boolean training = parsed != null && parsed.subcommand() != null
          && parsed.subcommand().commandSpec().name().equals("train");
      err.println("mednext: error: " + ErrorHandler.message(e) + (training ? ", or train with a smaller --patch or "
          + "--batch" : ""));
      err.flush();
      return ErrorHandler.INTERNAL;
    }
  }

  /** Version from the jar manifest, or "development". */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"MedNeXt for Fiji " + (v == null ? "(development build)" : v)};
    }
  }
}
