package org.mednext.engine;

/** The deep-learning engine or the requested device cannot be used; the message says what to do. */
public final class EngineUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EngineUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
