package org.mednext.train.optim;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mednext.util.Checks;

/**
 * {@code torch.optim.SGD(params, lr, momentum, dampening=0, weight_decay, nesterov=True)}, nnU-Net's optimizer.
 * Per parameter with gradient g (torch 1.13 / 2.x single-tensor code):
 * <pre>
 *   d = g + weight_decay * p
 *   buf = d                        (first step: a copy of d)
 *   buf = momentum * buf + d       (later steps)
 *   d = d + momentum * buf         (Nesterov)
 *   p = p - lr * d
 * </pre>
 * State: {@code momentum_buffer} per parameter. torch fuses {@code a + s * b} into one FMA on AVX2 CPUs; DJL has no
 * such op, so results may differ from torch in the last bit of a product.
 */
public final class SgdNesterov extends TorchOptimizer {

  private double momentum;
  private double weightDecay;
  private final NDArray[] buffers;

  /**
   * @param params float32 parameters in torch's {@code parameters()} order (see {@link TorchOptimizer})
   * @param lr learning rate, >= 0
   * @param momentum in (0, 1): Nesterov needs momentum > 0
   * @param weightDecay L2 term added to the gradient, >= 0
   */
  public SgdNesterov(List<NDArray> params, double lr, double momentum, double weightDecay) {
    super(params, lr);
    checkMomentum(momentum);
    checkWeightDecay(weightDecay);
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    this.buffers = new NDArray[params.size()];
  }

  /** nnU-Net's {@code SGD(params, lr, weight_decay=3e-5, momentum=0.99, nesterov=True)}. */
  public static SgdNesterov nnUnet(List<NDArray> params, double lr) {
    return new SgdNesterov(params, lr, 0.99, 3e-5);
  }

  private static void checkMomentum(double m) {
    Checks.argument(m > 0 && m < 1, "Nesterov momentum must be in (0, 1): %s", m);
  }

  private static void checkWeightDecay(double wd) {
    Checks.argument(wd >= 0 && Double.isFinite(wd), "weight decay must be finite and >= 0: %s", wd);
  }

  /** The momentum factor. */
  public double momentum() {
    return momentum;
  }

  /** The weight decay (added to the gradient). */
  public double weightDecay() {
    return weightDecay;
  }

  @Override
  void update(int i, NDArray p, NDArray g, double lr) {
    NDArray d = g; // the real .grad, changed in place: it is zeroed after the step anyway
    if (weightDecay != 0) {
      try (NDArray decay = p.mul((float) weightDecay)) {
        d.addi(decay);
      }
    }
    if (buffers[i] == null) {
      buffers[i] = copyToState(d); // torch: buf = clone(d) on the first step, no momentum scaling
    } else {
      buffers[i].muli((float) momentum).addi(d);
    }
    try (NDArray look = buffers[i].mul((float) momentum)) {
      d.addi(look);
    }
    try (NDArray delta = d.mul((float) lr)) {
      p.subi(delta);
    }
  }

  @Override
  Map<String, Object> exportState(int i) {
    if (buffers[i] == null) return null;
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("momentum_buffer", tensor(buffers[i]));
    return s;
  }

  @Override
  Map<String, Object> hyperParameters() {
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("lr", learningRate());
    g.put("momentum", momentum);
    g.put("dampening", 0L);
    g.put("weight_decay", weightDecay);
    g.put("nesterov", true);
    g.put("maximize", false);
    g.put("foreach", null);
    g.put("differentiable", false);
    g.put("fused", null);
    return g;
  }

  @Override
  Runnable prepareLoad(Map<?, ?> group, Map<Integer, Map<?, ?>> state) {
    String where = "param_groups[0]";
    double m = StateValues.number(group, "momentum", where);
    double wd = StateValues.number(group, "weight_decay", where);
    double dampening = StateValues.number(group, "dampening", where);
    Checks.argument(StateValues.flag(group, "nesterov", false, where), "optimizer state_dict: %s.nesterov is False; "
        + "SgdNesterov implements only nesterov=True", where);
    Checks.argument(dampening == 0, "optimizer state_dict: %s.dampening is %s; Nesterov SGD needs 0", where,
        dampening);
    Checks.argument(!StateValues.flag(group, "maximize", false, where), "optimizer state_dict: %s.maximize is True, "
        + "which SgdNesterov does not implement", where);
    checkMomentum(m);
    checkWeightDecay(wd);
    float[][] values = new float[buffers.length][];
    state.forEach((i, entry) -> {
      // torch stores momentum_buffer None for a parameter that was skipped under momentum 0; treat as no state
      values[i] = entry.get("momentum_buffer") == null ? null : stateValues(entry, "momentum_buffer", i);
    });
    return () -> {
      for (int i = 0; i < buffers.length; i++) {
        if (buffers[i] != null) buffers[i].close();
        buffers[i] = values[i] == null ? null : createState(i, values[i]);
      }
      momentum = m;
      weightDecay = wd;
    };
  }
}
