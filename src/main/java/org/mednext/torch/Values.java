package org.mednext.torch;

import java.math.BigInteger;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Checks on the plain-data values this package reads and writes. */
final class Values {

  /** Deepest nesting of containers accepted (nnU-Net checkpoints nest about 8 deep). */
  static final int MAX_DEPTH = 500;
  /** Most elements a dict key (a tuple) may contain in all, so that hashing it stays cheap. */
  static final int MAX_KEY_ELEMENTS = 10_000;

  private Values() {}

  /** Whether {@code o} is a plain value (never a container or a tensor). */
  static boolean isScalar(Object o) {
    return o == null || o instanceof String || o instanceof Long || o instanceof Double || o instanceof Boolean
        || o instanceof BigInteger || o instanceof TorchDevice;
  }

  /** Whether {@code o} may be a dict key: a scalar, or a small tuple of such (as Python's hashable values). */
  static boolean isKey(Object o) {
    return isKey(o, new int[] {MAX_KEY_ELEMENTS});
  }

  private static boolean isKey(Object o, int[] budget) {
    if (--budget[0] < 0) return false;
    if (isScalar(o)) return true;
    if (!(o instanceof PyTuple t)) return false;
    for (Object item : t.items()) {
      if (!isKey(item, budget)) return false;
    }
    return true;
  }

  /**
   * Walks an unpickled result once per distinct container: it must be a finite tree of plain data (shared
   * sub-objects allowed, cycles not), no deeper than {@link #MAX_DEPTH}, with no unpickler placeholders in it.
   *
   * @return null if all is well, else what is wrong
   */
  static String problem(Object root) {
    return walk(root, 0, new IdentityHashMap<>());
  }

  private static String walk(Object o, int depth, IdentityHashMap<Object, Boolean> state) {
    if (isScalar(o) || o instanceof TensorData || o instanceof byte[]) return null;
    if (!(o instanceof List || o instanceof Map || o instanceof PyTuple)) {
      return "the result contains " + GlobalCalls.describe(o) + ", which is not data";
    }
    if (depth >= MAX_DEPTH) return "containers are nested deeper than " + MAX_DEPTH;
    Boolean done = state.get(o);
    if (done != null) return done ? null : "a container contains itself (a cyclic structure)";
    state.put(o, Boolean.FALSE);
    Iterable<?> children = o instanceof Map<?, ?> m ? m.values() : o instanceof PyTuple t ? t.items() : (List<?>) o;
    for (Object child : children) {
      String p = walk(child, depth + 1, state);
      if (p != null) return p;
    }
    state.put(o, Boolean.TRUE);
    return null;
  }
}
