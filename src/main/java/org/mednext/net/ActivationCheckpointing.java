package org.mednext.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.mednext.engine.Scoped;
import org.mednext.util.Checks;

/**
 * Forward and backward pass over coarse steps (network blocks), each of which either keeps its autograd graph from
 * the forward pass or runs without one and is recomputed from its saved inputs when the backward pass reaches it:
 * activation checkpointing, as {@code torch.utils.checkpoint}, which DJL lacks.
 *
 * <p>How: every step's output is stored detached. A kept step runs on detached copies of its inputs made leaves
 * that require gradients; a recomputed step runs without autograd. The backward pass visits the steps in reverse
 * order, gives each its output gradient ({@code torch.autograd.backward(y, dy)}), reads its input leaves'
 * gradients and adds them to the gradients of the producing steps' outputs. Parameter gradients accumulate in
 * libtorch over the separate backward calls, as over one. A step's output is freed once its producer is visited.
 * Memory: the kept steps' graphs plus the stored outputs plus one recomputed step; cost: one more forward of the
 * recomputed steps. The forward must be deterministic (MedNeXt has no dropout).
 *
 * <p>Use with grad mode on in the calling thread and within an {@code NDScope}; not thread-safe.
 */
final class ActivationCheckpointing implements AutoCloseable {

  private record Step(Function<NDList, NDArray> body, int[] inputs, boolean recompute) {}

  private final List<Step> steps = new ArrayList<>();
  private final List<NDArray> values = new ArrayList<>(); // detached step outputs; null once freed
  private final List<Boolean> constant = new ArrayList<>();
  // kept steps: graph output and input leaves, by output index
  private final Map<Integer, NDArray> graphs = new HashMap<>();
  private final Map<Integer, NDList> leaves = new HashMap<>();

  /** Registers a tensor that needs no gradient (the network input); returns its index. */
  int constant(NDArray value) {
    steps.add(null);
    values.add(value);
    constant.add(true);
    return values.size() - 1;
  }

  /** Runs {@code body} on the given outputs now, keeping its graph or not; returns its output's index. */
  int step(Function<NDList, NDArray> body, boolean recompute, int... inputs) {
    for (int i : inputs) Checks.argument(i >= 0 && i < values.size() && values.get(i) != null, "no value %d", i);
    int index = values.size();
    NDArray out;
    if (recompute) {
      boolean previous = JniUtils.isGradMode();
      JniUtils.setGradMode(false);
      try {
        out = run(body, inputs(inputs, false));
      } finally {
        JniUtils.setGradMode(previous);
      }
    } else {
      NDList in = inputs(inputs, true);
      NDArray graph = run(body, in);
      graphs.put(index, graph);
      leaves.put(index, in);
      out = graph.stopGradient();
    }
    steps.add(new Step(body, inputs.clone(), recompute));
    values.add(out);
    constant.add(false);
    return index;
  }

  /** The detached value of an output (valid until the backward pass frees it). */
  NDArray value(int index) {
    return values.get(index);
  }

  /**
   * The backward pass from the scalar output {@code loss} (a kept step's output): accumulates gradients into the
   * parameters and frees everything this pass holds.
   */
  void backward(int loss) {
    Checks.argument(graphs.containsKey(loss) && values.get(loss).getShape().size() == 1,
        "the loss must be a scalar output of a kept step");
    Map<Integer, NDArray> grads = new HashMap<>();
    for (int s = steps.size() - 1; s >= 0; s--) {
      Step step = steps.get(s);
      if (step == null) continue;
      NDArray dy = grads.remove(s);
      if (s != loss && dy == null) {
        release(s); // does not reach the loss (e.g. an unused head)
        continue;
      }
      if (step.recompute) {
        try (NDScope scope = new NDScope()) {
          NDList in = inputs(step.inputs, true);
          NDArray y = run(step.body, in); // frees the temporaries autograd does not keep before the backward
          backward(y, dy);
          collect(step.inputs, in, grads);
        }
      } else {
        NDArray y = graphs.remove(s);
        backward(y, s == loss ? null : dy);
        NDList in = leaves.remove(s);
        collect(step.inputs, in, grads);
        in.close();
        y.close();
      }
      if (dy != null) dy.close();
      for (int i : step.inputs) {
        // an input is needed until its earliest consumer (the last one visited) is done
        if (!constant.get(i) && lastUse(i) == s && values.get(i) != null) {
          values.get(i).close();
          values.set(i, null);
        }
      }
    }
    close();
  }

  private int lastUse(int value) {
    for (int s = value + 1; s < steps.size(); s++) {
      Step step = steps.get(s);
      if (step == null) continue;
      for (int i : step.inputs) if (i == value) return s;
    }
    return -1;
  }

  private void release(int s) {
    NDArray g = graphs.remove(s);
    if (g != null) g.close();
    NDList in = leaves.remove(s);
    if (in != null) in.close();
  }

  private static void backward(NDArray y, NDArray dy) {
    PtNDArray grad = (PtNDArray) (dy != null ? dy : y.onesLike());
    JniUtils.backward((PtNDArray) y, grad, false, false);
  }

  /** Adds each input leaf's gradient to the gradient of the value it was made from. */
  private void collect(int[] inputs, NDList in, Map<Integer, NDArray> grads) {
    for (int k = 0; k < inputs.length; k++) {
      if (constant.get(inputs[k])) continue;
      NDArray g = JniUtils.getGradient((PtNDArray) in.get(k));
      if (g == null) continue;
      NDArray detached = g.stopGradient();
      g.close();
      NDScope.unregister(detached);
      NDArray previous = grads.get(inputs[k]);
      if (previous == null) {
        grads.put(inputs[k], detached);
      } else {
        previous.addi(detached);
        detached.close();
      }
    }
  }

  /** Detached inputs; as leaves that require gradients unless {@code leaves} is false or the value is constant. */
  private NDList inputs(int[] indices, boolean asLeaves) {
    NDList in = new NDList(indices.length);
    for (int i : indices) {
      NDArray v = values.get(i);
      if (!asLeaves || constant.get(i)) {
        in.add(v);
        continue;
      }
      NDArray leaf = v.stopGradient();
      leaf.setRequiresGradient(true);
      in.add(leaf);
    }
    return in;
  }

  /** Runs a step body in its own scope; only its output survives. */
  private static NDArray run(Function<NDList, NDArray> body, NDList in) {
    return Scoped.compute(() -> body.apply(in));
  }

  /** Frees what a pass that did not run its backward still holds. */
  @Override
  public void close() {
    for (NDArray g : graphs.values()) g.close();
    for (NDList in : leaves.values()) in.close();
    graphs.clear();
    leaves.clear();
    for (int i = 0; i < values.size(); i++) {
      if (!constant.get(i) && values.get(i) != null) values.get(i).close();
      values.set(i, null);
    }
  }
}
