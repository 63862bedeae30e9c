package org.mednext.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A Python tuple: an unmodifiable list of values (which may be null, for None). Distinct from a list so that
 * writing a checkpoint gives back a tuple.
 *
 * @param items the elements, in order
 */
public record PyTuple(List<Object> items) {

  /** Copies {@code items} into an unmodifiable list (null elements allowed). */
  public PyTuple {
    items = Collections.unmodifiableList(new ArrayList<>(items));
  }

  /** A tuple of the given values. */
  public static PyTuple of(Object... values) {
    return new PyTuple(Arrays.asList(values));
  }

  /** Number of elements. */
  public int size() {
    return items.size();
  }

  /** Element {@code i}. */
  public Object get(int i) {
    return items.get(i);
  }

  /** Python's notation, e.g. {@code (1, 'a')} or {@code (1,)}. */
  @Override
  public String toString() {
    if (items.size() == 1) return "(" + items.get(0) + ",)";
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < items.size(); i++) sb.append(i == 0 ? "" : ", ").append(items.get(i));
    return sb.append(')').toString();
  }
}
