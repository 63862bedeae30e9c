package org.mednext.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that cannot be read as the format it claims to be: corrupt, truncated, or using a feature that is not
 * supported. The message starts with the file name and says what is wrong.
 */
public class VolumeFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /** An exception whose message is {@code "<file>: <problem>"}. */
  public VolumeFormatException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  /** As {@link #VolumeFormatException(Path, String)}, keeping the underlying cause. */
  public VolumeFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /** The offending file (or folder). */
  public Path file() {
    return file;
  }
}
