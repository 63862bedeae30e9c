package org.mednext.fiji;

import ij.IJ;
import org.mednext.task.Progress;

/**
 * Progress in plain ImageJ 1.x: the main window's status line and progress bar; the Esc key cancels (ImageJ's
 * own convention for long operations).
 */
final class ImageJProgress implements Progress {

  private volatile long total;

  ImageJProgress() {
    IJ.resetEscape();
  }

  @Override
  public void start(String stage, long steps) {
    total = steps;
    IJ.showStatus(stage + " (Esc cancels)");
    IJ.showProgress(0, (int) Math.min(Math.max(steps, 1), Integer.MAX_VALUE));
  }

  @Override
  public void update(long done) {
    if (total > 0) IJ.showProgress((int) Math.min(done, Integer.MAX_VALUE), (int) Math.min(total, Integer.MAX_VALUE));
  }

  @Override
  public void message(String text) {
    IJ.showStatus(text);
  }

  @Override
  public boolean isCancelled() {
    return IJ.escapePressed();
  }

  /** Both progresses see every event; cancelled when either is. */
  static Progress both(Progress a, Progress b) {
    if (b == null) return a;
    return new Progress() {
      @Override
      public void start(String stage, long steps) {
        a.start(stage, steps);
        b.start(stage, steps);
      }

      @Override
      public void update(long done) {
        a.update(done);
        b.update(done);
      }

      @Override
      public void message(String text) {
        a.message(text);
        b.message(text);
      }

      @Override
      public boolean isCancelled() {
        return a.isCancelled() || b.isCancelled();
      }
    };
  }
}
