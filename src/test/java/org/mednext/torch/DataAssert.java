package org.mednext.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Strict equality of unpickled data: same Java classes (OrderedDict vs dict, list vs tuple), same key order,
 * doubles bit for bit, byte[] by content, tensors by dtype, shape and bytes. Fails naming the path.
 */
final class DataAssert {

  private DataAssert() {}

  static void assertSameData(Object expected, Object actual) {
    check(expected, actual, "root");
  }

  private static void check(Object e, Object a, String path) {
    if (e == null || a == null) {
      if (e != a) fail(path + ": expected " + e + " but was " + a);
      return;
    }
    if (e.getClass() != a.getClass()) {
      fail(path + ": expected a " + e.getClass().getSimpleName() + " but was a " + a.getClass().getSimpleName());
    }
    if (e instanceof byte[] eb) {
      assertArrayEquals(eb, (byte[]) a, path);
    } else if (e instanceof Double d) {
      assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) a), path + ": " + e + " vs " + a);
    } else if (e instanceof Map<?, ?> em) {
      Map<?, ?> am = (Map<?, ?>) a;
      assertEquals(new ArrayList<>(em.keySet()), new ArrayList<>(am.keySet()), path + ": keys (in order)");
      for (Map.Entry<?, ?> x : em.entrySet()) check(x.getValue(), am.get(x.getKey()), path + "[" + x.getKey() + "]");
    } else if (e instanceof List<?> el) {
      List<?> al = (List<?>) a;
      assertEquals(el.size(), al.size(), path + ": length");
      Iterator<?> ai = al.iterator();
      int i = 0;
      for (Object x : el) check(x, ai.next(), path + "[" + i++ + "]");
    } else if (e instanceof PyTuple et) {
      check(et.items(), ((PyTuple) a).items(), path);
    } else {
      assertEquals(e, a, path);
    }
  }
}
