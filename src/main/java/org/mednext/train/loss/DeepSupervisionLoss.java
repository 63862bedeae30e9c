package org.mednext.train.loss;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;
import org.mednext.engine.Scalars;
import org.mednext.engine.Scoped;
import org.mednext.util.Checks;

/**
 * nnU-Net's {@code DeepSupervisionWrapper}: {@code L = sum_i w_i * loss(output_i, labels_i)} over the network's
 * outputs, highest resolution first, each with its label map downsampled to that output's size. Terms with weight
 * 0 are skipped (so their heads get no gradient, as in nnU-Net).
 */
public final class DeepSupervisionLoss {

  private final SegmentationLoss loss;
  private final double[] weights;

  /**
   * @param loss the per-output loss
   * @param weights one per output, >= 0, not all 0 (see {@link #nnUnetWeights}, {@link #medNeXtV1Weights})
   */
  public DeepSupervisionLoss(SegmentationLoss loss, double[] weights) {
    this.loss = Checks.notNull(loss, "loss");
    Checks.notNull(weights, "weights");
    Checks.argument(weights.length > 0, "no deep-supervision weights");
    boolean any = false;
    for (double w : weights) {
      Checks.argument(w >= 0 && Double.isFinite(w), "deep-supervision weights must be finite and >= 0: %s",
          Arrays.toString(weights));
      any |= w > 0;
    }
    Checks.argument(any, "all deep-supervision weights are 0: %s", Arrays.toString(weights));
    this.weights = weights.clone();
  }

  /**
   * nnU-Net v2: {@code w_i = 2^-i}, the last set to 0, normalised to sum 1; 5 outputs give
   * (0.5333, 0.2667, 0.1333, 0.0667, 0). One output gives (1).
   */
  public static double[] nnUnetWeights(int outputs) {
    Checks.argument(outputs > 0, "outputs must be > 0: %d", outputs);
    if (outputs == 1) return new double[] {1};
    return normalisedHalvings(outputs, outputs);
  }

  /**
   * MedNeXt v1's trainers: weights for outputs + 1 scales with the extra last one zeroed, so every output is
   * trained; 5 outputs give (0.516, 0.258, 0.129, 0.0645, 0.0323).
   */
  public static double[] medNeXtV1Weights(int outputs) {
    Checks.argument(outputs > 0, "outputs must be > 0: %d", outputs);
    return Arrays.copyOf(normalisedHalvings(outputs + 1, outputs + 1), outputs);
  }

  /** {@code 2^-i} for i < n with the last of n zeroed, normalised, as numpy computes it in nnU-Net. */
  private static double[] normalisedHalvings(int n, int length) {
    double[] w = new double[length];
    for (int i = 0; i < n; i++) w[i] = 1 / Math.pow(2, i);
    w[n - 1] = 0;
    double sum = 0;
    for (double v : w) sum += v;
    for (int i = 0; i < n; i++) w[i] /= sum;
    return w;
  }

  /** The weights (a copy). */
  public double[] weights() {
    return weights.clone();
  }

  /**
   * The weighted sum as a 0-d array in the first output's manager.
   *
   * @param outputs network outputs, highest resolution first, one per weight
   * @param labels label maps (B, 1, ...) matching each output's spatial size
   */
  public NDArray compute(List<NDArray> outputs, List<NDArray> labels) {
    Checks.notNull(outputs, "outputs");
    Checks.notNull(labels, "labels");
    Checks.argument(outputs.size() == weights.length && labels.size() == weights.length, "%d weights, %d outputs "
        + "and %d label maps: give one output and one label map per weight", weights.length, outputs.size(),
        labels.size());
    return Scoped.compute(() -> {
      NDArray total = null;
      for (int i = 0; i < weights.length; i++) {
        if (weights[i] == 0) continue;
        NDArray term = Scalars.mul(loss.compute(outputs.get(i), labels.get(i)), (float) weights[i]);
        total = total == null ? term : total.add(term);
      }
      return total;
    });
  }
}
