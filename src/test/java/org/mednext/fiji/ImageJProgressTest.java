package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import java.awt.event.KeyEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mednext.task.CancelledException;
import org.mednext.task.Progress;

class ImageJProgressTest {

  @AfterEach
  void release() {
    IJ.resetEscape();
  }

  @Test
  void escCancels() {
    IJ.setKeyDown(KeyEvent.VK_ESCAPE); // pressed before the run: forgotten when the run starts
    ImageJProgress p = new ImageJProgress();
    p.start("predicting 8 tiles", 8);
    p.update(1);
    assertFalse(p.isCancelled());
    IJ.setKeyDown(KeyEvent.VK_ESCAPE);
    assertTrue(p.isCancelled());
    assertEquals("cancelled by the user", assertThrows(CancelledException.class, p::checkCancelled).getMessage());
  }

  @Test
  void bothWithoutASecondProgressIsTheFirst() {
    Progress p = new ImageJProgress();
    assertSame(p, ImageJProgress.both(p, null));
  }
}
