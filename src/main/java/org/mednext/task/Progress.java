package org.mednext.task;

/**
 * Progress and cancellation of long work (prediction of many tiles, training epochs). The core reports through
 * this interface only; the command line adapts it to a console bar, Fiji to its task service and status bar.
 * Implementations must be thread-safe.
 */
public interface Progress {

  /** Starts a stage named {@code stage} with {@code total} steps (0 when unknown). */
  void start(String stage, long total);

  /** Marks {@code done} steps of the current stage as finished (absolute, not an increment). */
  void update(long done);

  /** A message for the user (one line). */
  void message(String text);

  /** Whether the user asked to stop; long loops call {@link #checkCancelled()} between steps. */
  boolean isCancelled();

  /** Throws {@link CancelledException} if the user asked to stop. */
  default void checkCancelled() {
    if (isCancelled()) throw new CancelledException("cancelled by the user");
  }

  /** A progress that shows nothing and is never cancelled. */
  static Progress none() {
    return Silent.INSTANCE;
  }

  /** The do-nothing progress. */
  final class Silent implements Progress {
    static final Silent INSTANCE = new Silent();

    private Silent() {}

    @Override
    public void start(String stage, long total) {}

    @Override
    public void update(long done) {}

    @Override
    public void message(String text) {}

    @Override
    public boolean isCancelled() {
      return false;
    }
  }
}
