package org.mednext.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/** Runs a computation in its own {@link NDScope}, keeping only its result (in the caller's scope, if any). */
final class Scoped {

  private Scoped() {}

  static NDArray compute(Supplier<NDArray> body) {
    NDArray result;
    try (NDScope scope = new NDScope()) {
      result = body.get();
      NDScope.unregister(result);
    }
    NDScope.register(result);
    return result;
  }
}
