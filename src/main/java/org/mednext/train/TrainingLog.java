package org.mednext.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-epoch values of a training run, with nnU-Net's logger keys ({@code mean_fg_dice}, {@code ema_fg_dice},
 * {@code dice_per_class_or_region}, {@code train_losses}, {@code val_losses}, {@code lrs},
 * {@code epoch_start_timestamps}, {@code epoch_end_timestamps}) so checkpoints carry the same {@code logging}
 * dict nnU-Net's do. Timestamps are seconds since the epoch.
 */
public final class TrainingLog {

  final List<Double> meanFgDice = new ArrayList<>();
  final List<Double> emaFgDice = new ArrayList<>();
  final List<List<Double>> dicePerClass = new ArrayList<>();
  final List<Double> trainLosses = new ArrayList<>();
  final List<Double> valLosses = new ArrayList<>();
  final List<Double> lrs = new ArrayList<>();
  final List<Double> epochStart = new ArrayList<>();
  final List<Double> epochEnd = new ArrayList<>();

  /** Records one finished epoch. */
  public void add(Epoch e) {
    meanFgDice.add(e.meanFgDice());
    emaFgDice.add(e.ema());
    List<Double> d = new ArrayList<>();
    for (double v : e.dicePerClass()) d.add(v);
    dicePerClass.add(d);
    trainLosses.add(e.trainLoss());
    valLosses.add(e.valLoss());
    lrs.add(e.lr());
    epochStart.add(e.start());
    epochEnd.add(e.end());
  }

  /** Epochs recorded. */
  public int size() {
    return trainLosses.size();
  }

  /** The values of one epoch. */
  public record Epoch(int epoch, double trainLoss, double valLoss, double[] dicePerClass, double meanFgDice,
      double ema, double lr, double start, double end) {
    public double seconds() {
      return end - start;
    }
  }

  public List<Double> trainLosses() {
    return List.copyOf(trainLosses);
  }

  public List<Double> valLosses() {
    return List.copyOf(valLosses);
  }

  public List<Double> meanFgDice() {
    return List.copyOf(meanFgDice);
  }

  public List<Double> emaFgDice() {
    return List.copyOf(emaFgDice);
  }

  public List<Double> learningRates() {
    return List.copyOf(lrs);
  }

  /** Epoch durations in seconds. */
  public List<Double> epochSeconds() {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < epochEnd.size(); i++) out.add(epochEnd.get(i) - epochStart.get(i));
    return out;
  }

  /** The {@code logging} dict of an nnU-Net checkpoint. */
  public Map<String, Object> toCheckpointValue() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mean_fg_dice", new ArrayList<>(meanFgDice));
    m.put("ema_fg_dice", new ArrayList<>(emaFgDice));
    List<Object> d = new ArrayList<>();
    for (List<Double> row : dicePerClass) d.add(new ArrayList<>(row));
    m.put("dice_per_class_or_region", d);
    m.put("train_losses", new ArrayList<>(trainLosses));
    m.put("val_losses", new ArrayList<>(valLosses));
    m.put("lrs", new ArrayList<>(lrs));
    m.put("epoch_start_timestamps", new ArrayList<>(epochStart));
    m.put("epoch_end_timestamps", new ArrayList<>(epochEnd));
    return m;
  }

  /** Restores a log from a checkpoint's {@code logging} dict (values may be numpy scalars read as Double/Long). */
  public static TrainingLog fromCheckpointValue(Object logging) {
    TrainingLog log = new TrainingLog();
    if (!(logging instanceof Map<?, ?> m)) return log;
    copy(m.get("mean_fg_dice"), log.meanFgDice);
    copy(m.get("ema_fg_dice"), log.emaFgDice);
    copy(m.get("train_losses"), log.trainLosses);
    copy(m.get("val_losses"), log.valLosses);
    copy(m.get("lrs"), log.lrs);
    copy(m.get("epoch_start_timestamps"), log.epochStart);
    copy(m.get("epoch_end_timestamps"), log.epochEnd);
    if (m.get("dice_per_class_or_region") instanceof List<?> rows) {
      for (Object row : rows) {
        List<Double> r = new ArrayList<>();
        copy(row, r);
        log.dicePerClass.add(r);
      }
    }
    return log;
  }

  private static void copy(Object src, List<Double> dst) {
    if (!(src instanceof List<?> l)) return;
    for (Object o : l) dst.add(o instanceof Number n ? n.doubleValue() : Double.NaN);
  }
}
