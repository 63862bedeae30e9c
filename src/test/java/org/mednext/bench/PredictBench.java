package org.mednext.bench;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mednext.io.VolumeFormats;
import org.mednext.model.Fold;
import org.mednext.predict.Prediction;
import org.mednext.predict.Predictor;
import org.mednext.predict.PredictorOptions;
import org.mednext.task.Progress;
import org.mednext.volume.Volume;

/**
 * One nnU-Net fixture case predicted in this (fresh) JVM: stage times and peak RSS next to nnU-Net's own figures
 * recorded in the case's case.json ({@code performance.timed_run}, same machine type), as ratios. bench/run predict
 * runs every case in its own JVM so each peak RSS is that case's alone. Prints one table row.
 */
public final class PredictBench {

  public static void main(String[] args) throws Exception {
    String name = BenchSupport.option(args, "case", "ct_fold0_tta_step050");
    int threads = Integer.parseInt(BenchSupport.option(args, "threads", "2"));
    Path shared = Paths.get(BenchSupport.option(args, "shared", "../shared"));
    Path caseDir = shared.resolve("fixtures/nnunet_pipeline").resolve(name);
    JsonObject json = JsonParser.parseString(Files.readString(caseDir.resolve("case.json"))).getAsJsonObject();
    JsonObject settings = json.getAsJsonObject("predictor").getAsJsonObject("settings");
    List<Fold> folds = new ArrayList<>();
    for (var f : settings.getAsJsonArray("use_folds")) folds.add(Fold.of(f.getAsInt()));
    PredictorOptions options = PredictorOptions.defaults().withFolds(folds)
        .withStepSize(settings.get("tile_step_size").getAsDouble())
        .withMirroring(settings.get("use_mirroring").getAsBoolean()).withProbabilities(false).withThreads(threads)
        .withDevice(Device.cpu());
    Path model = caseDir.resolve(json.getAsJsonObject("model").get("folder").getAsString()).normalize();
    Path input = caseDir.resolve(json.getAsJsonObject("input").get("path").getAsString()).normalize();
    long t0 = System.nanoTime();
    Prediction p;
    try (Predictor predictor = Predictor.open(model, options)) {
      double load = (System.nanoTime() - t0) / 1e9;
      Volume<?> image = VolumeFormats.read(input);
      p = predictor.predict(image, Progress.none());
      double total = (System.nanoTime() - t0) / 1e9;
      JsonObject ref = json.getAsJsonObject("performance").getAsJsonObject("timed_run");
      JsonObject stages = ref.getAsJsonObject("stages_s");
      double refPre = stages.get("preprocess").getAsDouble();
      double refPredict = stages.get("predict").getAsDouble();
      double refExport = stages.get("export").getAsDouble();
      double refTotal = refPre + refPredict + refExport + stages.get("initialize_model").getAsDouble();
      double refRss = ref.getAsJsonObject("usr_bin_time_v").get("max_rss_mib").getAsDouble();
      double rss = BenchSupport.peakRssMb();
      System.out.printf(Locale.ROOT, "| %s | %.1f / %.1f (%.2f) | %.1f / %.1f (%.2f) | %.2f / %.2f (%.2f) | %.1f / %.1f (%.2f) | %.0f / %.0f (%.2f) |%n",
          name, p.times().preprocess(), refPre, p.times().preprocess() / refPre, p.times().predict(), refPredict,
          p.times().predict() / refPredict, p.times().export(), refExport, p.times().export() / refExport,
          total - 0 * load, refTotal, total / refTotal, rss, refRss, rss / refRss);
    }
  }
}
