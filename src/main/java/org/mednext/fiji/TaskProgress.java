package org.mednext.fiji;

import org.mednext.task.Progress;
import org.scijava.app.StatusService;
import org.scijava.task.Task;
import org.scijava.task.TaskService;

/**
 * Progress of one long job as a SciJava {@link Task}: in Fiji it appears in the task monitor of the main window,
 * whose cancel button stops the job at the next tile; stage names and progress also go to the status bar.
 * Cancelled also when the worker thread is interrupted (a cancelled module future). Close it when the job ends.
 */
final class TaskProgress implements Progress, AutoCloseable {

  /** At most one status-bar update per this many nanoseconds (tiles can be thousands). */
  private static final long STATUS_INTERVAL_NANOS = 100_000_000L;

  private final Task task;
  private final StatusService status;
  private final Thread worker;
  private volatile String stage = "";
  private volatile long total;
  private volatile long lastStatus;

  /**
   * Starts a task named {@code name} for work done on the calling thread.
   *
   * @param status the status bar, or null
   */
  TaskProgress(TaskService tasks, StatusService status, String name) {
    this.task = tasks.createTask(name);
    this.status = status;
    this.worker = Thread.currentThread();
    task.start();
  }

  /** The SciJava task (for cancelling it in tests and scripts). */
  Task task() {
    return task;
  }

  @Override
  public void start(String stageName, long steps) {
    stage = stageName;
    total = steps;
    task.setProgressMaximum(Math.max(steps, 0));
    task.setProgressValue(0);
    task.setStatusMessage(stageName);
    if (status != null) status.showStatus(0, (int) Math.min(steps, Integer.MAX_VALUE), stageName);
    lastStatus = System.nanoTime();
  }

  @Override
  public void update(long done) {
    task.setProgressValue(done);
    long now = System.nanoTime();
    if (status != null && (done >= total || now - lastStatus > STATUS_INTERVAL_NANOS)) {
      lastStatus = now;
      status.showStatus((int) Math.min(done, Integer.MAX_VALUE), (int) Math.min(total, Integer.MAX_VALUE), stage);
    }
  }

  @Override
  public void message(String text) {
    task.setStatusMessage(text);
    if (status != null) status.showStatus(text);
  }

  @Override
  public boolean isCancelled() {
    return task.isCanceled() || worker.isInterrupted();
  }

  @Override
  public void close() {
    task.finish();
    if (status != null) status.clearStatus();
  }
}
