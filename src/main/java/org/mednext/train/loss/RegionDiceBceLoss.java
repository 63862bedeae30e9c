package org.mednext.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import org.mednext.engine.Scalars;
import org.mednext.engine.Scoped;
import org.mednext.util.Checks;

/**
 * nnU-Net's {@code DC_and_BCE_loss} for region-based models (one sigmoid channel per region, regions may overlap),
 * weights BCE 1 and Dice 1:
 * <pre>
 *   L = mean of BCEWithLogits(logits, regions)  +  SoftDice(sigmoid(logits), regions)     (all channels, do_bg=True)
 * </pre>
 * Region targets come from the label map: channel r is 1 where the label is one of {@code regions[r]}. With an
 * ignore label those voxels leave Dice (masked I, P, G) and BCE, which nnU-Net then averages as
 * {@code sum(bce * mask) / sum(mask)}: mask counts voxels, not voxels x regions, so that term is R times the mean
 * (kept for parity).
 */
public final class RegionDiceBceLoss implements SegmentationLoss {

  private final int[][] regions;
  private final boolean batchDice;
  private final Integer ignoreLabel;

  /**
   * @param regions per output channel, the labels (> 0) it covers, e.g. BraTS {{1, 2, 3}, {2, 3}, {3}}
   * @param batchDice nnU-Net's {@code batch_dice} of the configuration
   */
  public RegionDiceBceLoss(int[][] regions, boolean batchDice) {
    this.regions = Labels.checkRegions(regions);
    this.batchDice = batchDice;
    this.ignoreLabel = null;
  }

  /** With the dataset's ignore label (must not be part of any region). */
  public RegionDiceBceLoss(int[][] regions, boolean batchDice, int ignoreLabel) {
    this.regions = Labels.checkRegions(regions);
    for (int[] region : regions) {
      for (int l : region) Checks.argument(l != ignoreLabel, "the ignore label %d is part of a region", l);
    }
    Checks.argument(ignoreLabel > 0, "the ignore label must be > 0 (0 is background): %d", ignoreLabel);
    this.batchDice = batchDice;
    this.ignoreLabel = ignoreLabel;
  }

  @Override
  public NDArray compute(NDArray logits, NDArray labels) {
    return Scoped.compute(() -> {
      NDArray y = Labels.asInt64(logits, labels);
      Checks.argument(logits.getShape().get(1) == regions.length, "logits have %d channels for %d regions",
          logits.getShape().get(1), regions.length);
      NDArray target = Labels.regionTargets(y, regions);
      NDArray mask = ignoreLabel == null ? null : y.neq(ignoreLabel);
      NDArray dice = SoftDice.negativeMean(Activation.sigmoid(logits), target, mask, batchDice);
      // softplus(x) - x * y is BCE with logits: stable for large |x|, gradient sigmoid(x) - y everywhere
      NDArray bce = Activation.softPlus(logits).sub(logits.mul(target));
      NDArray mean;
      if (mask == null) {
        mean = bce.mean();
      } else {
        mean = bce.mul(mask).sum().div(Scalars.maximum(mask.sum().toType(DataType.FLOAT32, false), 1e-8f));
      }
      return mean.add(dice);
    });
  }
}
