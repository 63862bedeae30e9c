package org.mednext.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** The command line's own parts: how log records read on stderr. */
class MainTest {

  @Test
  void aLoggedWarningReadsAsTheCommandsOtherWarningsAndANoteAsANote() {
    Main.OneLine line = new Main.OneLine();
    assertEquals("mednext: warning: e.TIF: the TIFF's calibration has no length unit" + System.lineSeparator(),
        line.format(new LogRecord(Level.WARNING, "e.TIF: the TIFF's calibration has no length unit")));
    assertEquals("mednext: using ZScoreNormalization" + System.lineSeparator(),
        line.format(new LogRecord(Level.INFO, "using ZScoreNormalization")));
  }
}
