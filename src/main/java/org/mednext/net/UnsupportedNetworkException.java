package org.mednext.net;

/** A checkpoint's network is not a MedNeXt this code can build; the message names what was found. */
public final class UnsupportedNetworkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnsupportedNetworkException(String message) {
    super(message);
  }
}
