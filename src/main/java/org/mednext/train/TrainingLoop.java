package org.mednext.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.mednext.engine.Engines;
import org.mednext.engine.HostReads;
import org.mednext.model.Configuration;
import org.mednext.model.Plans;
import org.mednext.net.MedNeXt;
import org.mednext.task.CancelledException;
import org.mednext.task.Progress;
import org.mednext.train.augment.AugmentationConfig;
import org.mednext.train.augment.AugmentationPipeline;
import org.mednext.train.augment.Batch;
import org.mednext.train.augment.BatchLoader;
import org.mednext.train.loss.DeepSupervisionLoss;
import org.mednext.train.loss.DiceCounts;
import org.mednext.train.loss.DiceCrossEntropyLoss;
import org.mednext.train.loss.OnlineDice;
import org.mednext.train.optim.AdamW;
import org.mednext.train.optim.GradientClipping;
import org.mednext.train.optim.LearningRates;
import org.mednext.train.optim.SgdNesterov;
import org.mednext.train.optim.TorchOptimizer;
import org.mednext.train.sampling.CaseData;
import org.mednext.train.sampling.CaseSource;
import org.mednext.train.sampling.PatchSampler;
import org.mednext.util.AtomicFiles;

/**
 * nnU-Net's epoch loop (spec part D.3-D.9): learning rate set per epoch (poly, optionally after a linear warm-up),
 * training iterations on augmented batches prepared in background threads (Dice + CE with deep supervision on all
 * five MedNeXt heads, gradient-norm clipping at 12, SGD-Nesterov or AdamW with torch semantics), validation
 * batches for the loss and the online pseudo-Dice with its moving average, then logs, progress.png and
 * checkpoints (best by EMA pseudo-Dice, latest every {@code saveEvery} epochs, final at the end).
 *
 * <p>Every forward and backward runs in an {@code NDScope}; optimizer state lives outside it, so native memory
 * stays flat over long runs.
 */
final class TrainingLoop {

  static final double GRADIENT_CLIP = 12;
  static final double OVERSAMPLE_FOREGROUND = 0.33;
  /** MedNeXt trains all five heads: full resolution down to 1/16. */
  static final double[][] DEEP_SUPERVISION_SCALES = {{1, 1, 1}, {.5, .5, .5}, {.25, .25, .25}, {.125, .125, .125}, {.0625, .0625, .0625}};

  private final MedNeXt net;
  private final TrainingOptions options;
  private final Configuration configuration;
  private final Plans plans;
  private final JsonObject datasetJson;
  private final String fold;
  private final Path foldFolder;
  private final boolean fineTuning;
  private final Progress progress;
  private final EpochListener listener;
  private boolean plotUnavailable;
  private TrainingLog log = new TrainingLog();

  TrainingLoop(MedNeXt net, TrainingOptions options, Configuration configuration, Plans plans, JsonObject datasetJson,
      String fold, Path foldFolder, boolean fineTuning, Progress progress, EpochListener listener) {
    this.net = net;
    this.options = options;
    this.configuration = configuration;
    this.plans = plans;
    this.datasetJson = datasetJson;
    this.fold = fold;
    this.foldFolder = foldFolder;
    this.fineTuning = fineTuning;
    this.progress = progress;
    this.listener = listener;
  }

  TrainingLog log() {
    return log;
  }

  void run(List<CaseData> train, List<CaseData> val, TrainingCheckpoint.ResumeState resume) throws IOException {
    int[] patch = configuration.patchSizeArray();
    boolean[] useMask = new boolean[configuration.useMaskForNorm().size()];
    for (int i = 0; i < useMask.length; i++) useMask[i] = configuration.useMaskForNorm().get(i);
    AugmentationConfig augmentation = AugmentationConfig.nnUnet(patch, useMask);
    int[] mirrorAxes = augmentation.mirrorAxes();
    List<NDArray> params = new ArrayList<>(net.stateDict().values());
    net.setRequiresGradient(true);
    net.setAllHeads(true);
    double lr0 = options.initialLearningRate(fineTuning);
    long seed = resume != null ? resume.seed() : options.seed();
    int startEpoch = resume != null ? resume.nextEpoch() : 0;
    OnlineDice dice = new OnlineDice();
    double bestEma = Double.NEGATIVE_INFINITY;
    if (resume != null) {
      log = resume.log();
      bestEma = resume.bestEma();
      List<Double> ema = log.emaFgDice();
      if (!ema.isEmpty()) dice.restore(ema.get(ema.size() - 1), bestEma);
    }
    DeepSupervisionLoss loss = new DeepSupervisionLoss(new DiceCrossEntropyLoss(configuration.batchDice()),
        DeepSupervisionLoss.medNeXtV1Weights(DEEP_SUPERVISION_SCALES.length));
    int workers = Math.max(1, options.threads() / 2);
    PatchSampler trainSampler = new PatchSampler(CaseSource.of(train), options.batchSize(), augmentation.initialPatchSize(),
        patch, OVERSAMPLE_FOREGROUND);
    PatchSampler valSampler = new PatchSampler(CaseSource.of(val), options.batchSize(), patch, patch, OVERSAMPLE_FOREGROUND);
    long firstTrain = (long) startEpoch * options.iterationsPerEpoch();
    long firstVal = (long) startEpoch * options.validationIterations();
    try (TorchOptimizer optimizer = options.optimizer().equals("sgd") ? SgdNesterov.nnUnet(params, lr0) : AdamW.medNeXtV1(params, lr0);
        BatchLoader trainBatches = new BatchLoader(trainSampler, AugmentationPipeline.training(augmentation, 1),
            DEEP_SUPERVISION_SCALES, seed, workers, 2, firstTrain);
        BatchLoader valBatches = new BatchLoader(valSampler, AugmentationPipeline.validation(), DEEP_SUPERVISION_SCALES,
            seed ^ 0x5eedL, 1, 2, firstVal)) {
      if (resume != null && !resume.optimizerState().isEmpty()) optimizer.loadStateDict(resume.optimizerState());
      for (int epoch = startEpoch; epoch < options.epochs(); epoch++) {
        double start = Instant.now().toEpochMilli() / 1000.0;
        double lr = options.warmupEpochs() > 0
            ? LearningRates.warmupThenPoly(lr0, epoch, options.epochs(), options.warmupEpochs())
            : LearningRates.poly(lr0, epoch, options.epochs());
        optimizer.setLearningRate(lr);
        progress.start(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, options.epochs()), options.iterationsPerEpoch());
        double trainLoss = 0;
        for (int it = 0; it < options.iterationsPerEpoch(); it++) {
          progress.checkCancelled();
          trainLoss += trainStep(next(trainBatches), loss, params, optimizer, epoch, it);
          progress.update(it + 1);
        }
        trainLoss /= options.iterationsPerEpoch();
        double valLoss = 0;
        DiceCounts counts = null;
        for (int it = 0; it < options.validationIterations(); it++) {
          progress.checkCancelled();
          Validation v = validationStep(next(valBatches), loss);
          valLoss += v.loss();
          counts = counts == null ? v.counts() : counts.plus(v.counts());
        }
        valLoss /= options.validationIterations();
        dice.add(counts);
        OnlineDice.Epoch d = dice.endEpoch();
        double end = Instant.now().toEpochMilli() / 1000.0;
        TrainingLog.Epoch e = new TrainingLog.Epoch(epoch, trainLoss, valLoss, d.dicePerClass(), d.meanForegroundDice(),
            d.ema(), lr, start, end);
        log.add(e);
        writeLogs(e, d.newBest());
        if (d.newBest()) {
          bestEma = d.ema();
          checkpoint("checkpoint_best.pth", optimizer, bestEma, epoch + 1, mirrorAxes, seed);
        }
        if ((epoch + 1) % options.saveEvery() == 0 && epoch + 1 < options.epochs()) {
          checkpoint("checkpoint_latest.pth", optimizer, bestEma, epoch + 1, mirrorAxes, seed);
        }
        listener.epochFinished(log, e);
      }
      checkpoint("checkpoint_final.pth", optimizer, bestEma, options.epochs(), mirrorAxes, seed);
      Files.deleteIfExists(foldFolder.resolve("checkpoint_latest.pth"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancelledException("training interrupted");
    } finally {
      net.setRequiresGradient(false);
      Engines.setGradMode(false);
    }
  }

  private static Batch next(BatchLoader loader) throws IOException, InterruptedException {
    return loader.next();
  }

  /** One optimisation step; returns the loss. A non-finite loss or gradient stops the run before the update. */
  private double trainStep(Batch batch, DeepSupervisionLoss loss, List<NDArray> params, TorchOptimizer optimizer,
      int epoch, int iteration) {
    double value;
    // grad mode is per thread; DJL's GradientCollector is not used: only one may exist in the whole JVM at a time,
    // which would make two trainings in one Fiji fail
    Engines.setGradMode(true);
    try (NDManager m = net.manager().newSubManager(); NDScope scope = new NDScope()) {
      List<NDArray> targets = targets(m, batch);
      value = net.forwardBackward(net.parameterStore(), input(m, batch), outs -> loss.compute(outs, targets),
          options.recomputeLevels());
    }
    double norm = GradientClipping.clipGradNorm(params, GRADIENT_CLIP);
    if (!Double.isFinite(value) || !Double.isFinite(norm)) {
      optimizer.zeroGrad();
      throw new TrainingDivergedException(diverged(epoch, iteration, value, norm, optimizer.learningRate()));
    }
    optimizer.step();
    return value;
  }

  /**
   * What a user reads when training diverges. nnU-Net on a GPU would skip such steps silently (AMP's gradient scaler)
   * and on a CPU train on with NaN weights; stopping keeps the last good checkpoint and says what to change.
   */
  static String diverged(int epoch, int iteration, double loss, double gradientNorm, double lr) {
    return String.format(Locale.ROOT, "training diverged in epoch %d, iteration %d: loss %s, gradient norm %s. The "
        + "weights were not updated and the checkpoints written so far are kept. Start again with a lower "
        + "learning rate (--lr, now %.3g) or warm-up epochs (--warmup)", epoch + 1, iteration + 1, loss, gradientNorm, lr);
  }

  private record Validation(double loss, DiceCounts counts) {}

  private Validation validationStep(Batch batch, DeepSupervisionLoss loss) {
    Engines.setGradMode(false);
    try (NDManager m = net.manager().newSubManager(); NDScope scope = new NDScope()) {
      NDList outs = net.forward(net.parameterStore(), new NDList(input(m, batch)), false);
      List<NDArray> targets = targets(m, batch);
      double value = HostReads.floatValue(loss.compute(outs, targets));
      return new Validation(value, DiceCounts.ofSoftmax(outs.get(0), targets.get(0)));
    }
  }

  private static NDArray input(NDManager m, Batch b) {
    return m.create(b.data(), shape(b.dataShape()));
  }

  private static List<NDArray> targets(NDManager m, Batch b) {
    List<NDArray> out = new ArrayList<>();
    for (int i = 0; i < b.targets().size(); i++) {
      short[] t = b.targets().get(i);
      int[] ints = new int[t.length];
      for (int j = 0; j < t.length; j++) ints[j] = t[j];
      out.add(m.create(ints, shape(b.targetShapes().get(i))));
    }
    return out;
  }

  private static Shape shape(int[] s) {
    return new Shape(Arrays.stream(s).asLongStream().toArray());
  }

  private void checkpoint(String name, TorchOptimizer optimizer, double bestEma, int nextEpoch, int[] mirrorAxes, long seed)
      throws IOException {
    TrainingCheckpoint.write(foldFolder.resolve(name), net, optimizer, log, bestEma, nextEpoch, plans.raw(), datasetJson,
        Trainer.CONFIGURATION, fold, mirrorAxes, seed);
  }

  private void writeLogs(TrainingLog.Epoch e, boolean newBest) throws IOException {
    String line = String.format(Locale.ROOT,
        "epoch %d: lr %.3g | train loss %.4f | val loss %.4f | pseudo Dice %s | EMA %.4f%s | %.1f s%n", e.epoch(), e.lr(),
        e.trainLoss(), e.valLoss(), formatDice(e.dicePerClass()), e.ema(), newBest ? " (new best)" : "", e.seconds());
    Path text = foldFolder.resolve("training_log.txt");
    Files.writeString(text, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    String json = new com.google.gson.GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting().create()
        .toJson(log.toCheckpointValue());
    AtomicFiles.write(foldFolder.resolve("training_log.json"), out -> out.write(json.getBytes(StandardCharsets.UTF_8)));
    if (!plotUnavailable) {
      plotUnavailable = !drawProgress(() -> ProgressPlot.write(log, foldFolder.resolve("progress.png")), progress);
    }
    progress.message(line.strip());
  }

  interface PlotWriter {
    void write() throws IOException;
  }

  /**
   * Writes progress.png; false, after saying so, when this Java cannot draw text: a JRE without its font libraries
   * (libharfbuzz missing on a GPU machine) or fontconfig (headless cluster nodes) fails in Java2D's first drawString.
   * The picture only repeats training_log.txt, so the training goes on without it.
   */
  static boolean drawProgress(PlotWriter writer, Progress progress) throws IOException {
    try {
      writer.write();
      return true;
    } catch (LinkageError | java.awt.AWTError | InternalError | RuntimeException e) {
      progress.message("progress.png is not drawn (" + e + "; a JRE without its font libraries fails so); the"
          + " training goes on, and training_log.txt and training_log.json hold the same numbers");
      return false;
    }
  }

  private static String formatDice(double[] d) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < d.length; i++) b.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.3f", d[i]));
    return b.append(']').toString();
  }
}
