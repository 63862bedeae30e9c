package org.mednext.train;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mednext.engine.Engines;
import org.mednext.model.Configuration;
import org.mednext.model.DatasetJson;
import org.mednext.net.MedNeXt;
import org.mednext.predict.SlidingWindowPredictor;
import org.mednext.task.Progress;
import org.mednext.train.sampling.CaseData;
import org.mednext.util.AtomicFiles;
import org.mednext.util.Half;

/**
 * End-of-training validation: sliding-window prediction (step 0.5, Gaussian weighting, no mirroring - 8x cheaper on
 * a CPU) of every validation case, Dice per label against its labels, written to {@code validation/summary.json}
 * as nnU-Net names the keys ({@code foreground_mean}, {@code mean}, {@code metric_per_case}). Computed on the
 * preprocessed grid (nnU-Net exports to the original grid first; Dice differs only by the resampling).
 */
final class FinalValidation {

  private FinalValidation() {}

  static Map<String, Double> run(MedNeXt net, List<CaseData> cases, Configuration configuration, DatasetJson dataset,
      int threads, Path folder, Progress progress) throws IOException {
    Engines.inferenceMode();
    int classes = dataset.labels().numSegmentationHeads();
    long[] tp = new long[classes];
    long[] fp = new long[classes];
    long[] fn = new long[classes];
    JsonArray perCase = new JsonArray();
    SlidingWindowPredictor sw = new SlidingWindowPredictor(List.of(net), configuration.patchSizeArray(), 0.5, new int[0], threads);
    progress.start("final validation of " + cases.size() + " case(s)", cases.size());
    int done = 0;
    for (CaseData c : cases) {
      progress.checkCancelled();
      short[][] logits = sw.predict(c.data(), c.shape(), Progress.none());
      long[] ctp = new long[classes];
      long[] cfp = new long[classes];
      long[] cfn = new long[classes];
      short[] labels = c.labels();
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] < 0) continue; // outside the non-zero mask: not scored
        int arg = 0;
        float best = Half.toFloat(logits[0][i]);
        for (int k = 1; k < classes; k++) {
          float v = Half.toFloat(logits[k][i]);
          if (v > best) {
            best = v;
            arg = k;
          }
        }
        int truth = labels[i];
        if (arg == truth) ctp[arg]++;
        else {
          cfp[arg]++;
          if (truth < classes) cfn[truth]++;
        }
      }
      JsonObject caseDice = new JsonObject();
      caseDice.addProperty("case", c.identifier());
      JsonObject metrics = new JsonObject();
      for (int k = 1; k < classes; k++) {
        tp[k] += ctp[k];
        fp[k] += cfp[k];
        fn[k] += cfn[k];
        JsonObject m = new JsonObject();
        m.addProperty("Dice", dice(ctp[k], cfp[k], cfn[k]));
        m.addProperty("TP", ctp[k]);
        m.addProperty("FP", cfp[k]);
        m.addProperty("FN", cfn[k]);
        metrics.add(Integer.toString(k), m);
      }
      caseDice.add("metrics", metrics);
      perCase.add(caseDice);
      progress.update(++done);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    JsonObject mean = new JsonObject();
    double sum = 0;
    int n = 0;
    for (int k = 1; k < classes; k++) {
      double d = dice(tp[k], fp[k], fn[k]);
      String name = dataset.labels().labelName(k).orElse(Integer.toString(k));
      out.put(name, d);
      JsonObject m = new JsonObject();
      m.addProperty("Dice", d);
      mean.add(Integer.toString(k), m);
      if (!Double.isNaN(d)) {
        sum += d;
        n++;
      }
    }
    JsonObject summary = new JsonObject();
    JsonObject fg = new JsonObject();
    fg.addProperty("Dice", n == 0 ? Double.NaN : sum / n);
    summary.add("foreground_mean", fg);
    summary.add("mean", mean);
    summary.add("metric_per_case", perCase);
    Files.createDirectories(folder);
    String json = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(summary);
    AtomicFiles.write(folder.resolve("summary.json"), o -> o.write(json.getBytes(StandardCharsets.UTF_8)));
    progress.message(String.format(Locale.ROOT, "validation Dice per label: %s (mean %.4f)", out, n == 0 ? Double.NaN : sum / n));
    return out;
  }

  private static double dice(long tp, long fp, long fn) {
    long denominator = 2 * tp + fp + fn;
    return denominator == 0 ? Double.NaN : 2.0 * tp / denominator;
  }
}
