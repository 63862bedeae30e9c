package org.mednext.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import org.mednext.engine.HostReads;
import org.mednext.util.Checks;

/** {@code torch.nn.utils.clip_grad_norm_} for DJL (PyTorch engine) parameters; DJL's own clipGrad is not norm clipping. */
public final class GradientClipping {

  private GradientClipping() {}

  /**
   * Scales all gradients in place by {@code min(1, maxNorm / (total + 1e-6))}, where total is the 2-norm over all
   * gradient elements of {@code params} together, and returns total (float32, like torch's result). Parameters
   * without a gradient are ignored; with none at all the result is 0. As in torch (error_if_nonfinite=False), a
   * non-finite total makes every gradient NaN. nnU-Net calls it with {@code maxNorm} 12 before each step.
   *
   * @param params the parameters whose {@code .grad} to clip
   * @param maxNorm the largest allowed total norm, > 0
   */
  public static double clipGradNorm(List<NDArray> params, double maxNorm) {
    Checks.notNull(params, "params");
    Checks.argument(maxNorm > 0 && Double.isFinite(maxNorm), "max norm must be finite and > 0: %s", maxNorm);
    List<NDArray> grads = new ArrayList<>();
    float[] total = new float[1];
    try {
      for (NDArray p : params) {
        NDArray g = Gradients.of(Checks.notNull(p, "a parameter"));
        if (g != null) grads.add(g);
      }
      if (grads.isEmpty()) return 0;
      Gradients.withoutGrad(() -> {
        total[0] = totalNorm(grads);
        // torch: clip_coef = max_norm / (total + 1e-6) in float32, written as reciprocal(total + 1e-6) * max_norm
        float coef = (1f / (total[0] + 1e-6f)) * (float) maxNorm;
        if (!(coef >= 1f)) { // NaN included, as torch multiplies by clamp(NaN, max=1) = NaN
          for (NDArray g : grads) g.muli(coef);
        }
      });
      return total[0];
    } finally {
      for (NDArray g : grads) g.close();
    }
  }

  /** The norm of the per-tensor norms, as torch computes it: {@code norm(stack([norm(g) for g in grads]))}. */
  private static float totalNorm(List<NDArray> grads) {
    NDList norms = new NDList(grads.size());
    try {
      for (NDArray g : grads) norms.add(g.norm());
      try (NDArray stacked = NDArrays.stack(norms); NDArray total = stacked.norm()) {
        return HostReads.floatValue(total);
      }
    } finally {
      norms.close();
    }
  }
}
