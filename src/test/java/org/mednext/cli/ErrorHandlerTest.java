package org.mednext.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mednext.predict.OutputException;

/** {@link ErrorHandler}'s lines and exit codes for errors that are not about one input. */
class ErrorHandlerTest {

  @Test
  void theOutOfMemoryHintNamesOnlyWhatEveryCommandHas() {
    String m = ErrorHandler.message(new OutOfMemoryError("Java heap space"));
    assertTrue(m.startsWith("out of memory; give Java more than its ") && m.endsWith(" GB with MEDNEXT_JAVA_OPTS=-Xmx..g"),
        m);
    assertFalse(m.contains("patch") || m.contains("--threads"), "predict has no patch option, and threads hardly "
        + "change the memory: " + m);
  }

  @Test
  void anOutputThatCannotBeWrittenIsNoBadInput() {
    assertFalse(ErrorHandler.isBadInput(new OutputException(Path.of("out"), "is a file")));
  }
}
