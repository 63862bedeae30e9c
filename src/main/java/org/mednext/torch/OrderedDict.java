package org.mednext.torch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Python {@code collections.OrderedDict} (as in every {@code state_dict()}): an insertion-ordered map that
 * writes back as an OrderedDict, whereas a plain {@link LinkedHashMap} writes back as a Python dict.
 * Attributes pickled alongside (such as a state dict's {@code _metadata}) are not kept.
 */
public final class OrderedDict extends LinkedHashMap<Object, Object> {

  private static final long serialVersionUID = 1L;

  /** An empty OrderedDict. */
  public OrderedDict() {}

  /** An OrderedDict with the entries of {@code entries}, in its iteration order. */
  public OrderedDict(Map<?, ?> entries) {
    super(entries);
  }
}
