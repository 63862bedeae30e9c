package org.mednext.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mednext.torch.TorchCheckpoint;

/**
 * Copies what a model folder needs for prediction and sharing, as nnU-Net's {@code nnUNetv2_export_model_to_zip}
 * does (dataset.json, plans.json, per fold the checkpoint, progress.png, training logs, validation summary), to a
 * new folder. Optionally drops the optimizer state from the checkpoints: prediction never reads it, and for SGD
 * it doubles the file size.
 */
public final class ModelExport {

  private ModelExport() {}

  /** Exports {@code source} into {@code target} (created; must not exist yet); returns the files written. */
  public static List<Path> export(Path source, Path target, String checkpointName, boolean stripOptimizer) throws IOException {
    ModelFolder model = ModelFolder.open(source);
    if (Files.exists(target)) throw new IOException(target + " already exists; choose a new folder");
    List<Fold> folds = model.folds(checkpointName, true);
    if (folds.isEmpty()) throw new ModelFormatException(source + ": no fold folder holds " + checkpointName);
    Files.createDirectories(target);
    List<Path> written = new ArrayList<>();
    for (String f : new String[] {ModelFolder.DATASET_JSON, ModelFolder.PLANS_JSON, "dataset_fingerprint.json"}) {
      if (Files.isRegularFile(source.resolve(f))) written.add(Files.copy(source.resolve(f), target.resolve(f)));
    }
    for (Fold fold : folds) {
      Path from = source.resolve(fold.folderName());
      Path to = Files.createDirectories(target.resolve(fold.folderName()));
      Path ckpt = to.resolve(checkpointName);
      if (stripOptimizer) {
        Object root = TorchCheckpoint.read(from.resolve(checkpointName));
        if (root instanceof Map<?, ?> m && m.containsKey("optimizer_state")) {
          Map<Object, Object> copy = new LinkedHashMap<>(m);
          copy.put("optimizer_state", null);
          root = copy;
        }
        TorchCheckpoint.write(ckpt, root);
      } else {
        Files.copy(from.resolve(checkpointName), ckpt, StandardCopyOption.COPY_ATTRIBUTES);
      }
      written.add(ckpt);
      for (String f : new String[] {"progress.png", "training_log.txt", "training_log.json", "debug.json"}) {
        if (Files.isRegularFile(from.resolve(f))) written.add(Files.copy(from.resolve(f), to.resolve(f)));
      }
      Path summary = from.resolve("validation/summary.json");
      if (Files.isRegularFile(summary)) {
        written.add(Files.copy(summary, Files.createDirectories(to.resolve("validation")).resolve("summary.json")));
      }
    }
    return written;
  }
}
