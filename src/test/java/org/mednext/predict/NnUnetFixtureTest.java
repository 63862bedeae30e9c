package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import net.imglib2.Cursor;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mednext.io.NiftiReader;
import org.mednext.io.Npz;
import org.mednext.io.NpyArray;
import org.mednext.model.Fold;
import org.mednext.task.Progress;
import org.mednext.testutil.SharedData;
import org.mednext.volume.Volume;

/**
 * Whole-case prediction against nnU-Net's own outputs on real volumes (fixtures/nnunet_pipeline, README §6):
 * voxel agreement >= 0.9999, Dice >= 0.999 per label, the input's affine, and probabilities on the even-index
 * sub-grid within the README's tolerances.
 */
@Tag("engine")
class NnUnetFixtureTest {

  @ParameterizedTest
  @ValueSource(strings = {"ct_fold0_tta_step050", "ct_ensemble_folds01_tta_step050", "ct_fold0_notta_step075",
      "mr_ch2_fold0_tta_step050"})
  void predictsLikeNnUnet(String name) throws IOException {
    Path caseDir = SharedData.require("fixtures/nnunet_pipeline/" + name);
    JsonObject json = JsonParser.parseString(Files.readString(caseDir.resolve("case.json"))).getAsJsonObject();
    JsonObject settings = json.getAsJsonObject("predictor").getAsJsonObject("settings");
    Path input = caseDir.resolve(json.getAsJsonObject("input").get("path").getAsString()).normalize();
    Path model = caseDir.resolve(json.getAsJsonObject("model").get("folder").getAsString()).normalize();
    List<Fold> folds = new ArrayList<>();
    for (var f : settings.getAsJsonArray("use_folds")) folds.add(Fold.of(f.getAsInt()));
    PredictorOptions options = PredictorOptions.defaults().withFolds(folds)
        .withStepSize(settings.get("tile_step_size").getAsDouble())
        .withMirroring(settings.get("use_mirroring").getAsBoolean()).withProbabilities(true).withThreads(2)
        .withDevice(Device.cpu());
    Volume<?> image = new NiftiReader().read(input);
    Prediction p;
    try (Predictor predictor = Predictor.open(model, options)) {
      p = predictor.predict(image, Progress.none());
    }
    Volume<?> reference = new NiftiReader().read(caseDir.resolve(json.getAsJsonObject("outputs")
        .getAsJsonObject("segmentation").get("file").getAsString()));
    assertArrayEquals(reference.geometry().affine(), image.geometry().affine(), 1e-4, "reference affine = input affine");
    short[] want = flat(reference);
    assertEquals(want.length, p.labels().length);
    compareLabels(name, want, p.labels());
    compareProbabilities(name, caseDir, json, p);
    System.out.printf(Locale.ROOT, "%s: preprocess %.1f s, predict %.1f s, export %.1f s%n", name,
        p.times().preprocess(), p.times().predict(), p.times().export());
  }

  private static void compareLabels(String name, short[] want, short[] got) {
    long same = 0;
    Map<Integer, long[]> counts = new TreeMap<>(); // label -> {in want, in got, in both}
    for (int i = 0; i < want.length; i++) {
      if (want[i] == got[i]) same++;
      counts.computeIfAbsent((int) want[i], k -> new long[3])[0]++;
      counts.computeIfAbsent((int) got[i], k -> new long[3])[1]++;
      if (want[i] == got[i]) counts.get((int) want[i])[2]++;
    }
    double agreement = (double) same / want.length;
    assertTrue(agreement >= 0.9999, name + ": voxel agreement " + agreement);
    for (Map.Entry<Integer, long[]> e : counts.entrySet()) {
      long[] c = e.getValue();
      double dice = 2.0 * c[2] / (c[0] + c[1]);
      assertTrue(dice >= 0.999, name + ": Dice of label " + e.getKey() + " = " + dice);
    }
    System.out.printf(Locale.ROOT, "%s: voxel agreement %.7f (%d of %d differ)%n", name, agreement, want.length - same, want.length);
  }

  private static void compareProbabilities(String name, Path caseDir, JsonObject json, Prediction p) throws IOException {
    String stored = json.getAsJsonObject("outputs").getAsJsonObject("segmentation").get("file").getAsString()
        .replace(".nii.gz", ".probabilities_sub2.npz");
    NpyArray sub = Npz.read(caseDir.resolve(stored), "probabilities");
    long[] s = sub.shape();
    float[] want = sub.toFloatArray();
    int[] shape = p.shape();
    assertEquals(p.probabilities().classes(), s[0]);
    double sum = 0;
    double max = 0;
    long big = 0;
    int i = 0;
    for (int k = 0; k < s[0]; k++) {
      float[] prob = p.probabilities().get(k);
      for (int a = 0; a < s[1]; a++) {
        for (int b = 0; b < s[2]; b++) {
          for (int c = 0; c < s[3]; c++, i++) {
            double d = Math.abs(prob[((2 * a) * shape[1] + 2 * b) * shape[2] + 2 * c] - want[i]);
            sum += d;
            max = Math.max(max, d);
            if (d > 0.01) big++;
          }
        }
      }
    }
    double mean = sum / want.length;
    System.out.printf(Locale.ROOT, "%s: probabilities mean |d| %.2e, max |d| %.3f, share > 0.01: %.2e%n", name, mean, max,
        (double) big / want.length);
    assertTrue(mean <= 2e-5, name + ": mean abs diff " + mean);
    assertTrue((double) big / want.length <= 1e-4, name + ": share of |d| > 0.01 = " + (double) big / want.length);
    assertTrue(max <= 0.25, name + ": max abs diff " + max);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static short[] flat(Volume<?> v) {
    long[] s = v.spatialSize();
    short[] out = new short[(int) (s[0] * s[1] * s[2])];
    Cursor<? extends RealType<?>> c = (Cursor) Views.flatIterable(v.channel(0)).cursor();
    int i = 0;
    while (c.hasNext()) out[i++] = (short) c.next().getRealDouble();
    return out;
  }
}
