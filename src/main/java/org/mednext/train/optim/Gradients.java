package org.mednext.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.mednext.util.Checks;

/** Access to libtorch's {@code .grad} of a parameter, with PyTorch's "no gradient" (None) kept distinct from zero. */
final class Gradients {

  private Gradients() {}

  /**
   * The gradient of {@code param} as a new wrapper sharing its storage (in-place ops change the real gradient;
   * close the wrapper after use), or null when libtorch holds none (never reached by a backward pass).
   *
   * <p>NB: {@link NDArray#getGradient()} cannot tell the two apart: it returns fresh zeros for a missing gradient,
   * attached to the parameter's manager. torch's optimizers and clip_grad_norm_ skip parameters without one.
   */
  static NDArray of(NDArray param) {
    return JniUtils.getGradient(pytorch(param));
  }

  /** Sets the gradient to zero in place (no-op without one): torch accumulates into {@code .grad}. */
  static void zero(NDArray param) {
    JniUtils.zeroGrad(pytorch(param));
  }

  static PtNDArray pytorch(NDArray a) {
    Checks.argument(a instanceof PtNDArray, "parameters must be arrays of DJL's PyTorch engine, got %s",
        a.getClass().getName());
    return (PtNDArray) a;
  }

  /** Runs {@code body} with autograd off on this thread (in-place updates of leaves need it), then restores it. */
  static void withoutGrad(Runnable body) {
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      body.run();
    } finally {
      JniUtils.setGradMode(previous);
    }
  }
}
