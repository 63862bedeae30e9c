package org.mednext.testutil;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The messages logged to one java.util.logging logger while it is open. */
public final class LogRecords implements AutoCloseable {

  private final Logger logger;
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      messages.add(record.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private LogRecords(String name) {
    logger = Logger.getLogger(name);
    logger.addHandler(handler);
  }

  /** Starts recording logger {@code name}. */
  public static LogRecords of(String name) {
    return new LogRecords(name);
  }

  /** The messages so far. */
  public List<String> messages() {
    return List.copyOf(messages);
  }

  /** Forgets the messages so far. */
  public void clear() {
    messages.clear();
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
  }
}
