package org.mednext.train.optim;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mednext.torch.PyTuple;
import org.mednext.torch.TensorData;
import org.mednext.util.Checks;

/**
 * {@code torch.optim.AdamW(params, lr, betas, eps, weight_decay, amsgrad=False)}. Per parameter with gradient g at
 * its step t (torch 1.13 single-tensor code, same order of operations):
 * <pre>
 *   p = p * (1 - lr * weight_decay)                 (decoupled decay)
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g * g
 *   p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * eps is added after the bias correction of sqrt(v), unlike DJL's built-in AdamW. State per parameter:
 * {@code step} (0-d float32 tensor, as torch >= 1.12 keeps it), {@code exp_avg}, {@code exp_avg_sq}.
 */
public final class AdamW extends TorchOptimizer {

  private double beta1;
  private double beta2;
  private double eps;
  private double weightDecay;
  private final long[] steps;
  private final NDArray[] expAvg;
  private final NDArray[] expAvgSq;

  /**
   * @param params float32 parameters in torch's {@code parameters()} order (see {@link TorchOptimizer})
   * @param lr learning rate, >= 0
   * @param beta1 first-moment decay in [0, 1)
   * @param beta2 second-moment decay in [0, 1)
   * @param eps added to the denominator, >= 0
   * @param weightDecay decoupled decay factor, >= 0
   */
  public AdamW(List<NDArray> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
    super(params, lr);
    checkHyper(beta1, beta2, eps, weightDecay);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.steps = new long[params.size()];
    this.expAvg = new NDArray[params.size()];
    this.expAvgSq = new NDArray[params.size()];
  }

  /**
   * MedNeXt v1's recipe: {@code AdamW(params, lr, eps=1e-4, weight_decay=3e-5)} with torch's default betas
   * (0.9, 0.999); eps 1e-4 because 1e-8 may give NaNs in fp16 (nnUNetTrainerV2_MedNeXt).
   */
  public static AdamW medNeXtV1(List<NDArray> params, double lr) {
    return new AdamW(params, lr, 0.9, 0.999, 1e-4, 3e-5);
  }

  private static void checkHyper(double beta1, double beta2, double eps, double wd) {
    Checks.argument(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1): %s", beta1);
    Checks.argument(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1): %s", beta2);
    Checks.argument(eps >= 0 && Double.isFinite(eps), "eps must be finite and >= 0: %s", eps);
    Checks.argument(wd >= 0 && Double.isFinite(wd), "weight decay must be finite and >= 0: %s", wd);
  }

  /** First-moment decay. */
  public double beta1() {
    return beta1;
  }

  /** Second-moment decay. */
  public double beta2() {
    return beta2;
  }

  /** The denominator's epsilon. */
  public double eps() {
    return eps;
  }

  /** The decoupled weight decay factor. */
  public double weightDecay() {
    return weightDecay;
  }

  @Override
  void update(int i, NDArray p, NDArray g, double lr) {
    if (expAvg[i] == null) {
      expAvg[i] = zerosState(i);
      expAvgSq[i] = zerosState(i);
    }
    long t = ++steps[i];
    if (weightDecay != 0) p.muli((float) (1 - lr * weightDecay));
    NDArray m = expAvg[i];
    NDArray v = expAvgSq[i];
    m.muli((float) beta1);
    try (NDArray mg = g.mul((float) (1 - beta1))) {
      m.addi(mg);
    }
    v.muli((float) beta2);
    try (NDArray vg = g.mul((float) (1 - beta2))) {
      v.addi(vg.muli(g)); // torch's addcmul: (value * g) * g
    }
    // Bias corrections in double, as torch computes them in Python floats.
    double stepSize = lr / (1 - Math.pow(beta1, t));
    double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
    try (NDArray denom = v.sqrt(); NDArray delta = m.mul((float) -stepSize)) {
      denom.divi((float) bc2Sqrt).addi((float) eps);
      p.addi(delta.divi(denom)); // torch's addcdiv: (value * m) / denom
    }
  }

  @Override
  Map<String, Object> exportState(int i) {
    if (expAvg[i] == null) return null;
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("step", TensorData.ofFloats(new long[0], new float[] {steps[i]}));
    s.put("exp_avg", tensor(expAvg[i]));
    s.put("exp_avg_sq", tensor(expAvgSq[i]));
    return s;
  }

  @Override
  Map<String, Object> hyperParameters() {
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("lr", learningRate());
    g.put("betas", PyTuple.of(beta1, beta2));
    g.put("eps", eps);
    g.put("weight_decay", weightDecay);
    g.put("amsgrad", false);
    g.put("foreach", null);
    g.put("maximize", false);
    g.put("capturable", false);
    g.put("differentiable", false);
    g.put("fused", null);
    // torch >= 2.6 runs AdamW through Adam's code, switched by this flag
    g.put("decoupled_weight_decay", true);
    return g;
  }

  @Override
  Runnable prepareLoad(Map<?, ?> group, Map<Integer, Map<?, ?>> state) {
    String where = "param_groups[0]";
    double[] betas = StateValues.pair(group, "betas", where);
    double e = StateValues.number(group, "eps", where);
    double wd = StateValues.number(group, "weight_decay", where);
    Checks.argument(!StateValues.flag(group, "amsgrad", false, where), "optimizer state_dict: %s.amsgrad is True, "
        + "which AdamW here does not implement", where);
    Checks.argument(!StateValues.flag(group, "maximize", false, where), "optimizer state_dict: %s.maximize is True, "
        + "which AdamW here does not implement", where);
    Checks.argument(StateValues.flag(group, "decoupled_weight_decay", true, where), "optimizer state_dict: "
        + "%s.decoupled_weight_decay is False: this is torch.optim.Adam's state, not AdamW's", where);
    checkHyper(betas[0], betas[1], e, wd);
    long[] newSteps = new long[steps.length];
    float[][] m = new float[steps.length][];
    float[][] v = new float[steps.length][];
    state.forEach((i, entry) -> {
      String at = "state of parameter " + i + ": step";
      Checks.argument(entry.get("step") != null, "%s is missing", at);
      double s = StateValues.scalar(entry.get("step"), at);
      Checks.argument(s >= 1 && s == Math.rint(s) && s < 1L << 53, "%s must be a whole number >= 1, got %s", at, s);
      newSteps[i] = (long) s;
      m[i] = stateValues(entry, "exp_avg", i);
      v[i] = stateValues(entry, "exp_avg_sq", i);
    });
    return () -> {
      for (int i = 0; i < steps.length; i++) {
        if (expAvg[i] != null) {
          expAvg[i].close();
          expAvgSq[i].close();
        }
        expAvg[i] = m[i] == null ? null : createState(i, m[i]);
        expAvgSq[i] = v[i] == null ? null : createState(i, v[i]);
        steps[i] = m[i] == null ? 0 : newSteps[i];
      }
      beta1 = betas[0];
      beta2 = betas[1];
      eps = e;
      weightDecay = wd;
    };
  }
}
