package org.mednext.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.mednext.util.AtomicFiles;

/**
 * The training progress picture, as nnU-Net's progress.png: losses with pseudo-Dice and its moving average,
 * epoch duration, and learning rate, one panel each. Drawn with Java2D (works headless).
 */
public final class ProgressPlot {

  private static final int WIDTH = 900;
  private static final int PANEL = 260;
  private static final int MARGIN = 60;

  private ProgressPlot() {}

  /** Draws the plot of {@code log}. */
  public static BufferedImage draw(TrainingLog log) {
    BufferedImage img = new BufferedImage(WIDTH, 3 * PANEL, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, 3 * PANEL);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    panel(g, 0, "loss (blue: train, red: val); Dice (green dotted: pseudo Dice, green: EMA)",
        new Series[] {new Series(log.trainLosses(), Color.BLUE, false, false), new Series(log.valLosses(), Color.RED, false, false),
            new Series(log.meanFgDice(), new Color(0, 140, 0), true, true), new Series(log.emaFgDice(), new Color(0, 140, 0), false, true)});
    panel(g, PANEL, "epoch duration (s)", new Series[] {new Series(log.epochSeconds(), Color.BLACK, false, false)});
    panel(g, 2 * PANEL, "learning rate", new Series[] {new Series(log.learningRates(), Color.BLACK, false, false)});
    g.dispose();
    return img;
  }

  /** Writes {@link #draw} as PNG, atomically. */
  public static void write(TrainingLog log, Path file) throws IOException {
    BufferedImage img = draw(log);
    AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
  }

  private record Series(List<Double> values, Color color, boolean dotted, boolean rightAxis) {}

  private static void panel(Graphics2D g, int top, String title, Series[] series) {
    int x0 = MARGIN;
    int x1 = WIDTH - MARGIN;
    int y0 = top + 30;
    int y1 = top + PANEL - 30;
    g.setColor(Color.BLACK);
    g.drawString(title, x0, top + 18);
    g.drawRect(x0, y0, x1 - x0, y1 - y0);
    double[] left = range(series, false);
    double[] right = range(series, true);
    int n = 0;
    for (Series s : series) n = Math.max(n, s.values().size());
    g.drawString("epoch " + Math.max(0, n - 1), x1 - 60, y1 + 15);
    g.drawString("0", x0, y1 + 15);
    if (left != null) {
      g.drawString(String.format(Locale.ROOT, "%.3g", left[1]), 2, y0 + 10);
      g.drawString(String.format(Locale.ROOT, "%.3g", left[0]), 2, y1);
    }
    if (right != null) {
      g.drawString(String.format(Locale.ROOT, "%.2f", right[1]), x1 + 4, y0 + 10);
      g.drawString(String.format(Locale.ROOT, "%.2f", right[0]), x1 + 4, y1);
    }
    for (Series s : series) {
      double[] r = s.rightAxis() ? right : left;
      if (r == null || s.values().isEmpty()) continue;
      g.setColor(s.color());
      g.setStroke(s.dotted() ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1, new float[] {3, 3}, 0)
          : new BasicStroke(1.8f));
      int px = -1;
      int py = -1;
      for (int i = 0; i < s.values().size(); i++) {
        double v = s.values().get(i);
        if (!Double.isFinite(v)) {
          px = -1;
          continue;
        }
        int x = n <= 1 ? x0 : x0 + (int) Math.round((double) i * (x1 - x0) / (n - 1));
        int y = y1 - (int) Math.round((v - r[0]) / (r[1] - r[0]) * (y1 - y0));
        if (px >= 0) g.drawLine(px, py, x, y);
        else g.fillOval(x - 2, y - 2, 4, 4);
        px = x;
        py = y;
      }
    }
  }

  private static double[] range(Series[] series, boolean right) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      if (s.rightAxis() != right) continue;
      for (double v : s.values()) {
        if (!Double.isFinite(v)) continue;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (lo > hi) return null;
    if (hi - lo < 1e-12) {
      hi += 0.5 * Math.max(Math.abs(hi), 1e-3);
      lo -= 0.5 * Math.max(Math.abs(lo), 1e-3);
    }
    return new double[] {lo, hi};
  }
}
