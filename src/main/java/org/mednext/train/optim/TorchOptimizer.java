package org.mednext.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mednext.engine.HostReads;
import org.mednext.torch.TensorData;
import org.mednext.util.Checks;

/**
 * A {@code torch.optim} optimizer with one parameter group over a fixed list of float32 parameter arrays of DJL's
 * PyTorch engine, updating them in place with torch's arithmetic.
 *
 * <p>Use: backward pass with grad mode on (and inside an {@code NDScope}), optionally
 * {@link GradientClipping#clipGradNorm}, then {@link #step()}, which reads each parameter's {@code .grad}, updates the
 * parameter with autograd off, and zeroes the gradients (torch accumulates into {@code .grad}). A parameter that
 * never received a gradient is skipped, as torch skips {@code grad is None}; one whose gradient was zeroed and not
 * refilled is updated with a zero gradient (torch's {@code zero_grad(set_to_none=True)} would skip it: DJL cannot
 * unset a gradient).
 *
 * <p>The list order defines torch's parameter indices in {@link #stateDict()}: pass the parameters in the order of
 * the module's {@code parameters()} (for {@code org.mednext.net.MedNeXt}: its state-dict order, which holds no
 * buffers) so that the state loads into {@code torch.optim} for the same network. Optimizer state lives in a
 * sub-manager of the first parameter's manager, outside any {@link NDScope}; temporaries are closed in each step.
 * Not thread-safe; close the optimizer (or the parameters' manager) to free its state.
 */
public abstract sealed class TorchOptimizer implements AutoCloseable permits SgdNesterov, AdamW {

  private final List<NDArray> params;
  private final NDManager stateManager;
  private double lr;

  TorchOptimizer(List<NDArray> params, double lr) {
    Checks.notNull(params, "params");
    Checks.argument(!params.isEmpty(), "no parameters to optimize");
    Map<NDArray, Boolean> seen = new IdentityHashMap<>();
    for (int i = 0; i < params.size(); i++) {
      NDArray p = Checks.notNull(params.get(i), "params[" + i + "]");
      Gradients.pytorch(p);
      Checks.argument(p.getDataType() == DataType.FLOAT32, "parameter %d is %s; the optimizers keep float32 state "
          + "and need float32 parameters", i, p.getDataType());
      Checks.argument(seen.put(p, Boolean.TRUE) == null, "parameter %d appears twice in the list", i);
    }
    this.params = List.copyOf(params);
    setLearningRate(lr);
    NDArray first = params.get(0);
    this.stateManager = first.getManager().newSubManager(first.getDevice());
  }

  /** Number of parameters (torch's indices are 0 .. n-1). */
  public final int parameterCount() {
    return params.size();
  }

  /** The learning rate the next {@link #step()} uses. */
  public final double learningRate() {
    return lr;
  }

  /** Sets the learning rate (a schedule calls this at the start of each epoch, as nnU-Net does). */
  public final void setLearningRate(double lr) {
    Checks.argument(lr >= 0 && Double.isFinite(lr), "learning rate must be finite and >= 0: %s", lr);
    this.lr = lr;
  }

  /**
   * One update of every parameter that has a gradient, with autograd off on this thread, then {@link #zeroGrad()}.
   * Call it outside the iteration's {@code NDScope} or inside: the state is never registered in a scope.
   */
  public final void step() {
    Gradients.withoutGrad(() -> {
      for (int i = 0; i < params.size(); i++) {
        NDArray p = params.get(i);
        try (NDArray g = Gradients.of(p)) {
          if (g != null) update(i, p, g, lr);
        }
      }
    });
    zeroGrad();
  }

  /** Sets every parameter's gradient to zero (parameters without one keep none). */
  public final void zeroGrad() {
    for (NDArray p : params) Gradients.zero(p);
  }

  /**
   * The state in {@code torch.optim.Optimizer.state_dict()} layout, ready for
   * {@code org.mednext.torch.TorchCheckpoint.write}: {@code {"state": {index(Long): {name: TensorData | ...}},
   * "param_groups": [{hyper-parameters..., "params": [0, ..., n-1]}]}}. Tensors are copied out of native memory.
   */
  public final Map<String, Object> stateDict() {
    Map<Object, Object> state = new LinkedHashMap<>();
    for (int i = 0; i < params.size(); i++) {
      Map<String, Object> s = exportState(i);
      if (s != null) state.put((long) i, s);
    }
    Map<String, Object> group = new LinkedHashMap<>(hyperParameters());
    group.put("lr", lr);
    List<Object> ids = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) ids.add((long) i);
    group.put("params", ids);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("state", state);
    root.put("param_groups", new ArrayList<>(List.of(group)));
    return root;
  }

  /**
   * Replaces hyper-parameters (lr included, as torch's {@code load_state_dict} does) and state with those of a
   * torch optimizer state dict, as {@code TorchCheckpoint.read} returns it (or as {@link #stateDict()} made it).
   * Saved parameter ids map to this optimizer's parameters by position in {@code param_groups[0].params}. Nothing
   * changes when the dict is rejected.
   *
   * @throws IllegalArgumentException naming the entry that does not fit (group count, parameter count, a flag this
   *     optimizer does not implement, a missing or mis-shaped tensor)
   */
  public final void loadStateDict(Map<?, ?> stateDict) {
    Checks.notNull(stateDict, "stateDict");
    Map<?, ?> state = StateValues.map(stateDict.get("state"), "state");
    List<?> groups = StateValues.list(stateDict.get("param_groups"), "param_groups");
    Checks.argument(groups.size() == 1, "optimizer state_dict has %d parameter groups; this optimizer has one",
        groups.size());
    Map<?, ?> group = StateValues.map(groups.get(0), "param_groups[0]");
    List<?> ids = StateValues.list(group.get("params"), "param_groups[0].params");
    Checks.argument(ids.size() == params.size(), "optimizer state_dict holds %d parameters, this optimizer %d: "
        + "it belongs to a different network", ids.size(), params.size());
    Map<Long, Integer> position = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      position.put(StateValues.integer(ids.get(i), "param_groups[0].params[" + i + "]"), i);
    }
    Map<Integer, Map<?, ?>> byIndex = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : state.entrySet()) {
      long id = StateValues.integer(e.getKey(), "a key of state");
      Integer index = position.get(id);
      Checks.argument(index != null, "optimizer state_dict has state for parameter id %d, which is not in "
          + "param_groups[0].params", id);
      byIndex.put(index, StateValues.map(e.getValue(), "state[" + id + "]"));
    }
    double newLr = StateValues.number(group, "lr", "param_groups[0]");
    Checks.argument(newLr >= 0 && Double.isFinite(newLr), "param_groups[0].lr must be finite and >= 0: %s", newLr);
    Runnable commit = prepareLoad(group, Collections.unmodifiableMap(byIndex));
    commit.run();
    lr = newLr;
  }

  /** Frees the optimizer state (the parameters stay). */
  @Override
  public void close() {
    stateManager.close();
  }

  // -- for the optimizers --

  /** Updates parameter {@code index} in place from its gradient {@code grad} (autograd is off). */
  abstract void update(int index, NDArray param, NDArray grad, double lr);

  /** Torch's per-parameter state entry, or null where the parameter has none yet. */
  abstract Map<String, Object> exportState(int index);

  /** The parameter group's entries other than {@code lr} and {@code params}, in torch's order. */
  abstract Map<String, Object> hyperParameters();

  /**
   * Validates a torch parameter group and the per-parameter state (by our index) and returns the action that
   * installs them; it must not throw for input that passed validation.
   */
  abstract Runnable prepareLoad(Map<?, ?> group, Map<Integer, Map<?, ?>> state);

  final NDArray param(int index) {
    return params.get(index);
  }

  /** A new state array holding a copy of {@code source}, owned by the optimizer and in no {@link NDScope}. */
  final NDArray copyToState(NDArray source) {
    NDArray copy = source.duplicate();
    copy.attach(stateManager);
    NDScope.unregister(copy);
    return copy;
  }

  /** A new zero state array shaped like parameter {@code index}. */
  final NDArray zerosState(int index) {
    NDArray z = stateManager.zeros(params.get(index).getShape(), DataType.FLOAT32);
    NDScope.unregister(z);
    return z;
  }

  /** A new state array shaped like parameter {@code index} holding {@code values} (C order). */
  final NDArray createState(int index, float[] values) {
    NDArray a = stateManager.create(values, params.get(index).getShape());
    NDScope.unregister(a);
    return a;
  }

  /** The float32 tensor of a state array, copied to Java memory. */
  static TensorData tensor(NDArray a) {
    return TensorData.ofFloats(a.getShape().getShape(), HostReads.floats(a));
  }

  /**
   * The values of state tensor {@code name} of parameter {@code index}, checked against the parameter's shape.
   *
   * @throws IllegalArgumentException when absent, not a floating-point tensor or shaped differently
   */
  final float[] stateValues(Map<?, ?> entry, String name, int index) {
    Object v = entry.get(name);
    String where = "state of parameter " + index + ": " + name;
    Checks.argument(v != null, "%s is missing", where);
    Checks.argument(v instanceof TensorData, "%s must be a tensor, got %s", where, StateValues.typeName(v));
    TensorData t = (TensorData) v;
    Shape expected = params.get(index).getShape();
    Checks.argument(Arrays.equals(t.shape(), expected.getShape()), "%s has shape %s but the parameter "
        + "has shape %s: the state belongs to a different network", where, Arrays.toString(t.shape()),
        expected);
    Checks.argument(StateValues.isFloat(t.dtype()), "%s must be a floating-point tensor, got %s", where, t.dtype());
    return t.toFloatArray();
  }
}
