package org.mednext.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mednext.model.Fold;

/**
 * One case of ../shared/fixtures/nnunet_pipeline as its case.json describes it: nnU-Net's predictor settings, the
 * model folder and input, and nnU-Net's own timings on this machine type ({@code performance.timed_run}).
 */
record FixtureCase(String name, Path folder, Path model, Path input, List<Fold> folds, double stepSize,
    boolean mirroring, JsonObject reference) {

  static FixtureCase load(Path shared, String name) throws IOException {
    Path folder = shared.resolve("fixtures/nnunet_pipeline").resolve(name);
    JsonObject json = JsonParser.parseString(Files.readString(folder.resolve("case.json"))).getAsJsonObject();
    JsonObject settings = json.getAsJsonObject("predictor").getAsJsonObject("settings");
    List<Fold> folds = new ArrayList<>();
    for (var f : settings.getAsJsonArray("use_folds")) folds.add(Fold.of(f.getAsInt()));
    return new FixtureCase(name, folder,
        folder.resolve(json.getAsJsonObject("model").get("folder").getAsString()).normalize(),
        folder.resolve(json.getAsJsonObject("input").get("path").getAsString()).normalize(), folds,
        settings.get("tile_step_size").getAsDouble(), settings.get("use_mirroring").getAsBoolean(),
        json.getAsJsonObject("performance").getAsJsonObject("timed_run"));
  }

  /** nnU-Net's time for a stage (preprocess, predict, export, initialize_model, python_imports) in seconds. */
  double referenceSeconds(String stage) {
    return reference.getAsJsonObject("stages_s").get(stage).getAsDouble();
  }

  /** A field of nnU-Net's {@code /usr/bin/time -v} record of the whole process (wall_s, max_rss_mib). */
  double referenceProcess(String field) {
    return reference.getAsJsonObject("usr_bin_time_v").get(field).getAsDouble();
  }

  /** nnU-Net's label file for this case (output/NAME.nii.gz). */
  Path referenceLabels() throws IOException {
    try (var files = Files.list(folder.resolve("output"))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".nii.gz")).findFirst()
          .orElseThrow(() -> new IOException(folder + "/output holds no .nii.gz"));
    }
  }
}
