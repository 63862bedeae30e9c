package org.mednext.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/**
 * Runs a computation in its own {@link NDScope}, keeping only its result (in the caller's scope, if any): every other
 * handle it created is closed when it returns. Why this matters: a view (reshape, slice, transpose) shares its base's
 * storage, so closing a result frees nothing while a view or base handle made on the way is still open.
 */
public final class Scoped {

  private Scoped() {}

  /** {@code body}'s result, which must be an array it created (not one of its inputs). */
  public static NDArray compute(Supplier<NDArray> body) {
    NDArray result;
    try (NDScope scope = new NDScope()) {
      result = body.get();
      NDScope.unregister(result);
    }
    NDScope.register(result);
    return result;
  }
}
