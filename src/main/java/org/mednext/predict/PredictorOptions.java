package org.mednext.predict;

import ai.djl.Device;
import java.util.List;
import java.util.Locale;
import org.mednext.model.Fold;
import org.mednext.model.ModelFolder;
import org.mednext.util.Checks;

/**
 * Settings of a prediction, named as nnUNetv2_predict's options.
 *
 * @param folds folds to ensemble; empty = every fold folder that has the checkpoint (nnU-Net's auto-detection)
 * @param checkpointName checkpoint file in each fold folder ({@code -chk})
 * @param stepSize tile step as a fraction of the patch ({@code --step_size}), in (0, 1]
 * @param mirroring test-time mirroring over the axes the checkpoint allows (off = {@code --disable_tta})
 * @param probabilities also return class probabilities ({@code --save_probabilities})
 * @param threads CPU threads for the network and the CPU stages
 * @param device where the network runs: {@code cpu}, {@code gpu} or {@code auto} (the GPU when libtorch can use one); a
 *     choice rather than a DJL device, because resolving {@code auto} starts the engine, which {@link Predictor}
 *     does in the background
 */
public record PredictorOptions(List<Fold> folds, String checkpointName, double stepSize, boolean mirroring,
    boolean probabilities, int threads, String device) {

  public PredictorOptions {
    folds = List.copyOf(folds);
    Checks.notNull(checkpointName, "checkpointName");
    Checks.argument(stepSize > 0 && stepSize <= 1, "step size must be in (0, 1], got %s", stepSize);
    Checks.argument(threads >= 1, "threads must be >= 1, got %d", threads);
    Checks.notNull(device, "device");
    device = device.toLowerCase(Locale.ROOT);
    Checks.argument(device.equals("cpu") || device.equals("gpu") || device.equals("auto"),
        "unknown device '%s': use auto, cpu or gpu", device);
  }

  /** nnU-Net's defaults: all folds, checkpoint_final.pth, step 0.5, mirroring on, no probabilities; all cores, CPU. */
  public static PredictorOptions defaults() {
    return new PredictorOptions(List.of(), ModelFolder.CHECKPOINT_FINAL, 0.5, true, false,
        Runtime.getRuntime().availableProcessors(), "cpu");
  }

  public PredictorOptions withFolds(List<Fold> f) {
    return new PredictorOptions(f, checkpointName, stepSize, mirroring, probabilities, threads, device);
  }

  public PredictorOptions withCheckpointName(String name) {
    return new PredictorOptions(folds, name, stepSize, mirroring, probabilities, threads, device);
  }

  public PredictorOptions withStepSize(double s) {
    return new PredictorOptions(folds, checkpointName, s, mirroring, probabilities, threads, device);
  }

  public PredictorOptions withMirroring(boolean m) {
    return new PredictorOptions(folds, checkpointName, stepSize, m, probabilities, threads, device);
  }

  public PredictorOptions withProbabilities(boolean p) {
    return new PredictorOptions(folds, checkpointName, stepSize, mirroring, p, threads, device);
  }

  public PredictorOptions withThreads(int t) {
    return new PredictorOptions(folds, checkpointName, stepSize, mirroring, probabilities, t, device);
  }

  /** {@code cpu}, {@code gpu} or {@code auto}. */
  public PredictorOptions withDevice(String d) {
    return new PredictorOptions(folds, checkpointName, stepSize, mirroring, probabilities, threads, d);
  }

  /** The CPU or the first GPU. */
  public PredictorOptions withDevice(Device d) {
    Checks.argument(d.isGpu() ? d.getDeviceId() == 0 : Device.Type.CPU.equals(d.getDeviceType()),
        "only the CPU and the first GPU are supported, got %s", d);
    return withDevice(d.isGpu() ? "gpu" : "cpu");
  }
}
