package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MacroFormTest {

  private static MacroForm form() {
    return new MacroForm("t").directory("model", "Model folder", "/default")
        .string("folds", "Folds (auto, all, or 0,1,...)", "auto")
        .number("step_size", "Step_size (fraction of the patch)", 0.5)
        .flag("tta", "TTA (test-time mirroring)", true)
        .flag("skip_existing", "Skip_existing cases", false);
  }

  @Test
  void readsRecordedOptionsWithBracketsAndDefaults() {
    MacroForm f = form();
    f.readOptions("model=[/data/my models/m1] step_size=0.75 tta=false ");
    assertEquals("/data/my models/m1", f.get("model"));
    assertEquals("auto", f.get("folds"));
    assertEquals(0.75, f.number("step_size"));
    assertFalse(f.flag("tta"));
    assertFalse(f.flag("skip_existing"));
  }

  @Test
  void aBareKeyIsTrueAsImageJRecordsTickedCheckboxes() {
    MacroForm f = form();
    f.readOptions("model=/m skip_existing ");
    assertTrue(f.flag("skip_existing"));
  }

  @Test
  void keysAreTheFirstWordsOfTheLabels() {
    assertEquals(List.of("model", "folds", "step_size", "tta", "skip_existing"), form().keys());
  }

  @Test
  void rejectsALabelThatDoesNotStartWithItsKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MacroForm("t").string("step_size", "Step size", "0.5"));
    assertEquals("label 'Step size' must start with its key 'step_size'", e.getMessage());
  }

  @Test
  void badNumbersAndFlagsNameTheKey() {
    MacroForm f = form();
    f.readOptions("step_size=fast tta=maybe");
    assertEquals("step_size must be a number, got 'fast'",
        assertThrows(IllegalArgumentException.class, () -> f.number("step_size")).getMessage());
    assertEquals("tta must be true or false, got 'maybe'",
        assertThrows(IllegalArgumentException.class, () -> f.flag("tta")).getMessage());
  }
}
