package org.mednext.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Fold}. */
class FoldTest {

  @Test
  void parsesNumbersAndAll() {
    assertEquals(Fold.of(3), Fold.parse("3"));
    assertEquals(Fold.ALL, Fold.parse("all"));
    assertTrue(Fold.ALL.isAll());
    assertEquals("fold_3", Fold.of(3).folderName());
    assertEquals("fold_all", Fold.ALL.folderName());
    assertEquals("all", Fold.ALL.toString());
    assertEquals("0", Fold.of(0).toString());
  }

  @Test
  void rejectsOtherText() {
    assertEquals("a fold is a number >= 0 or \"all\", got \"-1\"",
        assertThrows(IllegalArgumentException.class, () -> Fold.parse("-1")).getMessage());
    assertEquals("a fold is a number >= 0 or \"all\", got \"ALL\"",
        assertThrows(IllegalArgumentException.class, () -> Fold.parse("ALL")).getMessage());
    assertEquals("fold index must be >= 0, got -1", assertThrows(IllegalArgumentException.class, () -> Fold.of(-1)).getMessage());
  }
}
