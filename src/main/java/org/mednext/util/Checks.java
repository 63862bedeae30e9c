package org.mednext.util;

import java.util.Locale;

/** Argument and state checks that fail with a formatted message naming the offending value. */
public final class Checks {

  private Checks() {}

  /** Throws {@link IllegalArgumentException} with the formatted message unless {@code condition} holds. */
  public static void argument(boolean condition, String format, Object... args) {
    if (!condition) throw new IllegalArgumentException(String.format(Locale.ROOT, format, args));
  }

  /** Throws {@link IllegalStateException} with the formatted message unless {@code condition} holds. */
  public static void state(boolean condition, String format, Object... args) {
    if (!condition) throw new IllegalStateException(String.format(Locale.ROOT, format, args));
  }

  /** Returns {@code value}, or throws {@link NullPointerException} "{@code name} == null". */
  public static <T> T notNull(T value, String name) {
    if (value == null) throw new NullPointerException(name + " == null");
    return value;
  }
}
