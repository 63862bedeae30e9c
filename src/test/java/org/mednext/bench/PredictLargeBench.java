package org.mednext.bench;

import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import net.imglib2.img.array.ArrayImgs;
import org.mednext.net.ArchitectureInference;
import org.mednext.net.Initialization;
import org.mednext.net.MedNeXtConfig;
import org.mednext.predict.CaseWriter;
import org.mednext.predict.Prediction;
import org.mednext.predict.Predictor;
import org.mednext.predict.PredictorOptions;
import org.mednext.task.Progress;
import org.mednext.testutil.TinyModelFolder;
import org.mednext.torch.OrderedDict;
import org.mednext.torch.PyTuple;
import org.mednext.torch.TensorData;
import org.mednext.torch.TorchCheckpoint;
import org.mednext.volume.Geometry;
import org.mednext.volume.Volume;

/**
 * Memory and export time of a many-class prediction of a large CT-sized volume: a synthetic 512 x 512 x Z int16
 * volume (0.8 x 0.8 x 1.5 mm) and a small 30-class MedNeXt-v2 (random weights; network time is not the point)
 * whose plans resample to 1.0 x 1.0 x 1.5 mm, one fold, no mirroring, step 1. Printed next to the figures nnU-Net's
 * predictor gave on this machine type for a 512 x 512 x 200 CT with a 30-class small MedNeXt-v2 (issue 3):
 * preprocess 14.8 s, predict 153 s, export 101 s, peak RSS 12.3 GB. Our export column includes writing the label
 * file, as nnU-Net's export stage does; with {@code --probabilities} it also computes and writes the .npz (not part of
 * nnU-Net's reference run); with {@code --torch-resampling} the plans name {@code resample_torch_fornnunet} (the
 * {@code *_torchres} planners' settings). bench/run predict-large [--slices 200] [--probabilities]
 * [--torch-resampling] [--threads 2]. Run it in its own JVM (peak RSS is the whole process's).
 */
public final class PredictLargeBench {

  public static void main(String[] args) throws Exception {
    int slices = Integer.parseInt(BenchSupport.option(args, "slices", "200"));
    int threads = Integer.parseInt(BenchSupport.option(args, "threads", "2"));
    int classes = 30;
    boolean probabilities = Arrays.asList(args).contains("--probabilities");
    boolean torchResampling = Arrays.asList(args).contains("--torch-resampling");
    Path tmp = Files.createTempDirectory("mednext-large");
    Path model = TinyModelFolder.write(tmp, TinyModelFolder.Weights.RANDOM);
    MedNeXtConfig config = TinyModelFolder.CONFIG.withClasses(classes);
    writeCheckpoint(model.resolve("fold_0/checkpoint_final.pth"), config);
    JsonObject dataset = JsonParser.parseString(Files.readString(model.resolve("dataset.json"))).getAsJsonObject();
    JsonObject labels = new JsonObject();
    labels.addProperty("background", 0);
    for (int k = 1; k < classes; k++) labels.addProperty("structure_" + k, k);
    dataset.add("labels", labels);
    dataset.getAsJsonObject("channel_names").addProperty("0", "CT");
    Files.writeString(model.resolve("dataset.json"), dataset.toString());
    JsonObject plans = JsonParser.parseString(Files.readString(model.resolve("plans.json"))).getAsJsonObject();
    JsonObject c = plans.getAsJsonObject("configurations").getAsJsonObject("3d_fullres");
    c.add("spacing", array(1.5, 1.0, 1.0));
    c.add("patch_size", array(64, 128, 128));
    JsonArray schemes = new JsonArray();
    schemes.add("CTNormalization");
    c.add("normalization_schemes", schemes);
    if (torchResampling) { // the plans of nnU-Net's *_torchres planners
      for (String key : new String[] {"resampling_fn_data", "resampling_fn_seg", "resampling_fn_probabilities"}) {
        c.addProperty(key, "resample_torch_fornnunet");
        JsonObject kwargs = new JsonObject();
        kwargs.addProperty("is_seg", key.endsWith("seg"));
        kwargs.addProperty("force_separate_z", false);
        kwargs.addProperty("memefficient_seg_resampling", true);
        c.add(key + "_kwargs", kwargs);
      }
    }
    Files.writeString(model.resolve("plans.json"), plans.toString());

    short[] ct = new short[512 * 512 * slices];
    for (int z = 0, i = 0; z < slices; z++) {
      for (int y = 0; y < 512; y++) {
        for (int x = 0; x < 512; x++, i++) {
          double r = Math.hypot(x - 256, y - 256);
          ct[i] = (short) (r > 230 ? -1000 : r > 200 ? 300 : 40 + ((x * 7 + y * 13 + z * 3) % 50));
        }
      }
    }
    Volume<?> image = Volume.of(ArrayImgs.shorts(ct, 512, 512, slices), Geometry.ofSpacing(0.8, 0.8, 1.5));
    PredictorOptions options = PredictorOptions.defaults().withMirroring(false).withStepSize(1.0).withThreads(threads)
        .withProbabilities(probabilities).withDevice(Device.cpu());
    try {
      try (Predictor predictor = Predictor.open(model, options)) {
        Prediction p = predictor.predict(image, Progress.none());
        long w0 = System.nanoTime();
        CaseWriter.write(p, image.geometry(), tmp, "large", threads);
        double write = (System.nanoTime() - w0) / 1e9;
        double export = p.times().export() + write;
        double rss = BenchSupport.peakRssMb() / 1024;
        System.out.printf(Locale.ROOT, "| 512x512x%d, %d classes%s%s | %.1f s (nnU-Net 14.8) | %.1f s (nnU-Net 153, other network) | %.1f s = %.1f + %.1f writing (nnU-Net 101; ratio %.2f) | %.2f GB (nnU-Net 12.3; ratio %.2f) | max heap %.1f GB |%n",
            slices, classes, probabilities ? ", with probabilities" : "", torchResampling ? ", torch resampling" : "",
            p.times().preprocess(), p.times().predict(), export, p.times().export(), write,
            export / 101,
            rss, rss / 12.3, Runtime.getRuntime().maxMemory() / 1e9);
      }
    } finally {
      BenchSupport.deleteTree(tmp); // the model and whatever the writer made
    }
  }

  private static void writeCheckpoint(Path file, MedNeXtConfig config) throws Exception {
    OrderedDict state = new OrderedDict();
    Map<String, long[]> shapes = ArchitectureInference.expectedShapes(config);
    Initialization.pytorchDefault(config, 5).forEach((k, v) -> state.put(k, TensorData.ofFloats(shapes.get(k), v)));
    Map<String, Object> init = new LinkedHashMap<>();
    init.put("configuration", "3d_fullres");
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("network_weights", state);
    root.put("trainer_name", "nnUNetTrainer_MedNeXt");
    root.put("init_args", init);
    root.put("inference_allowed_mirroring_axes", PyTuple.of(0L, 1L, 2L));
    TorchCheckpoint.write(file, root);
  }

  private static JsonArray array(double... v) {
    JsonArray a = new JsonArray();
    for (double x : v) a.add(x);
    return a;
  }

  private static JsonArray array(int... v) {
    JsonArray a = new JsonArray();
    for (int x : v) a.add(x);
    return a;
  }
}
