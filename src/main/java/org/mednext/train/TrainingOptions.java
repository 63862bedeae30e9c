package org.mednext.train;

import ai.djl.Device;
import org.mednext.util.Checks;

/**
 * Settings of a training run. Defaults suit a CPU (nnU-Net's 1000 epochs x 250 iterations is a GPU budget).
 *
 * @param epochs epochs to train
 * @param iterationsPerEpoch training batches per epoch
 * @param validationIterations validation batches per epoch (pseudo-Dice)
 * @param batchSize samples per batch (>= 2 keeps nnU-Net's foreground oversampling)
 * @param optimizer {@code sgd} (nnU-Net: Nesterov 0.99, weight decay 3e-5) or {@code adamw} (MedNeXt v1: eps 1e-4)
 * @param learningRate initial learning rate; NaN = default (sgd 1e-2 from scratch, 1e-3 fine-tuning; adamw 1e-3)
 * @param warmupEpochs linear warm-up epochs before the poly schedule (0 = none)
 * @param seed seed of weight initialisation, patch sampling and augmentation
 * @param threads CPU threads for the network; background augmentation uses as many workers
 * @param device where the network trains
 * @param saveEvery write checkpoint_latest every this many epochs (1 = lose at most one epoch on a crash)
 * @param recomputeLevels network levels whose activations are recomputed in the backward pass instead of kept
 *     (activation checkpointing, 0 to 5; see {@code MedNeXt.forwardBackward}): 5 (default, every level) keeps a
 *     v2 Base at 64^3, batch 2, in about 40 % of the memory of 0 for about 25 % more time
 */
public record TrainingOptions(int epochs, int iterationsPerEpoch, int validationIterations, int batchSize,
    String optimizer, double learningRate, int warmupEpochs, long seed, int threads, Device device, int saveEvery,
    int recomputeLevels) {

  public TrainingOptions {
    Checks.argument(epochs >= 1, "epochs must be >= 1, got %d", epochs);
    Checks.argument(iterationsPerEpoch >= 1, "iterations per epoch must be >= 1, got %d", iterationsPerEpoch);
    Checks.argument(validationIterations >= 1, "validation iterations must be >= 1, got %d", validationIterations);
    Checks.argument(batchSize >= 1, "batch size must be >= 1, got %d", batchSize);
    Checks.argument(optimizer.equals("sgd") || optimizer.equals("adamw"), "optimizer must be sgd or adamw, got %s", optimizer);
    Checks.argument(Double.isNaN(learningRate) || learningRate > 0, "learning rate must be > 0, got %s", learningRate);
    Checks.argument(warmupEpochs >= 0 && warmupEpochs < epochs, "warm-up epochs must be in [0, epochs), got %d", warmupEpochs);
    Checks.argument(threads >= 1, "threads must be >= 1, got %d", threads);
    Checks.argument(saveEvery >= 1, "save-every must be >= 1, got %d", saveEvery);
    Checks.notNull(device, "device");
    Checks.argument(recomputeLevels >= 0 && recomputeLevels <= 5, "recompute levels must be 0 to 5, got %d", recomputeLevels);
  }

  /** CPU defaults: 50 epochs x 50 iterations, 10 validation batches, batch 2, SGD, seed 0, all cores, every level recomputed. */
  public static TrainingOptions defaults() {
    return new TrainingOptions(50, 50, 10, 2, "sgd", Double.NaN, 0, 0, Runtime.getRuntime().availableProcessors(),
        Device.cpu(), 1, 5);
  }

  /** The learning rate to start from. */
  public double initialLearningRate(boolean fineTuning) {
    if (!Double.isNaN(learningRate)) return learningRate;
    return optimizer.equals("adamw") || fineTuning ? 1e-3 : 1e-2;
  }

  public TrainingOptions withEpochs(int e) {
    return new TrainingOptions(e, iterationsPerEpoch, validationIterations, batchSize, optimizer, learningRate, warmupEpochs, seed, threads, device, saveEvery, recomputeLevels);
  }

  public TrainingOptions withIterations(int it, int val) {
    return new TrainingOptions(epochs, it, val, batchSize, optimizer, learningRate, warmupEpochs, seed, threads, device, saveEvery, recomputeLevels);
  }

  public TrainingOptions withBatchSize(int b) {
    return new TrainingOptions(epochs, iterationsPerEpoch, validationIterations, b, optimizer, learningRate, warmupEpochs, seed, threads, device, saveEvery, recomputeLevels);
  }

  public TrainingOptions withOptimizer(String o, double lr) {
    return new TrainingOptions(epochs, iterationsPerEpoch, validationIterations, batchSize, o, lr, warmupEpochs, seed, threads, device, saveEvery, recomputeLevels);
  }

  public TrainingOptions withWarmup(int w) {
    return new TrainingOptions(epochs, iterationsPerEpoch, validationIterations, batchSize, optimizer, learningRate, w, seed, threads, device, saveEvery, recomputeLevels);
  }

  public TrainingOptions withSeed(long s) {
    return new TrainingOptions(epochs, iterationsPerEpoch, validationIterations, batchSize, optimizer, learningRate, warmupEpochs, s, threads, device, saveEvery, recomputeLevels);
  }

  public TrainingOptions withThreads(int t) {
    return new TrainingOptions(epochs, iterationsPerEpoch, validationIterations, batchSize, optimizer, learningRate, warmupEpochs, seed, t, device, saveEvery, recomputeLevels);
  }

  public TrainingOptions withDevice(Device d) {
    return new TrainingOptions(epochs, iterationsPerEpoch, validationIterations, batchSize, optimizer, learningRate, warmupEpochs, seed, threads, d, saveEvery, recomputeLevels);
  }

  public TrainingOptions withSaveEvery(int s) {
    return new TrainingOptions(epochs, iterationsPerEpoch, validationIterations, batchSize, optimizer, learningRate, warmupEpochs, seed, threads, device, s, recomputeLevels);
  }

  public TrainingOptions withRecomputeLevels(int r) {
    return new TrainingOptions(epochs, iterationsPerEpoch, validationIterations, batchSize, optimizer, learningRate, warmupEpochs, seed, threads, device, saveEvery, r);
  }
}
