package org.mednext.testutil;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.mednext.task.Progress;

/**
 * A progress that records what it is told ({@code "stage total"} for a start, the number for an update) and says
 * "cancelled" from a given question on.
 */
public final class RecordingProgress implements Progress {

  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger asked = new AtomicInteger();
  private final int cancelledFrom;

  private RecordingProgress(int cancelledFrom) {
    this.cancelledFrom = cancelledFrom;
  }

  /** Never cancelled. */
  public static RecordingProgress recording() {
    return new RecordingProgress(Integer.MAX_VALUE);
  }

  /** Cancelled from the {@code n}-th time it is asked (1 = at once). */
  public static RecordingProgress cancelledFromQuestion(int n) {
    return new RecordingProgress(n);
  }

  /** What it was told, in order. */
  public List<String> events() {
    return List.copyOf(events);
  }

  /** How often it was asked whether to stop. */
  public int asked() {
    return asked.get();
  }

  @Override
  public void start(String stage, long total) {
    events.add(stage + " " + total);
  }

  @Override
  public void update(long done) {
    events.add(Long.toString(done));
  }

  @Override
  public void message(String text) {
    events.add(text);
  }

  @Override
  public boolean isCancelled() {
    return asked.incrementAndGet() >= cancelledFrom;
  }
}
