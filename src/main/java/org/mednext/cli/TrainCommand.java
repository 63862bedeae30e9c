package org.mednext.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mednext.net.MedNeXtConfig;
import org.mednext.train.EpochListener;
import org.mednext.train.Trainer;
import org.mednext.train.TrainingData;
import org.mednext.train.TrainingOptions;
import org.mednext.train.TrainingSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mednext train}: fine-tune or train a MedNeXt-v2 on an nnU-Net raw dataset. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Fine-tune a pretrained MedNeXt (--pretrained) or train one from scratch (--variant) on an nnU-Net raw "
        + "dataset folder (dataset.json, imagesTr/, labelsTr/), the nnU-Net way (patch sampling with foreground "
        + "oversampling, augmentation, Dice+CE with deep supervision, poly learning rate).",
        "Writes MODEL_DIR (dataset.json, plans.json, fold_X/checkpoint_*.pth, training_log.*, progress.png, "
            + "validation/summary.json), usable by 'mednext predict', the Fiji commands and Python nnU-Net.",
        "Defaults suit a CPU; nnU-Net's 1000 epochs x 250 iterations is a GPU budget."})
final class TrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "-d", required = true, paramLabel = "DATASET_DIR", description = "nnU-Net raw dataset folder")
  Path dataset;

  @Option(names = "-o", required = true, paramLabel = "MODEL_DIR", description = "output model folder")
  Path output;

  @Option(names = "--pretrained", paramLabel = "MODEL_DIR|CHECKPOINT",
      description = "fine-tune this model (folder with plans.json and fold_N/, or a .pth carrying init_args.plans)")
  Path pretrained;

  @Option(names = "--variant", paramLabel = "NAME",
      description = "from scratch: base, wide, v1-s, v1-b, v1-m, v1-l (default: base when no --pretrained)")
  String variant;

  @Option(names = "--width", paramLabel = "C", description = "override the variant's base width, e.g. --variant base --width 8")
  Integer width;

  @Option(names = "--fold", paramLabel = "N|all",
      description = "nnU-Net's 5-fold split fold 0..4, or all (default: 0 with >= 5 cases, else all)")
  String fold;

  @Option(names = "--epochs", defaultValue = "50", description = "epochs (default: ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--iterations-per-epoch", defaultValue = "50", description = "training batches per epoch (default: ${DEFAULT-VALUE})")
  int iterations;

  @Option(names = "--val-iterations", defaultValue = "10", description = "validation batches per epoch (default: ${DEFAULT-VALUE})")
  int valIterations;

  @Option(names = "--patch", arity = "3", paramLabel = "Z Y X", hideParamSyntax = true,
      description = "patch size in the plans' axis order, multiples of 16 (default: the plans', or 64^3 capped at the median image)")
  List<Integer> patch;

  @Option(names = "--target-spacing", arity = "3", paramLabel = "Z Y X", hideParamSyntax = true,
      description = "from scratch: resample to this spacing in mm, in the images' (z, y, x) array order (default: the median)")
  List<Double> targetSpacing;

  @Option(names = "--batch", defaultValue = "2", description = "batch size (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--optimizer", defaultValue = "sgd", paramLabel = "sgd|adamw",
      description = "sgd (nnU-Net: Nesterov 0.99) or adamw (MedNeXt v1) (default: ${DEFAULT-VALUE})")
  String optimizer;

  @Option(names = "--lr", paramLabel = "X", description = "initial learning rate (default: sgd 1e-2 from scratch, 1e-3 fine-tuning; adamw 1e-3)")
  Double lr;

  @Option(names = "--warmup", defaultValue = "0", paramLabel = "EPOCHS", description = "linear warm-up epochs (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--seed", defaultValue = "0", description = "seed of initialisation, sampling and augmentation (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--save-every", defaultValue = "1", paramLabel = "EPOCHS",
      description = "write checkpoint_latest.pth every this many epochs (default: ${DEFAULT-VALUE})")
  int saveEvery;

  @Option(names = "--recompute-levels", defaultValue = "5", paramLabel = "0-5",
      description = "network levels (from full resolution) recomputed in the backward pass instead of kept in memory:"
          + " 0 fastest, 5 least memory (~40 %% of 0's for ~25 %% more time) (default: ${DEFAULT-VALUE})")
  int recomputeLevels;

  @Option(names = "--resume", description = "continue from MODEL_DIR/fold_X/checkpoint_latest.pth")
  boolean resume;

  @Mixin EngineOptions engine;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (pretrained != null && variant != null) throw new IllegalArgumentException("give --pretrained or --variant, not both");
    Optional<MedNeXtConfig> network = Optional.empty();
    if (pretrained == null) {
      MedNeXtConfig c = MedNeXtConfig.preset(variant == null ? "base" : variant, 1, 2);
      network = Optional.of(width == null ? c : c.withWidth(width));
    } else if (width != null) {
      throw new IllegalArgumentException("--width applies to --variant (training from scratch), not to --pretrained");
    }
    Optional<int[]> patchSize = patch == null ? Optional.empty() : Optional.of(patch.stream().mapToInt(Integer::intValue).toArray());
    TrainingOptions options = TrainingOptions.defaults().withEpochs(epochs).withIterations(iterations, valIterations)
        .withBatchSize(batch).withOptimizer(optimizer.toLowerCase(Locale.ROOT), lr == null ? Double.NaN : lr)
        .withWarmup(warmup).withSeed(seed).withSaveEvery(saveEvery).withRecomputeLevels(recomputeLevels)
        .withThreads(engine.threads).withDevice(engine.start());
    TrainingData data = TrainingData.open(dataset);
    Optional<double[]> spacing = targetSpacing == null ? Optional.empty()
        : Optional.of(targetSpacing.stream().mapToDouble(Double::doubleValue).toArray());
    TrainingSetup setup = new TrainingSetup(data, output, Optional.ofNullable(pretrained), network, patchSize, spacing,
        Optional.ofNullable(fold), resume);
    ConsoleProgress progress = ConsoleProgress.forTerminal(err, "");
    // Ctrl-C: stop at the next iteration; checkpoint_latest of the last epoch stays
    try (StopOnSignal signal = StopOnSignal.install(progress::cancel, 60)) {
      Trainer.Result r = Trainer.train(setup, options, progress, EpochListener.none());
      progress.endLine();
      out.printf(Locale.ROOT, "model folder: %s%n", r.modelFolder());
      out.printf(Locale.ROOT, "checkpoints, log and progress.png: %s%n", r.foldFolder());
      out.printf(Locale.ROOT, "validation Dice per label: %s%n", r.finalDice());
      return 0;
    }
  }
}
