package org.mednext.torch;

import java.io.IOException;

/** A checkpoint file that cannot be read: not a torch.save zip, truncated, inconsistent or unsupported. */
public class CheckpointException extends IOException {

  private static final long serialVersionUID = 1L;

  /** An exception whose message names the file and what is wrong. */
  public CheckpointException(String message) {
    super(message);
  }

  /** The same, keeping the low-level cause. */
  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
