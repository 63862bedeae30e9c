package org.mednext.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link PyTuple}. */
class PyTupleTest {

  @Test
  void copiesItsItemsAndCannotBeChanged() {
    List<Object> items = new ArrayList<>(List.of(1L, "a"));
    PyTuple t = new PyTuple(items);
    items.add(2L);
    assertEquals(2, t.size());
    assertThrows(UnsupportedOperationException.class, () -> t.items().add(3L));
  }

  @Test
  void holdsNoneAndComparesByContent() {
    assertEquals(PyTuple.of(1L, null), PyTuple.of(1L, null));
    assertNotEquals(PyTuple.of(1L), new ArrayList<>(List.of(1L)));
    assertEquals(null, PyTuple.of(1L, null).get(1));
  }

  @Test
  void printsLikePython() {
    assertEquals("()", PyTuple.of().toString());
    assertEquals("(1,)", PyTuple.of(1L).toString());
    assertEquals("(0, 1, 2)", PyTuple.of(0L, 1L, 2L).toString());
  }
}
