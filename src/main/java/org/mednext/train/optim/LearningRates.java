package org.mednext.train.optim;

import org.mednext.util.Checks;

/**
 * nnU-Net's per-epoch learning-rate schedules as pure functions of the 0-based epoch; the trainer sets the result
 * at the start of each epoch ({@code lr_scheduler.step(current_epoch)} in {@code on_train_epoch_start}).
 */
public final class LearningRates {

  /** nnU-Net's poly exponent. */
  public static final double POLY_EXPONENT = 0.9;

  private LearningRates() {}

  /**
   * {@code PolyLRScheduler}: {@code initialLr * (1 - epoch / maxEpochs)^0.9} (epoch 0: initialLr; epoch 999 of 1000:
   * about 2e-3 * initialLr).
   *
   * @param epoch in [0, maxEpochs]
   */
  public static double poly(double initialLr, int epoch, int maxEpochs) {
    checkLr(initialLr);
    Checks.argument(maxEpochs > 0, "max epochs must be > 0: %d", maxEpochs);
    Checks.argument(epoch >= 0 && epoch <= maxEpochs, "epoch %d outside [0, %d]", epoch, maxEpochs);
    return initialLr * Math.pow(1 - (double) epoch / maxEpochs, POLY_EXPONENT);
  }

  /**
   * {@code Lin_incr_LRScheduler}: {@code maxLr / warmupEpochs * (1 + epoch)}, from maxLr / warmupEpochs at epoch 0
   * to maxLr at epoch warmupEpochs - 1.
   *
   * @param epoch in [0, warmupEpochs)
   */
  public static double linearWarmup(double maxLr, int epoch, int warmupEpochs) {
    checkLr(maxLr);
    Checks.argument(warmupEpochs > 0, "warm-up epochs must be > 0: %d", warmupEpochs);
    Checks.argument(epoch >= 0 && epoch < warmupEpochs, "warm-up epoch %d outside [0, %d)", epoch, warmupEpochs);
    return maxLr / warmupEpochs * (1 + epoch); // NB: this order of operations, as nnU-Net computes it
  }

  /**
   * {@code PolyLRScheduler_offset}: poly decay that starts at {@code startEpoch}:
   * {@code initialLr * (1 - max(epoch - startEpoch, 0) / (maxEpochs - startEpoch))^0.9}.
   *
   * @param epoch in [0, maxEpochs]
   * @param startEpoch in [0, maxEpochs)
   */
  public static double polyWithOffset(double initialLr, int epoch, int maxEpochs, int startEpoch) {
    checkLr(initialLr);
    Checks.argument(startEpoch >= 0 && startEpoch < maxEpochs, "start epoch %d outside [0, %d)", startEpoch,
        maxEpochs);
    Checks.argument(epoch >= 0 && epoch <= maxEpochs, "epoch %d outside [0, %d]", epoch, maxEpochs);
    int current = Math.max(epoch - startEpoch, 0);
    return initialLr * Math.pow(1 - (double) current / (maxEpochs - startEpoch), POLY_EXPONENT);
  }

  /**
   * {@code nnUNetTrainer_warmup} and nnU-Net's {@code PretrainedTrainer}: {@link #linearWarmup} for epochs
   * 0 .. warmupEpochs - 1 (50 in both), then {@link #polyWithOffset} from warmupEpochs, with the same optimizer
   * (momentum buffers survive the switch).
   */
  public static double warmupThenPoly(double initialLr, int epoch, int maxEpochs, int warmupEpochs) {
    Checks.argument(warmupEpochs > 0 && warmupEpochs < maxEpochs, "warm-up epochs %d outside [1, %d)",
        warmupEpochs, maxEpochs);
    return epoch < warmupEpochs
        ? linearWarmup(initialLr, epoch, warmupEpochs)
        : polyWithOffset(initialLr, epoch, maxEpochs, warmupEpochs);
  }

  private static void checkLr(double lr) {
    Checks.argument(lr >= 0 && Double.isFinite(lr), "learning rate must be finite and >= 0: %s", lr);
  }
}
