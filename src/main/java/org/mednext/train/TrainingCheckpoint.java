package org.mednext.train;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mednext.engine.HostReads;
import org.mednext.net.MedNeXt;
import org.mednext.torch.OrderedDict;
import org.mednext.torch.PyTuple;
import org.mednext.torch.TensorData;
import org.mednext.torch.TorchCheckpoint;
import org.mednext.torch.TorchDevice;
import org.mednext.train.optim.TorchOptimizer;

/**
 * Writes training checkpoints in nnU-Net v2's layout ({@code network_weights}, {@code optimizer_state},
 * {@code grad_scaler_state}, {@code logging}, {@code _best_ema}, {@code current_epoch}, {@code init_args},
 * {@code trainer_name}, {@code inference_allowed_mirroring_axes}), so that {@code torch.load} reads them, the
 * reference MedNeXt class loads their weights strictly, nnU-Net's predictor finds what it needs, and our
 * {@code --resume} continues exactly. One extra key, {@code mednext_resume}, holds the seed and iteration
 * count that make resumed batches identical to uninterrupted ones; nnU-Net ignores it.
 */
public final class TrainingCheckpoint {

  /** The trainer name written into checkpoints; python/nnunet_mednext_trainer.py provides it to nnU-Net. */
  public static final String TRAINER_NAME = "nnUNetTrainer_MedNeXt";

  private TrainingCheckpoint() {}

  /** What a run needs to resume. */
  public record ResumeState(long seed, int nextEpoch, double bestEma, TrainingLog log, Map<?, ?> optimizerState,
      Map<String, TensorData> weights) {}

  /**
   * Writes a checkpoint atomically.
   *
   * @param nextEpoch nnU-Net's {@code current_epoch} (the epoch to run next)
   */
  public static void write(Path file, MedNeXt net, TorchOptimizer optimizer, TrainingLog log, double bestEma,
      int nextEpoch, JsonObject plans, JsonObject datasetJson, String configuration, String fold, int[] mirrorAxes,
      long seed) throws IOException {
    OrderedDict weights = new OrderedDict();
    for (Map.Entry<String, NDArray> e : net.stateDict().entrySet()) {
      weights.put(e.getKey(), TensorData.ofFloats(e.getValue().getShape().getShape(), HostReads.floats(e.getValue())));
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("network_weights", weights);
    root.put("optimizer_state", optimizer.stateDict());
    root.put("grad_scaler_state", null);
    root.put("logging", log.toCheckpointValue());
    root.put("_best_ema", Double.isFinite(bestEma) ? bestEma : null);
    root.put("current_epoch", (long) nextEpoch);
    Map<String, Object> init = new LinkedHashMap<>();
    init.put("plans", PythonValues.fromJson(plans));
    init.put("configuration", configuration);
    init.put("fold", fold.equals("all") ? (Object) "all" : (Object) Long.parseLong(fold));
    init.put("dataset_json", PythonValues.fromJson(datasetJson));
    init.put("device", new TorchDevice("cpu", -1));
    root.put("init_args", init);
    root.put("trainer_name", TRAINER_NAME);
    List<Object> axes = new ArrayList<>();
    for (int a : mirrorAxes) axes.add((long) a);
    root.put("inference_allowed_mirroring_axes", new PyTuple(axes));
    Map<String, Object> resume = new LinkedHashMap<>();
    resume.put("seed", seed);
    root.put("mednext_resume", resume);
    TorchCheckpoint.write(file, root);
  }

  /** Reads what {@link #write} wrote, for resuming. */
  public static ResumeState read(Path file) throws IOException {
    Object rootObject = TorchCheckpoint.read(file);
    if (!(rootObject instanceof Map<?, ?> root) || !(root.get("network_weights") instanceof Map<?, ?>)) {
      throw new IOException(file + ": not a training checkpoint (no network_weights)");
    }
    Map<String, TensorData> weights = org.mednext.torch.StateDict.networkWeights(root);
    long seed = 0;
    if (root.get("mednext_resume") instanceof Map<?, ?> r && r.get("seed") instanceof Long s) seed = s;
    int next = root.get("current_epoch") instanceof Long e ? (int) (long) e : 0;
    double best = root.get("_best_ema") instanceof Number b ? b.doubleValue() : Double.NEGATIVE_INFINITY;
    Map<?, ?> opt = root.get("optimizer_state") instanceof Map<?, ?> o ? o : Map.of();
    return new ResumeState(seed, next, best, TrainingLog.fromCheckpointValue(root.get("logging")), opt, weights);
  }
}
