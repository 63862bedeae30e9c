package org.mednext.task;

/** Long work stopped because the user cancelled it; nothing half-written is left behind. */
public final class CancelledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CancelledException(String message) {
    super(message);
  }
}
