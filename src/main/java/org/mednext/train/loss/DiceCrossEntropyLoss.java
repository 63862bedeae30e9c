package org.mednext.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.mednext.engine.HostReads;
import org.mednext.engine.Scalars;
import org.mednext.engine.Scoped;
import org.mednext.util.Checks;

/**
 * nnU-Net's {@code DC_and_CE_loss} for label (softmax) models, weights CE 1 and Dice 1:
 * <pre>
 *   L = mean over voxels of -log softmax(logits)[label]  +  SoftDice(softmax(logits)[:, 1:], onehot[:, 1:])
 * </pre>
 * Dice excludes the background channel (do_bg=False), smooth 1e-5, per-sample or batch Dice. With an ignore label
 * (a label value outside 0 .. K-1 marking unannotated voxels) those voxels leave both terms: CE averages over the
 * other voxels (torch's ignore_index) and is dropped when the batch has none, Dice masks I, P and G.
 */
public final class DiceCrossEntropyLoss implements SegmentationLoss {

  private final boolean batchDice;
  private final Integer ignoreLabel;

  /** Without ignore label; {@code batchDice} from the configuration's plans (nnU-Net's {@code batch_dice}). */
  public DiceCrossEntropyLoss(boolean batchDice) {
    this.batchDice = batchDice;
    this.ignoreLabel = null;
  }

  /** With the dataset's ignore label (dataset.json's "ignore" label, the highest label value by convention). */
  public DiceCrossEntropyLoss(boolean batchDice, int ignoreLabel) {
    Checks.argument(ignoreLabel > 0, "the ignore label must be > 0 (0 is background): %d", ignoreLabel);
    this.batchDice = batchDice;
    this.ignoreLabel = ignoreLabel;
  }

  /** Whether Dice sums I, P, G over the batch before the ratio. */
  public boolean batchDice() {
    return batchDice;
  }

  @Override
  public NDArray compute(NDArray logits, NDArray labels) {
    return Scoped.compute(() -> {
      NDArray y0 = Labels.asInt64(logits, labels);
      int k = Math.toIntExact(logits.getShape().get(1));
      Checks.argument(k >= 2, "softmax logits need at least 2 channels (background and one class), got %d", k);
      Checks.argument(ignoreLabel == null || ignoreLabel >= k, "the ignore label %d is one of the %d predicted "
          + "classes", ignoreLabel, k);
      NDArray mask = ignoreLabel == null ? null : y0.neq(ignoreLabel);
      NDArray y = mask == null ? y0 : y0.mul(mask); // ignored voxels -> class 0, masked out below
      Labels.checkRange(y, k, ignoreLabel == null ? "labels" : "labels other than the ignore label " + ignoreLabel);
      NDArray fg = y.eq(Labels.classes(y, 1, k));
      NDArray probs = logits.softmax(1).get(":, 1:");
      NDArray dice = SoftDice.negativeMean(probs, fg, mask, batchDice);
      NDArray picked = logits.logSoftmax(1).gather(y, 1);
      NDArray ce;
      if (mask == null) {
        ce = Scalars.div(picked.sum().neg(), (float) picked.size());
      } else {
        long valid = HostReads.longValue(mask.sum());
        if (valid == 0) return dice.add(0f); // nnU-Net skips CE without valid voxels; a new array for the caller
        ce = picked.mul(mask).sum().neg().div(mask.sum().toType(DataType.FLOAT32, false));
      }
      return ce.add(dice);
    });
  }
}
