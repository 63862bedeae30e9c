package org.mednext.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (or SIGTERM) during a long command: a shutdown hook asks the work to stop at its next check, then holds the
 * JVM until {@link Main#main} has reported the end (the work cleaned up, "cancelled" printed), or until a timeout.
 * It waits for that report, not for the command's thread: Main's {@code System.exit}, which runs the hooks, is called
 * on that very thread, so waiting for it to end would always run the full timeout.
 */
final class StopOnSignal implements AutoCloseable {

  private static final CountDownLatch REPORTED = new CountDownLatch(1);

  private final Thread hook;

  private StopOnSignal(Runnable stop, long timeoutSeconds) {
    hook = new Thread(() -> {
      stop.run();
      try {
        REPORTED.await(timeoutSeconds, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "mednext-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Installs the hook until {@link #close()}; {@code stop} must only ask (set a flag), not wait. */
  static StopOnSignal install(Runnable stop, long timeoutSeconds) {
    return new StopOnSignal(stop, timeoutSeconds);
  }

  /** Called by {@link Main#main} once the command has returned and its last line is printed. */
  static void reported() {
    REPORTED.countDown();
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C: the hook is running and waits for Main's report
    }
  }
}
