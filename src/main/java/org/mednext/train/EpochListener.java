package org.mednext.train;

/** Called after every finished epoch (on the training thread): live plots, logs. */
@FunctionalInterface
public interface EpochListener {
  void epochFinished(TrainingLog log, TrainingLog.Epoch epoch);

  static EpochListener none() {
    return (log, epoch) -> {};
  }
}
