package org.mednext.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Function;

/** Runs the command line in-process and captures exit code, stdout and stderr. */
record CliRunner(int exitCode, String out, String err) {

  static CliRunner run(String... args) {
    return runWithEnvironment(System::getenv, args);
  }

  /** With environment variables from {@code environment} (where the command reads any). */
  static CliRunner runWithEnvironment(Function<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), environment);
    return new CliRunner(code, out.toString(), err.toString());
  }
}
