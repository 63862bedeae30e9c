package org.mednext.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mednext.task.Progress;

/**
 * A progress bar on the terminal ({@code [=====>     ] 12/18 stage}), redrawn in place when stderr is a
 * terminal, or one line per stage otherwise (logs, CI). Cancelled by {@link #cancel()} (Ctrl-C).
 */
final class ConsoleProgress implements Progress {

  private final PrintWriter err;
  private final boolean interactive;
  private final AtomicBoolean cancelled;
  private final String prefix;
  private String stage = "";
  private long total;
  private long lastDraw;

  ConsoleProgress(PrintWriter err, boolean interactive, String prefix) {
    this(err, interactive, prefix, new AtomicBoolean());
  }

  private ConsoleProgress(PrintWriter err, boolean interactive, String prefix, AtomicBoolean cancelled) {
    this.err = err;
    this.interactive = interactive;
    this.prefix = prefix;
    this.cancelled = cancelled;
  }

  /** A progress with another line prefix that is cancelled together with this one. */
  ConsoleProgress withPrefix(String newPrefix) {
    return new ConsoleProgress(err, interactive, newPrefix, cancelled);
  }

  /** A progress bar for the process's terminal: redrawn in place when stderr is one, else one line per stage. */
  static ConsoleProgress forTerminal(PrintWriter err, String prefix) {
    return new ConsoleProgress(err, stderrIsTerminal(), prefix);
  }

  /**
   * Whether stderr, where the bar goes, is a terminal. {@code System.console()} asks about stdin and stdout, so a
   * run with its output redirected to a file (or a pipe) would lose its bar; Linux names stderr's device instead.
   */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  void cancel() {
    cancelled.set(true);
  }

  @Override
  public synchronized void start(String name, long steps) {
    endLine();
    stage = name;
    total = steps;
    if (!interactive) err.println(prefix + name);
    else draw(0, true);
  }

  @Override
  public synchronized void update(long done) {
    if (interactive) draw(done, done == total);
  }

  @Override
  public synchronized void message(String text) {
    endLine();
    err.println(prefix + text);
    err.flush();
  }

  @Override
  public boolean isCancelled() {
    return cancelled.get();
  }

  /** Ends the bar's line, if one is being drawn. */
  synchronized void endLine() {
    if (interactive && !stage.isEmpty()) {
      err.print("\r\033[K");
      err.flush();
    }
  }

  private void draw(long done, boolean force) {
    long now = System.nanoTime();
    if (!force && now - lastDraw < 100_000_000L) return; // 10 redraws a second at most
    lastDraw = now;
    int width = 30;
    String bar;
    if (total > 0) {
      int filled = (int) (width * Math.min(done, total) / total);
      bar = "[" + "=".repeat(filled) + (filled < width ? ">" + " ".repeat(width - filled - 1) : "") + "] "
          + String.format(Locale.ROOT, "%d/%d ", done, total);
    } else {
      bar = "";
    }
    err.print("\r\033[K" + prefix + bar + stage);
    err.flush();
  }
}
