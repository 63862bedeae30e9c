package org.mednext.fiji;

import ij.gui.Plot;
import ij.gui.PlotWindow;
import java.awt.Color;
import java.awt.EventQueue;
import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.List;
import org.mednext.util.Checks;

/**
 * A live ImageJ plot of training progress: training loss, validation loss and (pseudo) Dice per epoch, as
 * nnU-Net's progress.png shows them. Call {@link #add} after each epoch; once {@link #show shown}, the window
 * redraws itself. Values that an epoch does not have are NaN and are left out. Thread-safe (training runs on a
 * worker thread, the window is updated on the event thread).
 */
public final class TrainingPlot {

  static final String TRAIN_LOSS = "train loss";
  static final String VALIDATION_LOSS = "validation loss";
  static final String DICE = "pseudo Dice";

  private final String title;
  private final List<double[]> epochs = new ArrayList<>(); // {epoch, train loss, validation loss, dice}
  private PlotWindow window;

  public TrainingPlot(String title) {
    this.title = title;
  }

  /**
   * Records one epoch.
   *
   * @param epoch epoch number, larger than the previous one
   * @param trainLoss mean training loss, or NaN
   * @param validationLoss mean validation loss, or NaN
   * @param dice mean foreground Dice in [0, 1], or NaN
   */
  public void add(int epoch, double trainLoss, double validationLoss, double dice) {
    synchronized (epochs) {
      Checks.argument(epochs.isEmpty() || epoch > epochs.get(epochs.size() - 1)[0],
          "epoch %d does not follow epoch %s", epoch, epochs.isEmpty() ? "-" : (int) epochs.get(epochs.size() - 1)[0]);
      epochs.add(new double[] {epoch, trainLoss, validationLoss, dice});
    }
    redraw();
  }

  /** Number of epochs recorded. */
  public int epochs() {
    synchronized (epochs) {
      return epochs.size();
    }
  }

  /** A new plot of the epochs so far (one line per quantity that has values). */
  public Plot plot() {
    double[][] columns;
    synchronized (epochs) {
      columns = new double[4][epochs.size()];
      for (int i = 0; i < epochs.size(); i++) {
        for (int c = 0; c < 4; c++) columns[c][i] = epochs.get(i)[c];
      }
    }
    Plot plot = new Plot(title, "epoch", "loss / Dice");
    StringBuilder legend = new StringBuilder();
    String[] names = {TRAIN_LOSS, VALIDATION_LOSS, DICE};
    Color[] colours = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};
    for (int c = 1; c <= 3; c++) {
      if (!hasValues(columns[c])) continue;
      plot.setColor(colours[c - 1]);
      plot.setLineWidth(2);
      plot.addPoints(columns[0], columns[c], Plot.LINE);
      legend.append(legend.length() == 0 ? "" : "\t").append(names[c - 1]);
    }
    if (legend.length() > 0) plot.addLegend(legend.toString());
    plot.setLimitsToFit(false);
    return plot;
  }

  /** Opens the plot window (nothing when headless); later epochs update it. */
  public void show() {
    if (GraphicsEnvironment.isHeadless()) return;
    onEventThread(() -> {
      if (window == null || !window.isShowing()) window = plot().show();
      else window.drawPlot(plot());
    });
  }

  private void redraw() {
    if (GraphicsEnvironment.isHeadless()) return;
    onEventThread(() -> {
      if (window != null && window.isShowing()) window.drawPlot(plot());
    });
  }

  private static void onEventThread(Runnable r) {
    if (EventQueue.isDispatchThread()) r.run();
    else EventQueue.invokeLater(r);
  }

  private static boolean hasValues(double[] v) {
    for (double d : v) if (Double.isFinite(d)) return true;
    return false;
  }
}
