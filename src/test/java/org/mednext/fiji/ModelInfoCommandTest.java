package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.command.CommandModule;

class ModelInfoCommandTest {

  @TempDir static Path tmp;
  private static CommandTests commands;

  @BeforeAll
  static void start() throws Exception {
    commands = new CommandTests(tmp);
  }

  @AfterAll
  static void stop() {
    commands.close();
  }

  @Test
  void describesTheModelFolder() throws Exception {
    CommandModule m = commands.run(ModelInfoCommand.class, "model", commands.model.toFile());
    assertFalse(m.isCanceled(), m.getCancelReason());
    String info = (String) m.getOutput("info");
    assertEquals(ModelSummary.read(commands.model).text(), info);
    assertTrue(info.startsWith("Model folder:      " + commands.model), info);
  }

  @Test
  void aFileInsteadOfAFolderIsAReadableError() throws Exception {
    Path file = commands.model.resolve("dataset.json");
    CommandModule[] m = new CommandModule[1];
    String err = FijiTests.stderrOf(() -> m[0] = commands.run(ModelInfoCommand.class, "model", file.toFile()));
    assertTrue(m[0].isCanceled());
    assertTrue(err.startsWith("MedNeXt-v2: Model Info: " + m[0].getCancelReason()), err);
    assertTrue(m[0].getCancelReason().contains(file.toString()), m[0].getCancelReason());
  }
}
