package org.mednext.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a number for code that autograd records. Use these instead of DJL's {@code Number} overloads
 * ({@code x.mul(2f)}, {@code x.div(n)}, {@code x.maximum(eps)}, ...) wherever a backward pass may follow.
 *
 * <p>Why: on the CPU, DJL's PyTorch engine wraps the number in a tensor that points into a Java direct buffer and
 * closes that tensor right after the operation. Autograd keeps the operand of a product, quotient or maximum for
 * the backward pass, and once the garbage collector has freed the buffer the backward pass reads freed memory:
 * gradients become arbitrary, often NaN, depending on when the collector ran. Operands made here live in libtorch's
 * own memory, which autograd keeps alive for as long as it needs it.
 */
public final class Scalars {

  private Scalars() {}

  /** A 0-d tensor holding {@code value}, in libtorch memory, with {@code like}'s data type and manager. */
  public static NDArray of(NDArray like, float value) {
    return like.getManager().full(new Shape(), value, like.getDataType());
  }

  /** {@code x * value}. */
  public static NDArray mul(NDArray x, float value) {
    try (NDArray s = of(x, value)) {
      return x.mul(s);
    }
  }

  /** {@code x / value}. */
  public static NDArray div(NDArray x, float value) {
    try (NDArray s = of(x, value)) {
      return x.div(s);
    }
  }

  /** {@code max(x, value)} elementwise. */
  public static NDArray maximum(NDArray x, float value) {
    try (NDArray s = of(x, value)) {
      return x.maximum(s);
    }
  }
}
