package org.mednext.fiji;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Keeps the most recently used model open, so that segmenting image after image does not reload the weights.
 * One model at a time: loading another (other folder, other options, or files changed on disk since) closes the
 * previous one as soon as nobody uses it any more, which bounds the native memory held between runs.
 * Thread-safe; a lease must be closed after use.
 *
 * @param <K> what identifies a model besides its folder (the prediction options)
 * @param <M> the loaded model
 */
final class ModelCache<K, M extends AutoCloseable> implements AutoCloseable {

  /** Loads a model. */
  @FunctionalInterface
  interface Loader<K, M> {
    M load(Path folder, K key) throws IOException;
  }

  private final Loader<K, M> loader;
  private final Predicate<M> usable;
  private Entry current;

  ModelCache(Loader<K, M> loader) {
    this(loader, m -> true);
  }

  /** @param usable false for a cached model that can no longer be used (it is loaded again) */
  ModelCache(Loader<K, M> loader, Predicate<M> usable) {
    this.loader = loader;
    this.usable = usable;
  }

  /** A lease on the model for {@code folder} and {@code key}, loaded now unless the cached one still fits. */
  synchronized Lease acquire(Path folder, K key) throws IOException {
    Path abs = folder.toAbsolutePath().normalize();
    long stamp = stamp(abs);
    if (current == null || !current.folder.equals(abs) || !current.key.equals(key) || current.stamp != stamp
        || !usable.test(current.model)) {
      evict();
      current = new Entry(abs, key, stamp, loader.load(abs, key));
    }
    current.users++;
    return new Lease(current);
  }

  /** Closes the cached model once its current users are done; the next acquire loads again. */
  synchronized void clear() {
    evict();
  }

  @Override
  public void close() {
    clear();
  }

  /** NB: closing a model may wait a moment (a predictor's networks still being built), under this cache's lock. */
  private void evict() {
    if (current == null) return;
    current.evicted = true;
    if (current.users == 0) closeQuietly(current);
    current = null;
  }

  private synchronized void release(Entry e) {
    e.users--;
    if (e.users == 0 && e.evicted) closeQuietly(e);
  }

  private static void closeQuietly(ModelCache<?, ?>.Entry e) {
    try {
      e.model.close();
    } catch (Exception ignored) {
      // closing frees native memory; there is nothing to report to the user if it fails
    }
  }

  /**
   * The newest modification time of dataset.json, plans.json and the fold folders' checkpoints, so that a model
   * retrained or replaced on disk is loaded again.
   */
  static long stamp(Path folder) throws IOException {
    long newest = 0;
    for (String name : new String[] {"dataset.json", "plans.json"}) {
      Path p = folder.resolve(name);
      if (Files.isRegularFile(p)) newest = Math.max(newest, Files.getLastModifiedTime(p).toMillis());
    }
    if (!Files.isDirectory(folder)) return newest;
    try (DirectoryStream<Path> folds = Files.newDirectoryStream(folder, "fold_*")) {
      for (Path fold : folds) {
        if (!Files.isDirectory(fold)) continue;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(fold, "*.pth")) {
          for (Path f : files) newest = Math.max(newest, Files.getLastModifiedTime(f).toMillis());
        }
      }
    }
    return newest;
  }

  private final class Entry {
    final Path folder;
    final K key;
    final long stamp;
    final M model;
    int users;
    boolean evicted;

    Entry(Path folder, K key, long stamp, M model) {
      this.folder = folder;
      this.key = Objects.requireNonNull(key, "key");
      this.stamp = stamp;
      this.model = model;
    }
  }

  /** Use of a cached model; close it when done. */
  final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean closed;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    M model() {
      return entry.model;
    }

    @Override
    public void close() {
      if (closed) return;
      closed = true;
      release(entry);
    }
  }
}
