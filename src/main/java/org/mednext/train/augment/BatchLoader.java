package org.mednext.train.augment;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.mednext.train.sampling.DeepSupervisionTargets;
import org.mednext.train.sampling.PatchSampler;
import org.mednext.train.sampling.Sample;
import org.mednext.train.sampling.Seeds;
import org.mednext.util.Checks;

/**
 * Builds batches 0, 1, 2, ... ahead of the trainer on background threads and hands them out in order (nnU-Net's
 * augmenter processes, §D.7). Batch i is a pure function of {@code (seed, i)} ({@link #build}), so its content does
 * not depend on thread timing. At most {@code capacity} batches are built or waiting at any time. A failure while
 * building batch i is thrown by the {@link #next} call that would have returned it. Close to stop the threads.
 */
public final class BatchLoader implements AutoCloseable {

  private final PatchSampler sampler;
  private final AugmentationPipeline pipeline;
  private final double[][] scales;
  private final long seed;
  private final int capacity;
  private final List<Thread> workers = new ArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();
  private final Condition space = lock.newCondition();
  private final Map<Long, Object> finished = new HashMap<>(); // Batch or Throwable
  private long nextToBuild;
  private long nextToDeliver;
  private boolean closed;

  /**
   * Starts {@code workers} threads.
   *
   * @param sampler crops the samples of each batch
   * @param pipeline augments each sample
   * @param deepSupervisionScales target scales per axis (see {@link DeepSupervisionTargets#scales}); null or
   *     empty for one full-resolution target
   * @param seed root seed of the stream
   * @param workers background threads (>= 1)
   * @param capacity batches built ahead at most (>= 1)
   */
  public BatchLoader(PatchSampler sampler, AugmentationPipeline pipeline, double[][] deepSupervisionScales,
      long seed, int workers, int capacity) {
    this(sampler, pipeline, deepSupervisionScales, seed, workers, capacity, 0);
  }

  /**
   * As above, with the stream starting at batch {@code firstIteration} (a resumed training continues its stream
   * exactly where the interrupted one stopped).
   */
  public BatchLoader(PatchSampler sampler, AugmentationPipeline pipeline, double[][] deepSupervisionScales,
      long seed, int workers, int capacity, long firstIteration) {
    this.sampler = Checks.notNull(sampler, "sampler");
    this.pipeline = Checks.notNull(pipeline, "pipeline");
    Checks.argument(workers >= 1, "worker count must be >= 1, got %d", workers);
    Checks.argument(capacity >= 1, "capacity must be >= 1, got %d", capacity);
    this.scales = deepSupervisionScales == null || deepSupervisionScales.length == 0
        ? new double[][] {{1, 1, 1}} : deepSupervisionScales.clone();
    for (double[] s : scales) Checks.argument(s.length == 3, "deep supervision scales need 3 axes, got %d", s.length);
    this.seed = seed;
    this.capacity = capacity;
    Checks.argument(firstIteration >= 0, "first iteration must be >= 0, got %d", firstIteration);
    this.nextToBuild = firstIteration;
    this.nextToDeliver = firstIteration;
    for (int w = 0; w < workers; w++) {
      Thread t = new Thread(this::work, "mednext-batches-" + w);
      t.setDaemon(true);
      this.workers.add(t);
    }
    this.workers.forEach(Thread::start);
  }

  /**
   * Batch {@code iteration} of the stream {@code seed}, computed on the calling thread: samples from {@code
   * sampler}, each augmented with its own seed, stacked, with the deep-supervision targets.
   */
  public static Batch build(PatchSampler sampler, AugmentationPipeline pipeline, double[][] scales, long seed,
      long iteration) throws IOException {
    List<Sample> samples = sampler.sampleBatch(Seeds.mix(seed, iteration));
    int b = samples.size();
    float[] data = null;
    int[] dataShape = null;
    List<short[]> targets = new ArrayList<>();
    List<int[]> targetShapes = new ArrayList<>();
    int[] cases = new int[b];
    for (int j = 0; j < b; j++) {
      Sample s = samples.get(j);
      cases[j] = s.caseIndex();
      var patch = pipeline.apply(s.patch(), s.seed());
      int[] shape = patch.shape();
      int n = patch.voxels();
      if (data == null) {
        dataShape = new int[] {b, patch.channels(), shape[0], shape[1], shape[2]};
        data = new float[b * patch.channels() * n];
        for (double[] scale : scales) {
          int[] t = DeepSupervisionTargets.targetShape(shape, scale);
          targetShapes.add(new int[] {b, 1, t[0], t[1], t[2]});
          targets.add(new short[b * t[0] * t[1] * t[2]]);
        }
      }
      Checks.state(patch.channels() == dataShape[1] && shape[0] == dataShape[2] && shape[1] == dataShape[3]
          && shape[2] == dataShape[4], "sample %d of batch %d has a different shape than sample 0", j, iteration);
      for (int c = 0; c < patch.channels(); c++) {
        System.arraycopy(patch.data()[c], 0, data, (j * patch.channels() + c) * n, n);
      }
      List<short[]> pyramid = DeepSupervisionTargets.pyramid(patch.labels(), shape, scales);
      for (int i = 0; i < scales.length; i++) {
        short[] level = pyramid.get(i);
        System.arraycopy(level, 0, targets.get(i), j * level.length, level.length);
      }
    }
    return new Batch(iteration, data, dataShape, targets, targetShapes, cases);
  }

  /** The next batch of the stream, waiting for it if needed; rethrows the failure of the worker that built it. */
  public Batch next() throws IOException, InterruptedException {
    Object result;
    lock.lockInterruptibly();
    try {
      // closed is asked first: a batch finished before the close is dropped, not delivered
      while (true) {
        if (closed) throw new IllegalStateException("the batch loader is closed");
        if (finished.containsKey(nextToDeliver)) break;
        ready.await();
      }
      result = finished.remove(nextToDeliver);
      nextToDeliver++;
      space.signalAll();
    } finally {
      lock.unlock();
    }
    if (result instanceof Batch batch) return batch;
    Throwable t = (Throwable) result;
    if (t instanceof IOException e) throw new IOException("building a training batch failed: " + e.getMessage(), e);
    if (t instanceof Error e) throw e;
    throw new IllegalStateException("building a training batch failed: " + t, t);
  }

  /** Stops the worker threads and waits for them; batches not yet taken are dropped. */
  @Override
  public void close() throws InterruptedException {
    lock.lock();
    try {
      closed = true;
      finished.clear();
      ready.signalAll();
      space.signalAll();
    } finally {
      lock.unlock();
    }
    for (Thread t : workers) t.interrupt();
    for (Thread t : workers) t.join();
  }

  private void work() {
    while (true) {
      long i;
      lock.lock();
      try {
        while (!closed && nextToBuild >= nextToDeliver + capacity) space.awaitUninterruptibly();
        if (closed) return;
        i = nextToBuild++;
      } finally {
        lock.unlock();
      }
      Object result;
      try {
        result = build(sampler, pipeline, scales, seed, i);
      } catch (InterruptedIOException e) {
        return; // closed while reading a case
      } catch (Throwable t) {
        result = t;
      }
      lock.lock();
      try {
        if (closed) return;
        finished.put(i, result);
        ready.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }
}
