package org.mednext.torch;

/**
 * A checkpoint whose pickle refers to code (a Python global outside the allow-list of tensor and plain-data
 * constructors). It was refused when the reference was read: nothing in the file was executed.
 */
public final class UnsafeCheckpointException extends CheckpointException {

  private static final long serialVersionUID = 1L;

  /** An exception whose message names the global, the byte offset and the file. */
  public UnsafeCheckpointException(String message) {
    super(message);
  }
}
