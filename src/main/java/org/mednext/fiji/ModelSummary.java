package org.mednext.fiji;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.mednext.model.Configuration;
import org.mednext.model.Fold;
import org.mednext.model.ModelFolder;
import org.mednext.model.NnUnetCheckpoint;
import org.mednext.net.ArchitectureInference;
import org.mednext.net.MedNeXtConfig;
import org.mednext.torch.TensorData;

/**
 * What a model folder holds, for "Model Info": read from dataset.json, plans.json and the first fold's
 * checkpoint (the network is inferred from the weights, as {@code mednext info} does). Starts no engine.
 *
 * @param folder the model folder, absolute
 * @param network one-line description of the network
 * @param parameters number of network parameters (weights of one fold)
 * @param channels input channel names, in channel order
 * @param labels output label value to name
 * @param configuration configuration name (e.g. 3d_fullres)
 * @param previousStage the configuration whose segmentations a cascade's second stage takes (e.g. 3d_lowres), if any
 * @param spacing target spacing (z, y, x) in mm, nnU-Net's axis order
 * @param patchSize network patch (z, y, x) in voxels
 * @param folds fold folders that hold checkpoint_final.pth (e.g. fold_0, fold_all)
 * @param trainer the trainer that wrote the checkpoint, if recorded
 */
public record ModelSummary(Path folder, String network, long parameters, List<String> channels,
    Map<Integer, String> labels, String configuration, Optional<String> previousStage, List<Double> spacing,
    List<Integer> patchSize, List<String> folds, Optional<String> trainer) {

  public ModelSummary {
    channels = List.copyOf(channels);
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    spacing = List.copyOf(spacing);
    patchSize = List.copyOf(patchSize);
    folds = List.copyOf(folds);
  }

  /**
   * Reads {@code folder}.
   *
   * @throws IOException when files are missing or malformed, or no fold has checkpoint_final.pth
   */
  public static ModelSummary read(Path folder) throws IOException {
    ModelFolder model = ModelFolder.open(folder);
    List<Fold> folds = model.folds(ModelFolder.CHECKPOINT_FINAL, true);
    if (folds.isEmpty()) {
      throw new IOException(model.path() + ": no fold folder holds " + ModelFolder.CHECKPOINT_FINAL);
    }
    NnUnetCheckpoint ckpt = NnUnetCheckpoint.read(model.checkpoint(folds.get(0), ModelFolder.CHECKPOINT_FINAL));
    MedNeXtConfig net = ArchitectureInference.infer(ckpt.shapes());
    long parameters = 0;
    for (Map.Entry<String, TensorData> e : ckpt.weights().entrySet()) {
      if (!e.getKey().equals("dummy_tensor")) parameters += e.getValue().numel();
    }
    String name = ckpt.configuration().or(model::configurationNameFromFolderName).orElse("3d_fullres");
    Configuration c = model.configuration(name);
    List<String> foldNames = new ArrayList<>();
    for (Fold f : folds) foldNames.add(f.folderName());
    return new ModelSummary(model.path(), net.describe(), parameters, model.datasetJson().channelNames(),
        model.datasetJson().labels().outputLabelNames(), name, c.previousStage(), c.spacing(), c.patchSize(), foldNames,
        ckpt.trainerName());
  }

  /** The summary as (property, value) rows, in display order. */
  public List<String[]> rows() {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"Model folder", folder.toString()});
    rows.add(new String[] {"Network", network});
    rows.add(new String[] {"Parameters", String.format(Locale.ROOT, "%,d", parameters)});
    rows.add(new String[] {"Input channels", String.join(", ", channels)});
    StringBuilder l = new StringBuilder();
    labels.forEach((v, n) -> l.append(l.length() == 0 ? "" : ", ").append(v).append(' ').append(n));
    rows.add(new String[] {"Labels", l.toString()});
    rows.add(new String[] {"Configuration", configuration});
    previousStage.ifPresent(p -> rows.add(new String[] {"Cascade", "second stage: give the segmentation of " + p
        + " (previous_stage)"}));
    rows.add(new String[] {"Spacing (z, y, x)", spacing + " mm"});
    rows.add(new String[] {"Patch (z, y, x)", patchSize + " voxels"});
    rows.add(new String[] {"Folds", String.join(", ", folds)});
    trainer.ifPresent(t -> rows.add(new String[] {"Trainer", t}));
    return rows;
  }

  /** The rows as aligned lines, for the log or a console. */
  public String text() {
    StringBuilder s = new StringBuilder();
    for (String[] row : rows()) line(s, row[0], row[1]);
    return s.toString();
  }

  private static void line(StringBuilder s, String key, String value) {
    s.append(String.format(Locale.ROOT, "%-18s %s%n", key + ":", value));
  }
}
