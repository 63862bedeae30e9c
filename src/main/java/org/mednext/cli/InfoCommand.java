package org.mednext.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mednext.model.ArchitectureHints;
import org.mednext.model.Configuration;
import org.mednext.model.Fold;
import org.mednext.model.ModelFolder;
import org.mednext.model.NnUnetCheckpoint;
import org.mednext.net.ArchitectureInference;
import org.mednext.net.MedNeXtConfig;
import org.mednext.predict.ArchitectureCheck;
import org.mednext.predict.ImageReaderWriter;
import org.mednext.torch.TensorData;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mednext info}: what a checkpoint or a model folder contains. Reads files only; starts no engine. */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Show the network (inferred from the weights), parameter count, GRN placement, heads and, for a "
        + "model folder, labels, channels, spacing, patch size and folds.")
final class InfoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--checkpoint", paramLabel = "FILE", description = "a .pth checkpoint (nnU-Net layout or a plain state dict)")
    Path checkpoint;

    @Option(names = "-m", paramLabel = "MODEL_DIR", description = "an nnU-Net model folder (dataset.json, plans.json, fold_N/)")
    Path modelFolder;
  }

  @Option(names = "--verbose", description = "print stack traces of errors")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (source.checkpoint != null) {
      describeCheckpoint(out, NnUnetCheckpoint.read(source.checkpoint), null);
    } else {
      describeModelFolder(out, ModelFolder.open(source.modelFolder));
    }
    out.flush();
    return 0;
  }

  private static MedNeXtConfig describeCheckpoint(PrintWriter out, NnUnetCheckpoint ckpt, ArchitectureHints hints) {
    MedNeXtConfig config = ArchitectureInference.infer(ckpt.shapes());
    long params = 0;
    for (TensorData t : ckpt.weights().values()) params += t.numel();
    out.printf(Locale.ROOT, "checkpoint:    %s%n", ckpt.file());
    out.printf(Locale.ROOT, "network:       %s%n", config.describe());
    out.printf(Locale.ROOT, "parameters:    %,d in %d tensors (%s)%n", params, ckpt.weights().size(), dtypes(ckpt.weights()));
    out.printf(Locale.ROOT, "GRN:           %s%n", grnText(config));
    out.printf(Locale.ROOT, "heads:         %s%n", config.deepSupervision()
        ? "out_0 (full resolution) + out_1..out_4 (deep supervision at 1/2, 1/4, 1/8, 1/16)" : "out_0 (full resolution) only");
    out.printf(Locale.ROOT, "input:         %d channel(s); spatial size must be divisible by 16%n", config.inChannels());
    ckpt.trainerName().ifPresent(t -> out.printf(Locale.ROOT, "trainer:       %s%n", t));
    ckpt.configuration().ifPresent(c -> out.printf(Locale.ROOT, "configuration: %s%n", c));
    int[] mirror = ckpt.inferenceMirrorAxes();
    out.printf(Locale.ROOT, "mirroring:     %s%n", mirror.length > 0 ? "axes " + java.util.Arrays.toString(mirror)
        + (ckpt.mirrorAxes().isEmpty() ? " (a bare state dict: all axes unless --disable_tta)" : "")
        : ckpt.mirrorAxes().isPresent() ? "none (the trainer disallows test-time mirroring)"
        : "none (the checkpoint has no inference_allowed_mirroring_axes; nnU-Net then does not mirror)");
    if (ckpt.epoch() >= 0) out.printf(Locale.ROOT, "epoch:         %d%n", ckpt.epoch());
    if (hints != null) {
      List<String> diffs = ArchitectureCheck.differences(config, hints);
      out.printf(Locale.ROOT, "plans check:   %s%n", diffs.isEmpty() ? "plans.json architecture agrees with the weights"
          : "plans.json architecture differs from the weights: " + String.join("; ", diffs) + " (the weights win)");
    }
    return config;
  }

  private static void describeModelFolder(PrintWriter out, ModelFolder folder) throws Exception {
    out.printf(Locale.ROOT, "model folder:  %s%n", folder.path());
    out.printf(Locale.ROOT, "channels:      %s%n", folder.datasetJson().channelNames());
    out.printf(Locale.ROOT, "labels:        %s%n", folder.datasetJson().labels().outputLabelNames());
    out.printf(Locale.ROOT, "file ending:   %s%n", folder.datasetJson().fileEnding());
    String readerName = folder.plans().imageReaderWriter();
    out.printf(Locale.ROOT, "reader:        %s (%s)%n", readerName, ImageReaderWriter.of(readerName).describe());
    List<Fold> folds = folder.folds(ModelFolder.CHECKPOINT_FINAL, true);
    List<String> names = new ArrayList<>();
    for (Fold f : folds) names.add(f.folderName());
    out.printf(Locale.ROOT, "folds:         %s (with %s)%n", names.isEmpty() ? "none" : String.join(", ", names), ModelFolder.CHECKPOINT_FINAL);
    if (folds.isEmpty()) return;
    NnUnetCheckpoint ckpt = NnUnetCheckpoint.read(folder.checkpoint(folds.get(0), ModelFolder.CHECKPOINT_FINAL));
    String configurationName = ckpt.configuration().orElseGet(() -> folder.configurationNameFromFolderName().orElse("3d_fullres"));
    Configuration c = folder.configuration(configurationName);
    out.printf(Locale.ROOT, "configuration: %s: spacing %s mm, patch %s, normalization %s%n", configurationName,
        c.spacing(), c.patchSize(), c.normalizationSchemes());
    out.printf(Locale.ROOT, "resampling:    image %s; probabilities %s%n", c.resamplingData().describe(),
        c.resamplingProbabilities().describe());
    if (c.previousStage().isPresent()) {
      out.printf(Locale.ROOT, "cascade:       second stage after %s: the network also reads that stage's segmentation"
          + " as %d one-hot channel(s) (foreground labels %s), resampled by %s; predict with"
          + " -prev_stage_predictions%n", c.previousStage().get(), folder.datasetJson().labels().foregroundLabels().size(),
          folder.datasetJson().labels().foregroundLabels(), c.resamplingSeg().describe());
    }
    describeCheckpoint(out, ckpt, c.architecture().medNeXt().orElse(null));
  }

  private static String grnText(MedNeXtConfig c) {
    if (!c.grn()) return "none (MedNeXt v1)";
    return c.grnInDown0() ? "in every block (down_0 included)" : "in every block except down_0 (as the reference code)";
  }

  private static String dtypes(Map<String, TensorData> weights) {
    java.util.TreeSet<String> names = new java.util.TreeSet<>();
    for (TensorData t : weights.values()) names.add(t.dtype().name().toLowerCase(Locale.ROOT));
    return String.join(", ", names);
  }
}
