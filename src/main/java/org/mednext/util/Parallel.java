package org.mednext.util;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;

/**
 * Runs tasks {@code 0..n-1} on a few short-lived threads. Callers make every task write a disjoint part of
 * the result with a fixed sequence of operations, so results never depend on the thread count.
 */
public final class Parallel {

  private Parallel() {}

  /** Checks a user-supplied thread count. */
  public static int checkThreads(int threads) {
    Checks.argument(threads >= 1, "thread count must be >= 1, got %d", threads);
    return threads;
  }

  /** Runs {@code task} for every index in {@code [0, n)}. */
  public static void forEach(int n, int threads, IntConsumer task) {
    forEach(n, threads, () -> null, (ignored, i) -> task.accept(i));
  }

  /**
   * Runs {@code task} for every index in {@code [0, n)}; each worker thread gets its own workspace from
   * {@code workspace} (created lazily, once per worker).
   */
  public static <W> void forEach(int n, int threads, Supplier<W> workspace, ObjIntConsumer<W> task) {
    checkThreads(threads);
    int workers = Math.min(threads, n);
    if (workers <= 1) {
      W ws = n > 0 ? workspace.get() : null;
      for (int i = 0; i < n; i++) task.accept(ws, i);
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable worker = () -> {
      W ws = null;
      for (int i = next.getAndIncrement(); i < n && failure.get() == null; i = next.getAndIncrement()) {
        try {
          if (ws == null) ws = workspace.get();
          task.accept(ws, i);
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }
    };
    Thread[] pool = new Thread[workers - 1];
    for (int t = 0; t < pool.length; t++) {
      pool[t] = new Thread(worker, "mednext-worker-" + t);
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
          interrupted = true; // finish joining: the workers still write into the caller's arrays
        }
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
    Throwable t = failure.get();
    if (t instanceof RuntimeException) throw (RuntimeException) t;
    if (t instanceof Error) throw (Error) t;
    if (t != null) throw new IllegalStateException(t);
  }

  /** A task over the index range {@code [from, to)}. */
  public interface RangeTask {
    void run(int from, int to);
  }

  /** Runs {@code task} over consecutive ranges covering {@code [0, n)} (at least {@code 1 << 16} long each). */
  public static void forRanges(int n, int threads, RangeTask task) {
    forRanges(n, threads, 1 << 16, task);
  }

  /** Runs {@code task} over consecutive ranges covering {@code [0, n)}, each at least {@code minChunk} long. */
  public static void forRanges(int n, int threads, int minChunk, RangeTask task) {
    checkThreads(threads);
    if (n <= 0) return;
    int chunk = chunkSize(n, threads, minChunk);
    forEach((int) ((n + (long) chunk - 1) / chunk), threads, k -> task.run(k * chunk, (int) Math.min(n, (long) (k + 1) * chunk)));
  }

  /** Splits {@code [0, n)} into about {@code 4 * threads} chunks of at least {@code minChunk}; returns the chunk size. */
  public static int chunkSize(long n, int threads, int minChunk) {
    long chunks = Math.max(1, 4L * threads);
    long size = Math.max(minChunk, (n + chunks - 1) / chunks);
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, size));
  }
}
