package org.mednext.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mednext.model.ModelExport;
import org.mednext.model.ModelFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mednext export-model}: a model folder with only what prediction and sharing need. */
@Command(name = "export-model", mixinStandardHelpOptions = true,
    description = "Copy a model folder's dataset.json, plans.json and, per fold, the checkpoint, logs, progress.png and "
        + "validation summary to a new folder (as nnUNetv2_export_model_to_zip), optionally without optimizer state.")
final class ExportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "-m", required = true, paramLabel = "MODEL_DIR", description = "the model folder")
  Path model;

  @Option(names = "-o", required = true, paramLabel = "OUT_DIR", description = "new folder to create")
  Path output;

  @Option(names = "-chk", defaultValue = ModelFolder.CHECKPOINT_FINAL, paramLabel = "NAME",
      description = "checkpoint to export (default: ${DEFAULT-VALUE})")
  String checkpoint;

  @Option(names = "--strip-optimizer", description = "drop the optimizer state (prediction does not need it)")
  boolean strip;

  @Option(names = "--verbose", description = "print stack traces of errors")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<Path> files = ModelExport.export(model, output, checkpoint, strip);
    for (Path f : files) out.println(f);
    return 0;
  }
}
