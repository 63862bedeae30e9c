package org.mednext.util;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Writes a file through a temporary file in the same folder and a final rename, so no half file ever appears. */
public final class AtomicFiles {

  /** What writes the content. */
  @FunctionalInterface
  public interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * A file written in full to its temporary file beside its target and flushed to disk, but not yet in place: files
   * that belong together (a case's outputs) are each prepared first, then committed, so that a failure before the
   * commits replaces none of them. Close it after the commit, or to give up (the temporary file is deleted).
   */
  public static final class Pending implements AutoCloseable {
    private final Path tmp;
    private final Path target;
    private boolean committed;

    private Pending(Path tmp, Path target) {
      this.tmp = tmp;
      this.target = target;
    }

    /** Moves the file into place, replacing an existing target. */
    public void commit() throws IOException {
      Checks.state(!committed, "%s is already committed", target);
      move(tmp, target);
      committed = true;
    }

    /** Deletes the temporary file unless it was committed. */
    @Override
    public void close() throws IOException {
      if (!committed) Files.deleteIfExists(tmp);
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  /** Our temporary files' names: hidden, the target's name, a number (hex here, NpzWriter's decimal), ".tmp". */
  private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.-?[0-9a-f]+\\.tmp");

  private AtomicFiles() {}

  /**
   * Writes {@code target} with {@code body}: the content goes to a temporary file in the same folder (same file
   * system, so the move is a rename), is flushed to disk, then replaces {@code target}. On any failure the
   * temporary file is deleted and an existing {@code target} is left as it was. The folder must exist.
   */
  public static void write(Path target, Body body) throws IOException {
    try (Pending p = prepare(target, body)) {
      p.commit();
    }
  }

  /**
   * Writes {@code body} to a temporary file beside {@code target} and flushes it to disk, for a later
   * {@link Pending#commit}; on a failure the temporary file is deleted. The folder must exist.
   */
  public static Pending prepare(Path target, Body body) throws IOException {
    Path abs = target.toAbsolutePath();
    Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
    try {
      // NB: not Files.createTempFile, which makes the file owner-only (0600); a plain create keeps the umask.
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
        body.writeTo(out);
        out.flush();
        ch.force(true);
      }
      return new Pending(tmp, abs);
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Whether {@code fileName} has the form of our temporary files (of this class and of NpzWriter). One that stays
   * was left by a writer killed before it could delete it (kill -9, the system out of memory); while a writer runs,
   * its own looks the same.
   */
  public static boolean isTemporary(String fileName) {
    return TEMPORARY.matcher(fileName).matches();
  }

  /** Renames {@code from} to {@code to}, replacing it, atomically where the file system can. */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
