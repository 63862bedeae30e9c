package org.mednext.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;
import org.mednext.demo.BrainStructures;
import org.mednext.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mednext demo}: segments the bundled sample with the bundled demo model and writes what it found. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Segment the bundled Colin27 T1 head with the bundled demonstration MedNeXt-v2 (three brain structures) "
        + "and write the label NIfTI, a PNG of three orthogonal slices with the label overlay, and the label volumes.",
        "A demonstration of the whole pipeline, not a clinical model: see models/demo-colin-structures/README.md."})
final class DemoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "-o", paramLabel = "OUTPUT_DIR", defaultValue = "demo-output",
      description = "where to write the results (default: ${DEFAULT-VALUE})")
  Path output;

  @Option(names = "--repo", paramLabel = "DIR", hidden = true, description = "the project folder (default: found from the working directory)")
  Path repo;

  @Option(names = "--write-training-data", paramLabel = "DATASET_DIR",
      description = "instead: write the demo's nnU-Net training dataset (sample + merged atlas labels) to DATASET_DIR")
  Path trainingData;

  @Mixin EngineOptions engine;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path root = repo != null ? repo : findRepo(trainingData == null);
    if (trainingData != null) {
      BrainStructures.writeDataset(BrainStructures.sampleFolder(root), trainingData);
      out.println("wrote the demo training dataset to " + trainingData.toAbsolutePath());
      return 0;
    }
    Demo.Result r = Demo.run(root, output, engine.checkedThreads(), engine.device,
        ConsoleProgress.forTerminal(spec.commandLine().getErr(), ""));
    out.print(r.report());
    out.flush();
    return 0;
  }

  /** The project folder: the working directory or a parent that holds sample-data/ and models/. */
  private static Path findRepo(boolean needsModel) {
    Path p = Paths.get("").toAbsolutePath();
    while (p != null) {
      if (Files.isDirectory(p.resolve("sample-data")) && (!needsModel || Files.isDirectory(p.resolve("models")))) return p;
      p = p.getParent();
    }
    throw new IllegalArgumentException("run 'mednext demo' inside the project folder (it needs sample-data/ and models/)");
  }
}
