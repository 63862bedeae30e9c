package org.mednext.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.mednext.engine.Scalars;

/**
 * nnU-Net's {@code MemoryEfficientSoftDiceLoss} after the nonlinearity and background removal:
 * {@code -mean(dc)} with {@code dc = (2 I + smooth) / max(G + P + smooth, 1e-8)}, I, P, G summed over space per
 * (sample, channel), and over the batch as well with batch Dice.
 */
final class SoftDice {

  /** nnU-Net's smoothing term for training (not 1). */
  static final float SMOOTH = 1e-5f;

  private SoftDice() {}

  /**
   * @param probs (B, C, ...) probabilities, differentiable
   * @param target bool (B, C, ...) one-hot or region targets
   * @param mask bool (B, 1, ...) valid voxels, or null
   * @return 0-d {@code -mean(dc)}; intermediates are left to the caller's scope
   */
  static NDArray negativeMean(NDArray probs, NDArray target, NDArray mask, boolean batchDice) {
    int[] axes = Labels.spatialAxes(probs);
    NDArray x = mask == null ? probs : probs.mul(mask);
    NDArray y = mask == null ? target : target.logicalAnd(mask);
    NDArray intersect = x.mul(y).sum(axes);
    NDArray sumPred = x.sum(axes);
    NDArray sumGt = y.sum(axes).toType(DataType.FLOAT32, false);
    if (batchDice) {
      intersect = intersect.sum(new int[] {0});
      sumPred = sumPred.sum(new int[] {0});
      sumGt = sumGt.sum(new int[] {0});
    }
    NDArray numerator = Scalars.mul(intersect, 2f).add(SMOOTH);
    NDArray denominator = Scalars.maximum(sumGt.add(sumPred).add(SMOOTH), 1e-8f);
    return numerator.div(denominator).mean().neg();
  }
}
