package org.mednext.torch;

import java.util.Arrays;

/** Turns a (storage, offset, size, stride) view into a contiguous tensor, after checking it lies in the storage. */
final class Strided {

  private Strided() {}

  /** Accounts for the bytes copies will take, so that many views of one storage cannot exhaust memory. */
  interface Budget {
    void charge(long bytes) throws CheckpointException;
  }

  /**
   * The contiguous tensor that {@code torch.as_strided(storage, size, stride, offset)} denotes.
   *
   * @throws CheckpointException if sizes, strides or offset are negative or the view runs outside the storage
   */
  static TensorData gather(PickleContext ctx, Globals.Storage s, long offset, long[] size, long[] stride,
      Budget budget) throws CheckpointException {
    if (size.length != stride.length) {
      throw ctx.fail("tensor size %s and stride %s differ in length", Arrays.toString(size), Arrays.toString(stride));
    }
    long[] shape;
    try {
      shape = TensorData.checkedShape(s.dtype(), size);
    } catch (IllegalArgumentException e) {
      throw ctx.fail("invalid tensor in %s: %s", s, e.getMessage());
    }
    long n = numel(shape);
    long last = lastIndex(ctx, s, offset, shape, stride, n);
    if (n > 0 && last >= s.numel() || n == 0 && offset > s.numel()) {
      throw ctx.fail("tensor (offset %d, size %s, stride %s) reaches element %d, outside %s: the file is corrupt",
          offset, Arrays.toString(size), Arrays.toString(stride), n > 0 ? last : offset, s);
    }
    int elem = s.dtype().elementSize();
    // Immutable tensors may share the storage's array: no copy for the common case of one tensor per storage.
    if (isWholeStorage(s, offset, shape, stride)) return TensorData.wrap(s.dtype(), shape, s.bytes());
    budget.charge(n * elem);
    byte[] out = new byte[(int) (n * elem)];
    if (n == 0) return TensorData.wrap(s.dtype(), shape, out);
    if (isContiguous(shape, stride)) {
      System.arraycopy(s.bytes(), (int) (offset * elem), out, 0, out.length);
      return TensorData.wrap(s.dtype(), shape, out);
    }
    copyStrided(s.bytes(), elem, offset, shape, stride, out);
    return TensorData.wrap(s.dtype(), shape, out);
  }

  /** offset + sum((size - 1) * stride), overflow-checked; strides and offset must be >= 0 as torch requires. */
  private static long lastIndex(PickleContext ctx, Globals.Storage s, long offset, long[] size, long[] stride, long n)
      throws CheckpointException {
    if (offset < 0) throw ctx.fail("negative storage offset %d for a tensor in %s", offset, s);
    long last = offset;
    for (int d = 0; d < size.length; d++) {
      if (stride[d] < 0) throw ctx.fail("negative stride %s for a tensor in %s", Arrays.toString(stride), s);
      if (n == 0) continue;
      try {
        last = Math.addExact(last, Math.multiplyExact(size[d] - 1, stride[d]));
      } catch (ArithmeticException e) {
        throw ctx.fail("tensor stride %s overflows for size %s in %s", Arrays.toString(stride),
            Arrays.toString(size), s);
      }
    }
    return last;
  }

  private static boolean isWholeStorage(Globals.Storage s, long offset, long[] size, long[] stride) {
    return offset == 0 && numel(size) == s.numel() && isContiguous(size, stride);
  }

  /** C-order contiguity, ignoring strides of dimensions of size 1 (as torch does). */
  static boolean isContiguous(long[] size, long[] stride) {
    long expected = 1;
    for (int d = size.length - 1; d >= 0; d--) {
      if (size[d] == 0) return true;
      if (size[d] != 1 && stride[d] != expected) return false;
      expected *= size[d];
    }
    return true;
  }

  /** Odometer over all but the last dimension; the last is copied as a run when its stride is 1. */
  private static void copyStrided(byte[] src, int elem, long offset, long[] size, long[] stride, byte[] out) {
    int rank = size.length;
    long[] index = new long[rank];
    long base = offset;
    int inner = (int) size[rank - 1];
    long innerStride = stride[rank - 1];
    int dst = 0;
    while (true) {
      if (innerStride == 1) {
        System.arraycopy(src, (int) (base * elem), out, dst, inner * elem);
        dst += inner * elem;
      } else {
        for (int i = 0; i < inner; i++) {
          System.arraycopy(src, (int) ((base + i * innerStride) * elem), out, dst, elem);
          dst += elem;
        }
      }
      int d = rank - 2;
      while (d >= 0) {
        index[d]++;
        base += stride[d];
        if (index[d] < size[d]) break;
        base -= index[d] * stride[d];
        index[d] = 0;
        d--;
      }
      if (d < 0) return;
    }
  }

  static long numel(long[] size) {
    long n = 1;
    for (long d : size) n *= d;
    return n;
  }
}
