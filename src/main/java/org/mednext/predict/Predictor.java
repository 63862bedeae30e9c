package org.mednext.predict;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.mednext.engine.Engines;
import org.mednext.model.Configuration;
import org.mednext.model.DatasetJson;
import org.mednext.model.Fold;
import org.mednext.model.ModelFolder;
import org.mednext.model.ModelFormatException;
import org.mednext.model.NnUnetCheckpoint;
import org.mednext.net.MedNeXt;
import org.mednext.net.MedNeXtConfig;
import org.mednext.net.StateDict;
import org.mednext.preprocess.PreprocessedCase;
import org.mednext.preprocess.Preprocessor;
import org.mednext.preprocess.ResamplingSettings;
import org.mednext.task.Progress;
import org.mednext.util.Checks;
import org.mednext.volume.Reorientation;
import org.mednext.volume.Volume;
import org.mednext.volume.VolumeArrays;

/**
 * Predicts segmentations with an nnU-Net model folder of a MedNeXt network, the way {@code nnUNetv2_predict}
 * does: preprocessing from the plans, sliding window with Gaussian weighting and mirroring, fold ensembling,
 * export back to the input grid. {@link #open} reads and checks the model folder, then starts the engine and
 * builds the networks on a background thread, so that starting libtorch (about half a second) overlaps reading and
 * preprocessing the first image; {@link #predict} waits for them when it needs them. Until the build is done the
 * Java heap holds every fold's weights as float32. Holds one network per fold; close it to free their native
 * memory.
 */
public final class Predictor implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger("org.mednext.predict");

  private final ModelFolder model;
  private final String configurationName;
  private final Configuration configuration;
  private final MedNeXtConfig network;
  private final List<Fold> folds;
  private final Preprocessor preprocessor;
  private final CompletableFuture<Networks> networks;
  private final Exporter exporter;
  private final PredictorOptions options;
  private final int[] mirrorAxes;

  /** The folds' networks on their device, and the sliding window over them. */
  private record Networks(List<MedNeXt> folds, Device device, SlidingWindowPredictor slidingWindow) {}

  private Predictor(ModelFolder model, String configurationName, Configuration configuration, MedNeXtConfig network,
      List<Fold> folds, Preprocessor preprocessor, Exporter exporter, CompletableFuture<Networks> networks,
      int[] mirrorAxes, PredictorOptions options) {
    this.model = model;
    this.configurationName = configurationName;
    this.configuration = configuration;
    this.network = network;
    this.folds = List.copyOf(folds);
    this.preprocessor = preprocessor;
    this.networks = networks;
    this.mirrorAxes = mirrorAxes;
    this.options = options;
    this.exporter = exporter;
  }

  /**
   * Loads and checks a model folder: dataset.json, plans.json and the checkpoint of every requested fold; starts
   * building the networks in the background.
   *
   * @throws IOException for missing or malformed files, unsafe checkpoints, missing folds
   * @throws IllegalArgumentException when the parts do not fit together (classes, channels, patch size)
   */
  public static Predictor open(Path folder, PredictorOptions options) throws IOException {
    ModelFolder model = ModelFolder.open(folder);
    List<Fold> folds = options.folds().isEmpty() ? model.folds(options.checkpointName()) : options.folds();
    if (folds.isEmpty() && options.folds().isEmpty()) {
      folds = model.folds(options.checkpointName(), true); // only fold_all: a model trained on all cases
    }
    if (folds.isEmpty()) {
      // ModelFolder.open found a fold folder; what it holds says which -chk would do
      Fold first = model.availableFolds().get(0);
      String holds;
      try {
        model.checkpoint(first, options.checkpointName());
        holds = "";
      } catch (ModelFormatException e) {
        holds = " (" + e.getMessage() + ")";
      }
      throw new ModelFormatException(folder + ": no fold folder holds " + options.checkpointName() + holds
          + "; name the checkpoint with -chk");
    }
    List<StateDict> weights = new ArrayList<>();
    String configurationName = null;
    int[] mirror = null;
    for (Fold fold : folds) {
      Path file = model.checkpoint(fold, options.checkpointName());
      NnUnetCheckpoint ckpt = NnUnetCheckpoint.read(file);
      StateDict w;
      try {
        w = StateDict.of(ckpt.weights());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
      }
      if (weights.isEmpty()) {
        configurationName = ckpt.configuration().or(model::configurationNameFromFolderName).orElse("3d_fullres");
        mirror = ckpt.inferenceMirrorAxes();
      } else {
        MedNeXtConfig first = weights.get(0).config();
        Checks.argument(first.equals(w.config()), "fold %s's network (%s) differs from fold %s's (%s)",
            fold.folderName(), w.config().describe(), folds.get(0).folderName(), first.describe());
      }
      weights.add(w);
    }
    MedNeXtConfig network = weights.get(0).config();
    Configuration configuration = model.configuration(configurationName);
    warnIfCustom(folder, "preprocessor_name", configuration.preprocessorName(), "DefaultPreprocessor");
    warnIfCustom(folder, "label_manager", model.plans().labelManager(), "LabelManager");
    check(model.datasetJson(), configuration, network, folder);
    Preprocessor pre;
    try {
      // a cascade's second stage resamples the previous stage's segmentation with the plans' label settings
      pre = configuration.previousStage().isPresent()
          ? Preprocessor.forConfiguration(model.plans(), configuration, options.threads())
          : Preprocessor.forImages(model.plans(), configuration, options.threads());
    } catch (IllegalArgumentException e) { // an unknown normalization scheme, say: the file to look into
      throw new ModelFormatException(folder.resolve(ModelFolder.PLANS_JSON) + ": configuration " + configurationName
          + ": " + e.getMessage(), e);
    }
    Exporter exporter = new Exporter(model.datasetJson().labels(),
        ResamplingSettings.of(configuration.resamplingProbabilities()), options.threads());
    int[] patch = configuration.patchSizeArray();
    int[] axes = options.mirroring() ? mirror : new int[0];
    // last: nothing below can fail, so the networks built in the background always have an owner to close them
    CompletableFuture<Networks> nets = CompletableFuture.supplyAsync(() -> build(weights, patch, axes, options),
        runnable -> {
          Thread t = new Thread(runnable, "mednext-network-build");
          t.setDaemon(true);
          t.start();
        });
    return new Predictor(model, configurationName, configuration, network, folds, pre, exporter, nets, mirror, options);
  }

  /**
   * Starts the engine and builds every fold's network (the background part of {@link #open}); each fold's weights
   * are let go once its network holds them.
   */
  private static Networks build(List<StateDict> weights, int[] patch, int[] mirrorAxes, PredictorOptions options) {
    Engines.setThreads(options.threads());
    Device device = Engines.device(options.device());
    List<MedNeXt> nets = new ArrayList<>();
    try {
      for (int i = 0; i < weights.size(); i++) {
        nets.add(MedNeXt.of(weights.get(i), device));
        weights.set(i, null);
      }
      SlidingWindowPredictor window = new SlidingWindowPredictor(nets, patch, options.stepSize(), mirrorAxes,
          options.threads());
      return new Networks(List.copyOf(nets), device, window);
    } catch (RuntimeException | Error e) { // nobody else could close them; a failing close must not hide e
      for (MedNeXt net : nets) {
        try {
          net.close();
        } catch (RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      throw e;
    }
  }

  /** The networks, waiting for the build; a failed build (no engine, no such device) is rethrown. */
  private Networks networks() {
    try {
      return networks.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      if (e.getCause() instanceof Error err) throw err;
      throw e;
    }
  }

  /**
   * Whether building the networks failed (the engine or the device could not be used): then no image can be
   * predicted, and {@link #predict} rethrows that failure.
   */
  public boolean failed() {
    return networks.isCompletedExceptionally();
  }

  /**
   * When the build failed, throws its failure, with {@code other} (an error seen meanwhile, e.g. of a case) added as
   * suppressed unless it is that failure; returns otherwise. For batch loops: a failed build stops them, and its
   * cause is what the user must see.
   */
  public void rethrowFailure(Throwable other) {
    if (!failed()) return;
    try {
      networks();
    } catch (RuntimeException | Error failure) {
      if (failure != other) failure.addSuppressed(other);
      throw failure;
    }
  }

  /** The device the networks run on, once they are built (waits for them). */
  public Device device() {
    return networks().device();
  }

  /** nnU-Net loads these classes by name; a subclass may change what they do, and this port runs the defaults. */
  private static void warnIfCustom(Path folder, String key, String value, String standard) {
    if (!value.equals(standard)) {
      LOG.warning(folder.resolve(ModelFolder.PLANS_JSON) + ": " + key + " is " + value + ", not " + standard
          + "; nnU-Net would run that class, this program runs " + standard + "'s steps: the segmentation may differ"
          + " from nnU-Net's if " + value + " changes them");
    }
  }

  private static void check(DatasetJson dataset, Configuration configuration, MedNeXtConfig net, Path folder) {
    int heads = dataset.labels().numSegmentationHeads();
    Checks.argument(net.numClasses() == heads,
        "%s: the checkpoint's network has %d outputs but dataset.json defines %d segmentation heads (labels %s)",
        folder, net.numClasses(), heads, dataset.labels().outputLabelNames());
    if (configuration.previousStage().isPresent()) {
      // nnU-Net's determine_num_input_channels: the image's channels, then one per foreground label of the first stage
      int labels = dataset.labels().foregroundLabels().size();
      Checks.argument(net.inChannels() == dataset.numChannels() + labels,
          "%s: the checkpoint's network takes %d input channel(s) but configuration %s, the second stage of a cascade"
              + " (previous_stage %s), takes %d: dataset.json's %d channel(s) (%s) and one per foreground label (%d, %s)",
          folder, net.inChannels(), configuration.name(), configuration.previousStage().get(),
          dataset.numChannels() + labels, dataset.numChannels(), dataset.channelNames(), labels,
          dataset.labels().foregroundLabels());
    } else {
      Checks.argument(net.inChannels() == dataset.numChannels(),
          "%s: the checkpoint's network takes %d input channel(s) but dataset.json lists %d (%s)",
          folder, net.inChannels(), dataset.numChannels(), dataset.channelNames());
    }
    for (int p : configuration.patchSizeArray()) {
      Checks.argument(p % 16 == 0, "%s: patch size %s is not divisible by 16, which MedNeXt's 4 stride-2 levels need",
          folder, configuration.patchSize());
    }
  }

  /** The model folder. */
  public ModelFolder model() {
    return model;
  }

  /** The configuration name from the checkpoint (e.g. 3d_fullres). */
  public String configurationName() {
    return configurationName;
  }

  /** The network configuration (all folds share it). */
  public MedNeXtConfig network() {
    return network;
  }

  /** The options this predictor runs with. */
  public PredictorOptions options() {
    return options;
  }

  /** The folds ensembled. */
  public List<Fold> folds() {
    return folds;
  }

  /** Number of folds ensembled. */
  public int foldCount() {
    return folds.size();
  }

  /** Mirroring axes used (empty when test-time augmentation is off or disallowed). */
  public int[] mirrorAxes() {
    return options.mirroring() ? mirrorAxes.clone() : new int[0];
  }

  /** Number of image channels the model expects (dataset.json's channel_names). */
  public int channels() {
    return preprocessor.channels();
  }

  /**
   * The configuration whose segmentations this model takes as extra input when it is the second stage of a cascade
   * (plans.json's {@code previous_stage}, e.g. 3d_lowres); empty for a model of one stage.
   */
  public Optional<String> previousStage() {
    return configuration.previousStage();
  }

  /**
   * The model's nnU-Net reader (plans.json's {@code image_reader_writer}): how its inputs are to be read, whether
   * reordered to RAS ({@code NibabelIOWithReorient}, {@code SimpleITKIOWithReorient}) and with which spacing.
   */
  public ImageReaderWriter imageReaderWriter() {
    return ImageReaderWriter.of(model.plans().imageReaderWriter());
  }

  /**
   * Predicts a volume (x, y, z, c) with its geometry (its spacing in mm); the labels lie on the volume's grid
   * (reordered to RAS and back for a model whose reader reorients, the probabilities then on the reordered grid, as
   * nnU-Net's).
   */
  public Prediction predict(Volume<?> image, Progress progress) {
    return predict(image, null, progress);
  }

  /**
   * As {@link #predict(Volume, Progress)}, for the second stage of a cascade: {@code previousStage} is the first
   * stage's segmentation of the image, on the image's grid (its voxels reordered as the image's are).
   *
   * @param previousStage a label map of the image's size, or null for a model of one stage
   * @throws IllegalArgumentException when the model is a cascade's second stage and {@code previousStage} is missing
   *     (or given to a model of one stage), of another size, or not integer-valued
   */
  public Prediction predict(Volume<?> image, Volume<?> previousStage, Progress progress) {
    Checks.argument(image.channels() == channels(), "the image has %d channel(s) but the model expects %d (%s)",
        image.channels(), channels(), model.datasetJson().channelNames());
    int[] shape = VolumeArrays.shapeZyx(image);
    ImageReaderWriter.View view = imageReaderWriter().view(image.geometry());
    Reorientation r = view.reorientation();
    float[][] arrays = VolumeArrays.channels(image);
    for (int c = 0; c < arrays.length; c++) arrays[c] = r.apply(arrays[c], shape);
    short[] previous = null;
    if (previousStage != null) {
      Checks.argument(Arrays.equals(VolumeArrays.shapeZyx(previousStage), shape) && previousStage.channels() == 1,
          "the previous stage's segmentation (%s voxels, %d channel(s)) must have the image's size %s and one channel",
          Arrays.toString(previousStage.spatialSize()), previousStage.channels(), Arrays.toString(image.spatialSize()));
      previous = r.apply(VolumeArrays.integerLabels(previousStage, "the previous stage's segmentation"), shape);
      String unknown = unknownLabels(previous, model.datasetJson().labels().allLabels());
      if (unknown != null) LOG.warning("the previous stage's segmentation: " + unknown);
    }
    Prediction p = predict(arrays, r.shape(shape), view.spacing(), previous, progress);
    return p.movedBack(r, shape);
  }

  /**
   * Predicts channels given as arrays in nnU-Net's axis order.
   *
   * @param channels one (z, y, x) C-order array per channel, not modified
   * @param shape (z, y, x)
   * @param spacing (z, y, x) in mm
   * @throws IllegalArgumentException for NaN or infinite values, which nnU-Net's pipeline would spread over whole
   *     tiles (a group norm averages over the patch) and turn into meaningless labels
   */
  public Prediction predict(float[][] channels, int[] shape, double[] spacing, Progress progress) {
    return predict(channels, shape, spacing, null, progress);
  }

  /**
   * As {@link #predict(float[][], int[], double[], Progress)}, with the previous stage's segmentation for the second
   * stage of a cascade (see {@link #previousStage()}), on the channels' grid, or null for a model of one stage.
   */
  public Prediction predict(float[][] channels, int[] shape, double[] spacing, short[] previousStage,
      Progress progress) {
    long t0 = System.nanoTime();
    requirePreviousStageIfCascade(previousStage != null);
    for (int c = 0; c < channels.length; c++) checkFinite(channels[c], shape, c);
    progress.start("preprocessing", 0);
    PreprocessedCase c;
    short[] previous = null; // the previous stage on the network's grid, for its one-hot channels
    try {
      if (previousStage == null) {
        c = preprocessor.run(channels, shape, spacing);
      } else {
        Preprocessor.Labelled l = preprocessor.runWithLabels(channels, previousStage, shape, spacing);
        c = l.image();
        previous = l.labels();
      }
    } catch (OutOfMemoryError e) {
      throw outOfMemory(e, "preprocessing", shape, spacing, preprocessor.resampledShapeBound(shape, spacing), "up to ");
    }
    progress.checkCancelled();
    long t1 = System.nanoTime();
    Networks nets = networks();
    // libtorch takes its OpenMP thread count per thread (the build set it on its own): set it on this one
    Engines.setThreads(options.threads());
    short[][] logits;
    try {
      // nnU-Net's data iterator appends one channel per foreground label (convert_labelmap_to_one_hot)
      int[] oneHot = previous == null ? new int[0]
          : model.datasetJson().labels().foregroundLabels().stream().mapToInt(Integer::intValue).toArray();
      logits = nets.slidingWindow().predict(c.data(), previous, oneHot, c.shape(), progress);
    } catch (OutOfMemoryError e) {
      throw outOfMemory(e, "predicting", shape, spacing, c.shape(), "");
    } catch (EngineException e) {
      String gpuOutOfMemory = Engines.gpuOutOfMemory(e);
      if (gpuOutOfMemory == null) throw e; // (libtorch's CUDA allocator: the networks are on the GPU)
      // the GPU holds one batch of tiles at a time: its size, not the image's, is what did not fit
      PredictionOutOfMemoryError tile = new PredictionOutOfMemoryError("predicting", String.format(Locale.ROOT,
          "on the GPU: a forward pass of up to %d tile passes of %s voxels through %s did not fit in the GPU's memory"
              + " (%s); close other programs that use the GPU (nvidia-smi lists them), or run on the CPU",
          nets.slidingWindow().passesPerForward(), configuration.patchSize(), network().describe(),
          gpuOutOfMemory), true);
      tile.initCause(e);
      throw tile;
    } finally {
      Engines.releaseFreedMemory(); // the tiles' tensors, freed: not kept while the export and other work run
    }
    progress.checkCancelled(); // a cancel during the last tiles should not start the export
    long t2 = System.nanoTime();
    progress.start("exporting", 0);
    Exporter.Result r;
    try {
      r = exporter.export(logits, c, options.probabilities());
    } catch (OutOfMemoryError e) {
      logits = null; // the error's message is built in the memory they held
      throw outOfMemory(e, "exporting", shape, spacing, c.shape(), "");
    }
    long t3 = System.nanoTime();
    Checks.state(Arrays.equals(r.shape(), shape), "exported shape %s differs from the input %s", Arrays.toString(r.shape()), Arrays.toString(shape));
    return new Prediction(r.labels(), r.shape(), r.probabilities(),
        new Prediction.StageTimes((t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9), model.plans().imageReaderWriter(),
        new Prediction.CaseProperties(spacing.clone(), c.shapeBeforeCropping(), c.boundingBox(),
            c.shapeAfterCropping(), Reorientation.none()));
  }

  /**
   * Refuses a cascade's second stage without the first stage's segmentation, and a segmentation given to a model of
   * one stage (its network has no input for it), saying what to do.
   */
  public void requirePreviousStageIfCascade(boolean given) {
    if (configuration.previousStage().isPresent() && !given) {
      throw new IllegalArgumentException("the model (configuration " + configurationName + ") is the second stage of a"
          + " cascade: it takes the segmentation of its previous stage (" + configuration.previousStage().get()
          + ") as extra input; predict the images with the " + configuration.previousStage().get()
          + " model folder first and give its segmentations (mednext predict -prev_stage_predictions, as for"
          + " nnUNetv2_predict; in Fiji the previous_stage field)");
    }
    if (configuration.previousStage().isEmpty() && given) {
      throw new IllegalArgumentException("the model (configuration " + configurationName + ") is not the second stage"
          + " of a cascade (its plans name no previous_stage), so it takes no previous stage's segmentation: leave it out");
    }
  }

  /**
   * What is wrong with a previous stage's label map whose values are not all the model's labels, or null: nnU-Net
   * counts other values as background (no one-hot channel), so such a map is not the first stage's output.
   */
  static String unknownLabels(short[] previousStage, List<Integer> labels) {
    BitSet known = new BitSet(1 << 16);
    for (int l : labels) known.set(l & 0xffff);
    TreeSet<Integer> unknown = new TreeSet<>();
    for (short v : previousStage) if (v != 0 && !known.get(v & 0xffff)) unknown.add((int) v);
    if (unknown.isEmpty()) return null;
    List<Integer> shown = unknown.stream().limit(10).toList();
    return "values " + shown + (unknown.size() > shown.size() ? " and " + (unknown.size() - shown.size()) + " more"
        : "") + " are not labels of the model (dataset.json: " + labels + "); they count as background, as in nnU-Net,"
        + " but is this the first stage's segmentation of the image?";
  }

  /** An out-of-memory error that says how large the image became at the model's spacing (the usual cause). */
  private PredictionOutOfMemoryError outOfMemory(OutOfMemoryError e, String stage, int[] shape, double[] spacing,
      int[] resampled, String bound) {
    double voxels = (double) resampled[0] * resampled[1] * resampled[2];
    PredictionOutOfMemoryError tooLarge = new PredictionOutOfMemoryError(stage, String.format(Locale.ROOT,
        "while %s: the image, %s voxels (z, y, x) of %s mm, is %s%s voxels at the model's spacing %s (%.2f G voxels, "
            + "for each of %d channel(s) and %d class(es))", stage, Arrays.toString(shape), Arrays.toString(spacing), bound,
        Arrays.toString(resampled), configuration.spacing(), voxels / 1e9, channels(), network().numClasses()), false);
    tooLarge.initCause(e);
    return tooLarge;
  }

  private void checkFinite(float[] values, int[] shape, int channel) {
    long bad = 0;
    int first = -1;
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        if (bad++ == 0) first = i;
      }
    }
    if (bad == 0) return;
    int nx = shape[2];
    int ny = shape[1];
    throw new IllegalArgumentException(String.format(Locale.ROOT, "channel %d (%s) has %d voxel(s) that are NaN or "
        + "infinite, the first at voxel (%d, %d, %d) = %s; the network would spread them over whole tiles: replace "
        + "them first, e.g. with the background intensity", channel, model.datasetJson().channelNames().get(channel),
        bad, first % nx, first / nx % ny, first / (nx * ny), values[first]));
  }

  /** A one-line description for logs. */
  public String describe() {
    return String.format(Locale.ROOT, "%s, %s %s, %s, patch %s, step %s, %s", network().describe(),
        folds.size() == 1 ? "fold" : "folds", folds.stream().map(Fold::toString).collect(Collectors.joining(", ")),
        configurationName, configuration.patchSize(), options.stepSize(),
        mirrorAxes().length == 0 ? "no mirroring" : "mirroring axes " + Arrays.toString(mirrorAxes()));
  }

  @Override
  public void close() {
    // a build still running finishes first: its networks hold native memory that only closing them frees
    try {
      networks.join().folds().forEach(MedNeXt::close);
    } catch (CompletionException | CancellationException e) {
      // nothing was built, or what was built is closed already
    }
  }

  /** Optional geometry-free access for tests. */
  Optional<Configuration> configuration() {
    return Optional.of(configuration);
  }
}
