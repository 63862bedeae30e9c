package org.mednext.fiji;

import ij.Prefs;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.mednext.testutil.TinyModelFolder;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

/** A SciJava context with every plugin (as Fiji has), the tiny threshold model, and running commands in it. */
final class CommandTests implements AutoCloseable {

  final Context context;
  final Path model;

  CommandTests(Path folder) throws Exception {
    Prefs.setThreads(1); // the test machine's cores are shared; libtorch threads would spin against each other
    context = new Context();
    model = TinyModelFolder.write(folder, TinyModelFolder.Weights.THRESHOLD);
  }

  /** Runs {@code command} with pre- and postprocessing, as a menu click or a macro would; returns the module. */
  CommandModule run(Class<? extends Command> command, Object... inputs)
      throws InterruptedException, ExecutionException {
    return context.service(CommandService.class).run(command, true, inputs).get();
  }

  @Override
  public void close() {
    context.dispose();
  }
}
