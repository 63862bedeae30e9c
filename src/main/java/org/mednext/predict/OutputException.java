package org.mednext.predict;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An output that cannot be written (a file or folder in the way, no room, no permission): no fault of the input, so
 * the command line does not report it as bad input. The message starts with the output path and says what to do.
 */
public class OutputException extends IOException {

  private static final long serialVersionUID = 1L;

  /** An exception whose message is {@code "<path>: <problem>"}. */
  public OutputException(Path path, String problem) {
    super(path + ": " + problem);
  }

  /** As {@link #OutputException(Path, String)}, keeping the underlying cause. */
  public OutputException(Path path, String problem, Throwable cause) {
    super(path + ": " + problem, cause);
  }
}
