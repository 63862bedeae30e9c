package org.mednext.fiji;

import java.io.FileNotFoundException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** One readable sentence for an exception, for a dialog or a stderr line (never a stack trace alone). */
final class Errors {

  private Errors() {}

  static String message(Throwable e) {
    if (e instanceof NoSuchFileException n) return n.getFile() + ": no such file or folder";
    if (e instanceof AccessDeniedException a) return a.getFile() + ": permission denied";
    if (e instanceof FileNotFoundException && e.getMessage() != null) return e.getMessage();
    if (e instanceof OutOfMemoryError) {
      return "out of memory: give Fiji more (Edit > Options > Memory & Threads) or segment a smaller image";
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getCause() != null && e.getCause() != e ? message(e.getCause()) : e.getClass().getSimpleName();
    }
    return m;
  }
}
