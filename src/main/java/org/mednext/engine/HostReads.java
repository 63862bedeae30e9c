package org.mednext.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.function.Function;

/**
 * Reads of tensor values into Java that leave nothing behind, on any device. Use these, not {@code toFloatArray()}
 * and friends, for arrays that outlive the read (weights, optimizer state, a loss of a step).
 *
 * <p>Why: to read a GPU tensor (or a non-contiguous one) DJL makes a host copy and attaches it, on the GPU inside a
 * new sub-manager, to the tensor's own manager, where both stay until that manager closes: for a network's weights
 * that is the end of training, and a checkpoint each epoch kept a copy of every weight each time. Here the tensor is
 * lent to a short-lived CPU manager for the read, so the copy is made there and closed with it. While lent, the tensor
 * must not be used by another thread (an operation's result would land in that manager): reads of one tensor are
 * serialised here, and the callers read tensors that their own thread owns (a training step's, a checkpoint's).
 */
public final class HostReads {

  private HostReads() {}

  /** All values as float32 (the tensor's type must be float32). */
  public static float[] floats(NDArray a) {
    return read(a, NDArray::toFloatArray);
  }

  /** All values as int64 (the tensor's type must be int64). */
  public static long[] longs(NDArray a) {
    return read(a, NDArray::toLongArray);
  }

  /** The value of a one-element float32 tensor. */
  public static float floatValue(NDArray a) {
    return read(a, NDArray::getFloat);
  }

  /** The value of a one-element int64 tensor. */
  public static long longValue(NDArray a) {
    return read(a, NDArray::getLong);
  }

  private static <T> T read(NDArray a, Function<NDArray, T> reader) {
    synchronized (a) {
      try (NDManager host = Engines.pytorch().newBaseManager(Device.cpu())) {
        a.tempAttach(host); // given back to its manager when host closes; copies made for the read stay in host
        return reader.apply(a);
      }
    }
  }
}
