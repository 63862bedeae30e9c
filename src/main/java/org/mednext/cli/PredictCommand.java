package org.mednext.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mednext.engine.Engines;
import org.mednext.model.Fold;
import org.mednext.model.ModelFolder;
import org.mednext.predict.CaseInput;
import org.mednext.predict.CaseWriter;
import org.mednext.predict.Prediction;
import org.mednext.predict.Predictor;
import org.mednext.predict.PredictorOptions;
import org.mednext.task.CancelledException;
import org.mednext.util.ProcessMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mednext predict}: nnUNetv2_predict for MedNeXt model folders. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Segment volumes with an nnU-Net model folder of a MedNeXt network, as nnUNetv2_predict does.",
        "INPUT: a NIfTI/TIFF/DICOM file, a DICOM series folder, or a folder of cases (nnU-Net's CASE_0000.nii.gz "
            + "naming; for single-channel models any .nii/.nii.gz/.tif files and DICOM sub-folders).",
        "Writes OUTPUT_DIR/<case>.nii.gz (labels on the input's grid) and, with --save_probabilities, <case>.npz."})
final class PredictCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "-i", required = true, paramLabel = "INPUT", description = "input file or folder")
  Path input;

  @Option(names = "-o", required = true, paramLabel = "OUTPUT_DIR", description = "output folder (created if needed)")
  Path output;

  @Option(names = "-m", required = true, paramLabel = "MODEL_DIR",
      description = "model folder with dataset.json, plans.json and fold_N/ checkpoints")
  Path model;

  @Option(names = "-f", arity = "1..*", paramLabel = "FOLD",
      description = "folds to ensemble, e.g. -f 0 1 2 3 4 or -f all (default: every fold folder with the checkpoint)")
  List<String> folds = new ArrayList<>();

  @Option(names = "-chk", paramLabel = "NAME", defaultValue = ModelFolder.CHECKPOINT_FINAL,
      description = "checkpoint file name in the fold folders (default: ${DEFAULT-VALUE})")
  String checkpointName;

  @Option(names = "--step_size", paramLabel = "S", defaultValue = "0.5",
      description = "tile step as a fraction of the patch, in (0, 1] (default: ${DEFAULT-VALUE}); larger is faster")
  double stepSize;

  @Option(names = "--disable_tta", description = "no test-time mirroring (up to 8x faster)")
  boolean disableTta;

  @Option(names = "--save_probabilities", description = "also write <case>.npz with the class probabilities")
  boolean saveProbabilities;

  @Option(names = "--continue_prediction", description = "skip cases whose output file already exists")
  boolean continuePrediction;

  @Mixin EngineOptions engine;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Fold> foldList = new ArrayList<>();
    for (String f : folds) foldList.add(Fold.parse(f));
    PredictorOptions options = PredictorOptions.defaults().withFolds(foldList).withCheckpointName(checkpointName)
        .withStepSize(stepSize).withMirroring(!disableTta).withProbabilities(saveProbabilities)
        .withThreads(engine.checkedThreads()).withDevice(engine.device);
    Files.createDirectories(output);
    ConsoleProgress progress = ConsoleProgress.forTerminal(err, "");
    Thread worker = Thread.currentThread();
    Thread hook = new Thread(() -> {
      progress.cancel(); // Ctrl-C: stop between tiles, leave no half-written file
      try {
        worker.join(20_000);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
    // the engine starts in the background while the first case is read and preprocessed
    try (Predictor predictor = Predictor.open(model, options)) {
      List<CaseInput> cases = CaseInput.discover(input, predictor.model().datasetJson().fileEnding(), predictor.channels());
      out.printf(Locale.ROOT, "model: %s%n", predictor.describe());
      out.printf(Locale.ROOT, "%d case(s) -> %s%n", cases.size(), output);
      out.flush();
      boolean engineShown = false;
      int failed = 0;
      for (int i = 0; i < cases.size(); i++) {
        CaseInput c = cases.get(i);
        String label = String.format(Locale.ROOT, "[%d/%d] %s: ", i + 1, cases.size(), c.id());
        if (continuePrediction && Files.exists(CaseWriter.labelFile(output, c.id()))) {
          out.println(label + "skipped (output exists)");
          continue;
        }
        try {
          ConsoleProgress caseProgress = progress.withPrefix(label);
          CaseInput.Loaded loaded = c.load();
          Prediction p = predictor.predict(loaded.channels(), loaded.shape(), loaded.geometry().spacingNnUnetOrder(),
              caseProgress);
          if (!engineShown) {
            caseProgress.endLine();
            out.printf(Locale.ROOT, "engine: %s%n", Engines.describe(predictor.device()));
            engineShown = true;
          }
          caseProgress.start("writing", 0);
          long w0 = System.nanoTime();
          List<Path> written = CaseWriter.write(p, loaded.geometry(), output, c.id(), engine.threads, caseProgress);
          double write = (System.nanoTime() - w0) / 1e9;
          caseProgress.endLine();
          out.printf(Locale.ROOT, "%spreprocess %.1f s | predict %.1f s | export %.1f s | write %.1f s | peak RSS %s -> %s%n",
              label, p.times().preprocess(), p.times().predict(), p.times().export(), write,
              gigabytes(ProcessMemory.peakRssBytes()), String.join(", ", written.stream().map(Path::toString).toList()));
        } catch (CancelledException e) {
          throw e;
        } catch (IOException | RuntimeException e) {
          predictor.rethrowFailure(e); // no engine or device: no case can run, and that is the news
          failed++;
          err.println("mednext: error: " + label + ErrorHandler.message(e));
          if (engine.verbose) e.printStackTrace(err);
        }
        out.flush();
      }
      if (failed > 0) {
        err.printf(Locale.ROOT, "mednext: %d of %d case(s) failed%n", failed, cases.size());
        return ErrorHandler.BAD_INPUT;
      }
      return 0;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting after Ctrl-C; the hook is waiting for us
      }
    }
  }

  private static String gigabytes(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
  }
}
