package org.mednext.train.loss;

import org.mednext.util.Checks;

/**
 * nnU-Net's online ("pseudo") Dice over the validation batches of an epoch: counts summed over all batches, Dice per
 * class, the mean over classes ignoring NaN (classes absent everywhere), and its exponential moving average
 * {@code ema = 0.9 ema + 0.1 mean} (the first epoch's mean starts it), which selects checkpoint_best when it
 * exceeds the best so far. As in nnU-Net a NaN mean (no class present at all) makes the average NaN from then on.
 * Not thread-safe.
 */
public final class OnlineDice {

  private DiceCounts epoch;
  private double ema = Double.NaN;
  private boolean started;
  private double best = Double.NaN;
  private boolean hasBest;

  /** The result of one epoch. */
  public record Epoch(double[] dicePerClass, double meanForegroundDice, double ema, boolean newBest) {

    /** Copies the per-class array. */
    public Epoch {
      dicePerClass = dicePerClass.clone();
    }

    /** Dice per class (a copy). */
    @Override
    public double[] dicePerClass() {
      return dicePerClass.clone();
    }
  }

  /** Adds one validation batch's counts to the current epoch. */
  public void add(DiceCounts batch) {
    Checks.notNull(batch, "batch");
    epoch = epoch == null ? batch : epoch.plus(batch);
  }

  /**
   * Closes the epoch: Dice from the summed counts, mean, moving average and best-so-far; the counts start over.
   *
   * @throws IllegalStateException when no batch was added
   */
  public Epoch endEpoch() {
    Checks.state(epoch != null, "no validation batch was added in this epoch");
    double[] dice = epoch.dice();
    double sum = 0;
    int n = 0;
    for (double d : dice) {
      if (!Double.isNaN(d)) {
        sum += d;
        n++;
      }
    }
    double mean = n == 0 ? Double.NaN : sum / n;
    ema = started ? ema * 0.9 + 0.1 * mean : mean;
    started = true;
    // nnU-Net: "if self._best_ema is None or ema > self._best_ema" (a NaN best stays best)
    boolean newBest = !hasBest || ema > best;
    if (newBest) {
      best = ema;
      hasBest = true;
    }
    epoch = null;
    return new Epoch(dice, mean, ema, newBest);
  }

  /** The moving average after the last epoch; NaN before the first. */
  public double ema() {
    return ema;
  }

  /** The best moving average so far; NaN before the first epoch. */
  public double bestEma() {
    return best;
  }

  /** Continues from a checkpoint's last moving average and best (nnU-Net's logger and {@code _best_ema}). */
  public void restore(double lastEma, double bestEma) {
    ema = lastEma;
    started = true;
    best = bestEma;
    hasBest = true;
    epoch = null;
  }
}
