package org.mednext.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.mednext.engine.Engines;
import org.mednext.io.DicomSeriesReader;
import org.mednext.model.Fold;
import org.mednext.model.ModelFolder;
import org.mednext.model.ResultsFolder;
import org.mednext.predict.CaseInput;
import org.mednext.predict.CaseWriter;
import org.mednext.predict.OutputException;
import org.mednext.predict.PredictionOutOfMemoryError;
import org.mednext.predict.Prediction;
import org.mednext.predict.Predictor;
import org.mednext.predict.PredictorOptions;
import org.mednext.task.CancelledException;
import org.mednext.util.AtomicFiles;
import org.mednext.util.ProcessMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mednext predict}: nnUNetv2_predict for MedNeXt model folders. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Segment volumes with an nnU-Net model folder of a MedNeXt network, as nnUNetv2_predict does.",
        "MODEL: -m MODEL_DIR, or -d DATASET -c CONFIGURATION [-tr TRAINER] [-p PLANS] under $nnUNet_results.",
        "INPUT: a NIfTI/TIFF/DICOM file, a DICOM series folder, or a folder of cases (nnU-Net's CASE_0000.nii.gz "
            + "naming; for single-channel models any .nii/.nii.gz/.tif files and DICOM sub-folders).",
        "Writes OUTPUT_DIR/<case>.nii.gz (labels on the input's grid) and, with --save_probabilities, <case>.npz.",
        "A cascade: predict with the 3d_lowres model into DIR, then with the 3d_cascade_fullres model and "
            + "-prev_stage_predictions DIR."})
final class PredictCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "-i", required = true, paramLabel = "INPUT", description = "input file or folder")
  Path input;

  @Option(names = "-o", required = true, paramLabel = "OUTPUT_DIR", description = "output folder (created if needed)")
  Path output;

  @Option(names = "-m", paramLabel = "MODEL_DIR",
      description = "model folder with dataset.json, plans.json and fold_N/ checkpoints (or -d and -c)")
  Path model;

  @Option(names = "-d", paramLabel = "DATASET",
      description = "instead of -m, as nnUNetv2_predict: the dataset ID or folder name under $nnUNet_results")
  String dataset;

  @Option(names = "-c", paramLabel = "CONFIGURATION", description = "with -d: the configuration, e.g. 3d_fullres")
  String configuration;

  @Option(names = "-tr", paramLabel = "TRAINER",
      description = "with -d: the trainer (default: " + ResultsFolder.DEFAULT_TRAINER + ")")
  String trainer;

  @Option(names = "-p", paramLabel = "PLANS", description = "with -d: the plans (default: " + ResultsFolder.DEFAULT_PLANS + ")")
  String plans;

  @Option(names = "-f", arity = "1..*", paramLabel = "FOLD",
      description = "folds to ensemble, e.g. -f 0 1 2 3 4 or -f all (default: every fold folder with the checkpoint)")
  List<String> folds = new ArrayList<>();

  @Option(names = "-chk", paramLabel = "NAME", defaultValue = ModelFolder.CHECKPOINT_FINAL,
      description = "checkpoint file name in the fold folders (default: ${DEFAULT-VALUE})")
  String checkpointName;

  @Option(names = {"--step_size", "-step_size"}, paramLabel = "S", defaultValue = "0.5",
      description = "tile step as a fraction of the patch, in (0, 1] (default: ${DEFAULT-VALUE}); larger is faster")
  double stepSize;

  @Option(names = "--disable_tta", description = "no test-time mirroring (up to 8x faster)")
  boolean disableTta;

  @Option(names = "--save_probabilities", description = "also write <case>.npz with the class probabilities")
  boolean saveProbabilities;

  @Option(names = "-prev_stage_predictions", paramLabel = "DIR",
      description = "for the second stage of a cascade (3d_cascade_fullres): the folder with the first stage's "
          + "segmentations of the same cases (<case> with the model's file ending, or <case>.nii.gz)")
  Path previousStage;

  @Option(names = {"--continue_prediction", "--c"},
      description = "skip cases whose output exists (the .nii.gz, and with --save_probabilities also the .npz)")
  boolean continuePrediction;

  @Option(names = "-num_parts", paramLabel = "N", defaultValue = "1",
      description = "split the cases into N parts, for N jobs that share the work (default: ${DEFAULT-VALUE})")
  int numParts;

  @Option(names = "-part_id", paramLabel = "K", defaultValue = "0",
      description = "the part this job predicts, 0 .. N-1: cases K, K+N, K+2N, ... (default: ${DEFAULT-VALUE})")
  int partId;

  @Option(names = "--disable_progress_bar", description = "one line per stage instead of a bar redrawn in place")
  boolean noProgressBar;

  @Option(names = "-npp", paramLabel = "N",
      description = "nnUNetv2_predict's preprocessing processes: accepted and ignored (--threads sets the threads)")
  int ignoredPreprocessingProcesses;

  @Option(names = "-nps", paramLabel = "N",
      description = "nnUNetv2_predict's export processes: accepted and ignored (--threads sets the threads)")
  int ignoredExportProcesses;

  @Option(names = "--not_on_device",
      description = "nnUNetv2_predict's option: accepted and ignored (the accumulators are always in main memory)")
  boolean ignoredNotOnDevice;

  @Mixin EngineOptions engine;

  /** Where {@code $nnUNet_results} is read from; tests put their own. */
  Function<String, String> environment = System::getenv;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Fold> foldList = new ArrayList<>();
    for (String f : folds) foldList.add(Fold.parse(f));
    PredictorOptions options = PredictorOptions.defaults().withFolds(foldList).withCheckpointName(checkpointName)
        .withStepSize(stepSize).withMirroring(!disableTta).withProbabilities(saveProbabilities)
        .withThreads(engine.checkedThreads()).withDevice(engine.device);
    if (numParts < 1 || partId < 0 || partId >= numParts) {
      throw new IllegalArgumentException("-part_id must be in 0 .. -num_parts - 1 (got -part_id " + partId
          + ", -num_parts " + numParts + ")");
    }
    if (output.toString().isEmpty()) { // Path.of("") is the current folder: a slip, not a choice
      throw new IllegalArgumentException("-o is empty: give the folder to write the segmentations into");
    }
    output = outputFolder(output);
    requireOutputBesideInputFolder();
    Path modelFolder = modelFolder();
    if (Files.exists(output) && !Files.isDirectory(output)) {
      throw new OutputException(output, "is a file; -o takes the folder to write the segmentations into: give a "
          + "folder's path");
    }
    ConsoleProgress progress = noProgressBar ? new ConsoleProgress(err, false, "")
        : ConsoleProgress.forTerminal(err, "");
    // Ctrl-C: stop between tiles, leave no half-written file; the engine starts in the background while the first
    // case is read and preprocessed
    try (StopOnSignal signal = StopOnSignal.install(progress::cancel, 20);
        Predictor predictor = Predictor.open(modelFolder, options)) {
      // a GPU asked for and missing is news before the first case is read and preprocessed, not after (seconds
      // to a minute for a CT): wait for the engine's start (not for the networks); auto and cpu keep it overlapping
      if (engine.gpuRequired()) Engines.device(engine.device);
      predictor.requirePreviousStageIfCascade(previousStage != null);
      if (previousStage != null) CaseWriter.requirePreviousStageKept(previousStage, output, "-prev_stage_predictions");
      List<CaseInput> all = CaseInput.discover(input, predictor.model().datasetJson().fileEnding(),
          predictor.channels(), w -> err.println("mednext: warning: " + w));
      CaseWriter.requireInputsKept(all, output);
      List<CaseInput> cases = new ArrayList<>();
      // nnU-Net's cases[part_id::num_parts]; long: partId + numParts may pass the int limit
      for (long i = partId; i < all.size(); i += numParts) cases.add(all.get((int) i));
      createOutputFolder();
      probeOutputFolder();
      // as nnU-Net's predict_from_files: its tools read dataset.json and plans.json beside the predictions
      CaseWriter.writeRunFiles(output, predictor, input, previousStage, !continuePrediction, numParts, partId);
      warnLeftoverTemporaries(err);
      if (dataset != null) out.printf(Locale.ROOT, "model folder: %s%n", modelFolder);
      out.printf(Locale.ROOT, "model: %s%n", predictor.describe());
      out.printf(Locale.ROOT, "%d case(s)%s -> %s%n", cases.size(),
          numParts > 1 ? String.format(Locale.ROOT, " (part %d of %d parts of %d)", partId, numParts, all.size()) : "",
          output);
      out.flush();
      boolean engineShown = false;
      int failed = 0;
      boolean internal = false;
      for (int i = 0; i < cases.size(); i++) {
        CaseInput c = cases.get(i);
        String label = String.format(Locale.ROOT, "[%d/%d] %s: ", i + 1, cases.size(), c.id());
        if (continuePrediction && CaseWriter.isDone(output, c.id(), saveProbabilities)) {
          out.println(label + "skipped (output exists)");
          continue;
        }
        try {
          ConsoleProgress caseProgress = progress.withPrefix(label);
          CaseWriter.requireWritable(output, c.id(), saveProbabilities);
          CaseInput.Loaded loaded = c.load(predictor.imageReaderWriter(),
              predictor.model().datasetJson().channelNames());
          short[] previous = previousStage == null ? null : c.loadPreviousStage(previousStage, predictor, loaded);
          Prediction p;
          try {
            p = predictor.predict(loaded.channels(), loaded.shape(), loaded.spacing(), previous, caseProgress);
          } catch (IllegalArgumentException e) { // about the image (too thin, NaN voxels): say which files
            throw new IllegalArgumentException(files(c) + ": " + e.getMessage(), e);
          }
          if (!engineShown) {
            caseProgress.endLine();
            out.printf(Locale.ROOT, "engine: %s%n", Engines.describe(predictor.device()));
            engineShown = true;
          }
          caseProgress.start("writing", 0);
          long w0 = System.nanoTime();
          List<Path> written;
          try {
            written = CaseWriter.write(loaded.onFileGrid(p), loaded.geometry(), c.channels().get(0), output, c.id(),
                engine.threads, caseProgress);
          } catch (OutputException e) {
            throw e;
          } catch (IOException e) { // no room, no permission: the output's fault, not the input's
            throw new OutputException(output, "case " + c.id() + " cannot be written (" + ErrorHandler.message(e)
                + "): make room or allow writing there, or choose another output folder", e);
          }
          double write = (System.nanoTime() - w0) / 1e9;
          caseProgress.endLine();
          out.printf(Locale.ROOT,
              "%spreprocess %.1f s | predict %.1f s | export %.1f s | write %.1f s | peak RSS so far %s -> %s%n",
              label, p.times().preprocess(), p.times().predict(), p.times().export(), write,
              gigabytes(ProcessMemory.peakRssBytes()), String.join(", ", written.stream().map(Path::toString).toList()));
        } catch (CancelledException e) {
          throw e;
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
          // a case too large for the memory given fails alone; its arrays are garbage now, and the next may fit
          predictor.rethrowFailure(e); // no engine or device: no case can run, and that is the news
          failed++;
          boolean ours = !ErrorHandler.isBadInput(e) && !(e instanceof OutOfMemoryError)
              && !(e instanceof OutputException);
          internal |= !ErrorHandler.isBadInput(e);
          err.println("mednext: " + (ours ? "internal error: " : "error: ") + label + ErrorHandler.message(e)
              + (e instanceof PredictionOutOfMemoryError m && m.stage().equals("exporting") && saveProbabilities
                  ? ", or leave out --save_probabilities" : ""));
          if (engine.verbose) e.printStackTrace(err);
        }
        out.flush();
      }
      if (failed > 0) {
        err.printf(Locale.ROOT, "mednext: %d of %d case(s) failed%n", failed, cases.size());
        return internal ? ErrorHandler.INTERNAL : ErrorHandler.BAD_INPUT;
      }
      return 0;
    }
  }

  /**
   * The output folder as an absolute path without "." and "..", once for every use: ".." goes up from where an existing
   * folder really is (after links, as the system and nnU-Net's os.makedirs resolve it), and lexically past folders
   * that do not exist yet, so "-o rel/../rel2" names rel2 where rel is missing and no writer goes through rel.
   */
  static Path outputFolder(Path given) throws IOException {
    Path abs = given.toAbsolutePath();
    Path p = abs.getRoot();
    for (Path name : abs) {
      String n = name.toString();
      if (n.equals(".")) continue;
      if (!n.equals("..")) {
        p = p.resolve(name);
      } else if (p.getParent() != null) {
        p = Files.exists(p) ? p.toRealPath().getParent() : p.getParent();
        if (p == null) p = abs.getRoot();
      }
    }
    return p;
  }

  /**
   * Refuses the folder of cases given as input as the output folder: the segmentations written there would be cases
   * of the next run on it (a rerun, {@code --continue_prediction}), which then fails or predicts them. A DICOM series
   * folder may take its segmentation: its reader takes only the DICOM files.
   */
  private void requireOutputBesideInputFolder() throws IOException {
    if (!Files.isDirectory(input) || !Files.isDirectory(output) || DicomSeriesReader.isDicomFolder(input)) return;
    if (input.toRealPath().equals(output.toRealPath())) {
      throw new IllegalArgumentException("-o " + output + " is the input folder: the next run on it would read the "
          + "segmentations written there as images; give -o another folder");
    }
  }

  /** The output folder, made where missing; a failure names it and what to do. */
  private void createOutputFolder() throws OutputException {
    try {
      Files.createDirectories(output);
    } catch (IOException e) {
      for (Path p = output.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
        if (Files.exists(p) && !Files.isDirectory(p)) {
          throw new OutputException(output, "cannot be created: " + p + " is a file, not a folder; give -o a path "
              + "that is not below a file", e);
        }
      }
      if (Files.isSymbolicLink(output) && !Files.exists(output)) { // the error names only the link
        String target;
        try {
          target = Files.readSymbolicLink(output).toString();
        } catch (IOException | UnsupportedOperationException unreadable) {
          target = "a path";
        }
        throw new OutputException(output, "cannot be created: it is a link to " + target + ", which does not exist; "
            + "create that folder, or give -o another folder", e);
      }
      throw new OutputException(output, "cannot be created (" + ErrorHandler.message(e) + "): give -o a folder "
          + "that can be written", e);
    }
  }

  /**
   * Creates and deletes a file in the output folder, so that one that cannot be written (read-only, no permission)
   * stops the run before the first case is predicted, not after each.
   */
  private void probeOutputFolder() throws OutputException {
    try {
      Files.delete(Files.createTempFile(output, ".mednext-probe-", ".tmp"));
    } catch (IOException e) {
      // the reason alone: the probe's own name would only confuse
      String why = e instanceof AccessDeniedException ? "permission denied"
          : e instanceof NoSuchFileException ? "no such file or folder"
          : e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : ErrorHandler.message(e);
      throw new OutputException(output, "cannot be written (" + why + "): allow writing there, or choose another "
          + "output folder", e);
    }
  }

  /**
   * Names our temporary files in the output folder, with their sizes: a run killed while writing (kill -9, out of
   * memory) leaves hidden ones that nothing deletes. They are not deleted here: jobs on a cluster may share the
   * folder, and a running job's own look the same.
   */
  private void warnLeftoverTemporaries(PrintWriter err) throws IOException {
    List<String> found = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(output,
        p -> AtomicFiles.isTemporary(p.getFileName().toString()) && Files.isRegularFile(p))) {
      for (Path p : ds) {
        try {
          found.add(p.getFileName() + " (" + size(Files.size(p)) + ")");
        } catch (NoSuchFileException e) { // deleted meanwhile by its writer: not left over
        }
      }
    }
    if (found.isEmpty()) return;
    found.sort(null);
    int shown = Math.min(found.size(), 5);
    err.printf(Locale.ROOT, "mednext: warning: %s: %d temporary file(s) left by an interrupted run (killed while "
        + "writing): %s%s; they can be deleted, unless another run is writing into this folder now%n", output,
        found.size(), String.join(", ", found.subList(0, shown)),
        found.size() > shown ? String.format(Locale.ROOT, " and %d more", found.size() - shown) : "");
  }

  private static String size(long bytes) {
    if (bytes < 1000) return bytes + " bytes";
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = bytes;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** The case's files: the first with its path, the other channels by name. */
  private static String files(CaseInput c) {
    List<String> names = new ArrayList<>(List.of(c.channels().get(0).toString()));
    for (Path p : c.channels().subList(1, c.channels().size())) names.add(p.getFileName().toString());
    return String.join(", ", names);
  }

  /** {@code -m}, or the folder that {@code -d -c [-tr] [-p]} name under {@code $nnUNet_results}. */
  private Path modelFolder() throws IOException {
    if ((model == null) == (dataset == null)) {
      throw new IllegalArgumentException(model == null
          ? "no model: give the model folder with -m MODEL_DIR, or -d DATASET -c CONFIGURATION as for nnUNetv2_predict"
          : "-m and -d both name a model; give one of them");
    }
    if (model != null) {
      if (configuration != null || trainer != null || plans != null) {
        throw new IllegalArgumentException("-c, -tr and -p select a model under $" + ResultsFolder.ENVIRONMENT_VARIABLE
            + " together with -d; -m names the model folder itself, so leave them out");
      }
      return model;
    }
    if (configuration == null) {
      throw new IllegalArgumentException("-d needs -c CONFIGURATION (e.g. -c 3d_fullres), as for nnUNetv2_predict");
    }
    return ResultsFolder.modelFolder(environment.apply(ResultsFolder.ENVIRONMENT_VARIABLE), dataset,
        trainer == null ? ResultsFolder.DEFAULT_TRAINER : trainer, plans == null ? ResultsFolder.DEFAULT_PLANS : plans,
        configuration);
  }

  private static String gigabytes(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
  }
}
