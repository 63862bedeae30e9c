package org.mednext.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.mednext.engine.Engines;
import org.mednext.model.Configuration;
import org.mednext.model.DatasetJson;
import org.mednext.model.Fold;
import org.mednext.model.ModelFolder;
import org.mednext.model.NnUnetCheckpoint;
import org.mednext.model.Plans;
import org.mednext.model.Splits;
import org.mednext.net.ArchitectureInference;
import org.mednext.net.Initialization;
import org.mednext.net.MedNeXt;
import org.mednext.net.MedNeXtConfig;
import org.mednext.preprocess.Preprocessor;
import org.mednext.task.Progress;
import org.mednext.torch.TensorData;
import org.mednext.train.sampling.CaseData;
import org.mednext.util.AtomicFiles;
import org.mednext.util.Checks;

/**
 * Trains or fine-tunes a MedNeXt the nnU-Net way and writes a model folder that {@code mednext predict}, the Fiji
 * commands and Python nnU-Net can use: plans (inherited from the pretrained model, or from the {@link Planner}),
 * preprocessed cases cached on disk, nnU-Net's fold split, then the {@link TrainingLoop}.
 */
public final class Trainer {

  /** The configuration every model folder written here uses. */
  public static final String CONFIGURATION = "3d_fullres";

  private Trainer() {}

  /** Result of a run: where things went and the last epoch's numbers. */
  public record Result(Path modelFolder, Path foldFolder, TrainingLog log, Map<String, Double> finalDice) {}

  /**
   * Runs a training.
   *
   * @throws IOException for unreadable data, model folders or checkpoints
   * @throws IllegalArgumentException for invalid data or settings, naming the case or value
   * @throws org.mednext.task.CancelledException when cancelled (the last finished epoch's checkpoint stays)
   */
  public static Result train(TrainingSetup setup, TrainingOptions options, Progress progress, EpochListener listener)
      throws IOException {
    TrainingData data = setup.data();
    Path folder = setup.modelFolder();
    Files.createDirectories(folder);
    Engines.setThreads(options.threads());
    DatasetJson dataset = data.dataset();
    int heads = dataset.labels().numSegmentationHeads();
    Checks.argument(!dataset.labels().hasRegions(), "region-based (sigmoid) training is not supported yet; use plain labels");
    String fold = setup.fold().orElse(data.cases().size() >= 5 ? "0" : "all");
    Path foldFolder = folder.resolve(Fold.parse(fold).folderName());
    Path latest = foldFolder.resolve("checkpoint_latest.pth");
    TrainingCheckpoint.ResumeState resume = null;
    if (setup.resume()) {
      if (!Files.isRegularFile(latest)) {
        throw new IllegalArgumentException("--resume: " + latest + " does not exist"
            + (Files.isRegularFile(foldFolder.resolve(ModelFolder.CHECKPOINT_FINAL)) ? " (this fold has finished training)" : ""));
      }
      resume = TrainingCheckpoint.read(latest);
      progress.message(String.format(Locale.ROOT, "resuming %s at epoch %d", latest, resume.nextEpoch()));
    }

    progress.start("checking " + data.cases().size() + " training cases", 0);
    data.validate();

    // plans and network
    Plans plans;
    MedNeXtConfig network;
    Map<String, float[]> initial;
    if (resume != null) {
      plans = Plans.read(folder.resolve(ModelFolder.PLANS_JSON));
      network = ArchitectureInference.infer(shapesOf(resume.weights()));
      initial = floats(resume.weights());
    } else if (setup.pretrained().isPresent()) {
      Pretrained p = Pretrained.open(setup.pretrained().get());
      plans = setup.patch().isPresent() ? Planner.withPatchSize(p.plans(), p.configuration(), setup.patch().get()) : p.plans();
      plans = renameConfiguration(plans, p.configuration());
      // the data are read as SimpleITKIO reads them (the file's voxel order, pixdim in mm), whichever reader the
      // pretrained model named: so must the fine-tuned model's inputs be
      plans = plans.edit(root -> root.addProperty("image_reader_writer", Planner.IMAGE_READER_WRITER));
      network = p.network().withClasses(heads).withDeepSupervision(true);
      Checks.argument(network.inChannels() == dataset.numChannels(),
          "the pretrained network takes %d input channel(s), the dataset has %d", network.inChannels(), dataset.numChannels());
      initial = Initialization.pytorchDefault(network, options.seed());
      PretrainedWeights.Report r = PretrainedWeights.apply(initial, ArchitectureInference.expectedShapes(network), p.weights());
      progress.message(String.format(Locale.ROOT, "pretrained weights: %d tensors copied%s", r.copied(),
          r.reinitialisedHeads().isEmpty() ? "" : "; output heads re-initialised for the new label set ("
              + r.reinitialisedHeads().size() + " tensors)"));
    } else {
      MedNeXtConfig n = setup.network().get();
      network = new MedNeXtConfig(dataset.numChannels(), heads, n.width(), n.expansion(), n.blockCounts(),
          n.encoderKernel(), n.decoderKernel(), n.grn(), n.grnInDown0(), true);
      Planner.Fingerprint fp = Planner.fingerprint(data, options.threads(), progress);
      plans = Planner.plan(fp, dataset, folder.getFileName().toString(), network, setup.patch().orElse(null),
          setup.targetSpacing().orElse(null), options.batchSize());
      initial = Initialization.pytorchDefault(network, options.seed());
    }
    Configuration configuration = plans.configuration(CONFIGURATION);
    JsonObject datasetJson = data.source() != null
        ? JsonParser.parseString(Files.readString(data.source().resolve("dataset.json"))).getAsJsonObject()
        : DatasetJsonWriter.toJson(dataset, data.cases().size());
    if (resume == null) {
      plans.write(folder.resolve(ModelFolder.PLANS_JSON));
      String text = datasetJson.toString();
      AtomicFiles.write(folder.resolve(ModelFolder.DATASET_JSON), out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    Files.createDirectories(foldFolder);

    // data: preprocess (cached), split
    Preprocessor pre = Preprocessor.forConfiguration(plans, configuration, options.threads());
    int[] foreground = dataset.labels().foregroundLabels().stream().mapToInt(Integer::intValue).toArray();
    PreprocessedStore store = new PreprocessedStore(folder.resolve("preprocessed"), pre, foreground,
        PreprocessedStore.digest(plans.toJson()));
    List<CaseData> cases = new ArrayList<>();
    progress.start("preprocessing " + data.cases().size() + " cases", data.cases().size());
    for (TrainingData.Case c : data.cases()) {
      progress.checkCancelled();
      cases.add(store.get(c));
      progress.update(cases.size());
    }
    List<CaseData> train = new ArrayList<>();
    List<CaseData> val = new ArrayList<>();
    split(cases, fold, train, val);
    progress.message(String.format(Locale.ROOT, "fold %s: %d training, %d validation cases; %s; patch %s, batch %d",
        fold, train.size(), val.size(), network.describe(), configuration.patchSize(), options.batchSize()));

    try (MedNeXt net = new MedNeXt(network, options.device())) {
      try {
        net.load(initial);
      } catch (IllegalArgumentException e) {
        String source = resume != null ? latest.toString() : setup.pretrained().map(Path::toString).orElse("the initial weights");
        throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
      }
      TrainingLoop loop = new TrainingLoop(net, options, configuration, plans, datasetJson, fold, foldFolder,
          setup.pretrained().isPresent(), progress, listener);
      loop.run(train, val, resume);
      Map<String, Double> dice = FinalValidation.run(net, val, configuration, dataset, options.threads(),
          foldFolder.resolve("validation"), progress);
      return new Result(folder, foldFolder, loop.log(), dice);
    } finally {
      Engines.releaseFreedMemory(); // the training's tensors, freed: not kept by a process that lives on (Fiji)
    }
  }

  private static void split(List<CaseData> cases, String fold, List<CaseData> train, List<CaseData> val) {
    if (fold.equals("all")) {
      train.addAll(cases);
      val.addAll(cases);
      return;
    }
    List<String> ids = new ArrayList<>();
    for (CaseData c : cases) ids.add(c.identifier());
    List<Splits.Split> splits = Splits.nnUNetDefault(ids);
    Splits.Split s = splits.get(Integer.parseInt(fold));
    for (CaseData c : cases) {
      if (s.val().contains(c.identifier())) val.add(c);
      else if (s.train().contains(c.identifier())) train.add(c);
    }
  }

  /** Plans whose configuration is named {@link #CONFIGURATION} (a pretrained model may use another name). */
  private static Plans renameConfiguration(Plans plans, String name) throws IOException {
    if (name.equals(CONFIGURATION)) return plans;
    return plans.edit(root -> {
      JsonObject configs = root.getAsJsonObject("configurations");
      configs.add(CONFIGURATION, configs.get(name).deepCopy());
    });
  }

  private static Map<String, long[]> shapesOf(Map<String, TensorData> w) {
    Map<String, long[]> m = new java.util.LinkedHashMap<>();
    w.forEach((k, t) -> m.put(k, t.shape()));
    return m;
  }

  private static Map<String, float[]> floats(Map<String, TensorData> w) {
    Map<String, float[]> m = new java.util.LinkedHashMap<>();
    w.forEach((k, t) -> m.put(k, t.toFloatArray()));
    m.putIfAbsent("dummy_tensor", new float[] {1f});
    return m;
  }

  /** A pretrained model: a model folder (plans.json + a fold checkpoint) or a checkpoint with plans in init_args. */
  record Pretrained(Plans plans, String configuration, MedNeXtConfig network, Map<String, TensorData> weights) {

    static Pretrained open(Path path) throws IOException {
      NnUnetCheckpoint ckpt;
      Plans plans;
      if (Files.isDirectory(path)) {
        ModelFolder mf = ModelFolder.open(path);
        List<Fold> folds = mf.folds(ModelFolder.CHECKPOINT_FINAL, true);
        if (folds.isEmpty()) throw new IOException(path + ": no fold_N/checkpoint_final.pth to fine-tune from");
        ckpt = NnUnetCheckpoint.read(mf.checkpoint(folds.get(0), ModelFolder.CHECKPOINT_FINAL));
        plans = mf.plans();
      } else {
        ckpt = NnUnetCheckpoint.read(path);
        Object init = ckpt.root().get("init_args");
        if (!(init instanceof Map<?, ?> m) || !(m.get("plans") instanceof Map<?, ?> p)) {
          throw new IOException(path + ": this checkpoint carries no plans (init_args.plans); pass the model folder instead");
        }
        plans = Plans.parse(new com.google.gson.Gson().toJson(p), path + " init_args.plans", w -> {});
      }
      String configuration = ckpt.configuration().orElse(CONFIGURATION);
      Optional<String> previous = plans.configuration(configuration).previousStage();
      if (previous.isPresent()) { // its network takes the first stage's segmentation, which training does not make
        throw new IllegalArgumentException(path + ": configuration " + configuration + " is the second stage of a "
            + "cascade (previous_stage " + previous.get() + "), which fine-tuning does not support; fine-tune from a "
            + "model of one stage (3d_fullres, 3d_lowres)");
      }
      MedNeXtConfig network = ArchitectureInference.infer(ckpt.shapes());
      return new Pretrained(plans, configuration, network, ckpt.weights());
    }
  }
}
