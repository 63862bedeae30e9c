package org.mednext.train.loss;

import ai.djl.ndarray.NDArray;

/** A training loss of one network output against its label map, differentiable with respect to the logits. */
public interface SegmentationLoss {

  /**
   * The loss as a 0-d float32 array attached to the logits' manager (and to the caller's {@code NDScope}, if any);
   * the intermediates are freed, autograd keeps what the backward pass needs.
   *
   * @param logits raw network output (B, K, D, H, W) (or (B, K, H, W)), floating point
   * @param labels integer class labels (B, 1, D, H, W) of the same spatial size, any integer or float type
   * @throws IllegalArgumentException for mismatched shapes or labels outside the classes
   */
  NDArray compute(NDArray logits, NDArray labels);
}
