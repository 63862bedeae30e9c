package org.mednext.model;

import org.mednext.util.Checks;

/**
 * A cross-validation fold of a model folder: {@code fold_<index>}, or {@link #ALL} ({@code fold_all}, trained on
 * all cases).
 *
 * @param index the fold number, or -1 for {@link #ALL}
 */
public record Fold(int index) {

  /** The fold trained on all cases, folder {@code fold_all}. */
  public static final Fold ALL = new Fold(-1);

  public Fold {
    Checks.argument(index >= -1, "fold index must be >= 0 (or -1 for \"all\"), got %d", index);
  }

  /** Fold {@code index} (>= 0). */
  public static Fold of(int index) {
    Checks.argument(index >= 0, "fold index must be >= 0, got %d", index);
    return new Fold(index);
  }

  /** Parses "0", "1", ... or "all", as nnU-Net's {@code -f} option accepts them. */
  public static Fold parse(String text) {
    if (text.equals("all")) return ALL;
    boolean digits = !text.isEmpty() && text.length() <= 9 && text.chars().allMatch(c -> c >= '0' && c <= '9');
    Checks.argument(digits, "a fold is a number >= 0 or \"all\", got \"%s\"", text);
    return new Fold(Integer.parseInt(text));
  }

  public boolean isAll() {
    return index == -1;
  }

  /** {@code fold_3} or {@code fold_all}. */
  public String folderName() {
    return "fold_" + this;
  }

  /** "3" or "all". */
  @Override
  public String toString() {
    return isAll() ? "all" : Integer.toString(index);
  }
}
