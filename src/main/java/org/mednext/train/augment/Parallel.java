package org.mednext.train.augment;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.mednext.util.Checks;

/**
 * Runs index ranges on a few short-lived threads. Every task writes a disjoint part of the result with a fixed
 * sequence of operations, so results never depend on the thread count.
 */
final class Parallel {

  private Parallel() {}

  /** A task over the index range {@code [from, to)}. */
  interface RangeTask {
    void run(int from, int to);
  }

  /** Runs {@code task} over consecutive chunks (at least {@code minChunk} long) covering {@code [0, n)}. */
  static void forRanges(int n, int threads, int minChunk, RangeTask task) {
    Checks.argument(threads >= 1, "thread count must be >= 1, got %d", threads);
    if (n <= 0) return;
    int chunk = (int) Math.max(minChunk, (n + 4L * threads - 1) / (4L * threads));
    int chunks = (int) ((n + (long) chunk - 1) / chunk);
    int workers = Math.min(threads, chunks);
    if (workers <= 1) {
      task.run(0, n);
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable worker = () -> {
      for (int k = next.getAndIncrement(); k < chunks && failure.get() == null; k = next.getAndIncrement()) {
        try {
          task.run(k * chunk, (int) Math.min(n, (long) (k + 1) * chunk));
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }
    };
    Thread[] pool = new Thread[workers - 1];
    for (int t = 0; t < pool.length; t++) {
      pool[t] = new Thread(worker, "mednext-augment-" + t);
      pool[t].setDaemon(true);
      pool[t].start();
    }
    worker.run(); // the calling thread is one of the workers
    boolean interrupted = false;
    for (Thread t : pool) {
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // keep joining: the workers still write into the caller's arrays
        }
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
    Throwable t = failure.get();
    if (t instanceof RuntimeException) throw (RuntimeException) t;
    if (t instanceof Error) throw (Error) t;
    if (t != null) throw new IllegalStateException(t);
  }
}
