package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.testutil.TestVolumes;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

/** The preview needs a screen; the screenshots of it come from the GUI test (GuiScreenshotsTest). */
class ShowPreviewCommandTest {

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
  void refusesHeadlessWithOneLine() throws Exception {
    TestVolumes.Phantom p = TestVolumes.phantom(6, 5, 4);
    ImagePlus image = FijiTests.image("t1", p, ImagePlus.GRAY8, new double[] {1, 1, 1});
    ImagePlus labels = LabelImages.create(new short[p.values().length], p.shapeZyx(), image, Map.of());
    CommandModule[] m = new CommandModule[1];
    String err = FijiTests.stderrOf(() -> m[0] = commands.run(ShowPreviewCommand.class, "labels", labels));
    assertTrue(m[0].isCanceled());
    assertEquals("Show Preview needs a screen; it cannot run headless", m[0].getCancelReason());
    assertEquals("MedNeXt-v2: Show Preview: Show Preview needs a screen; it cannot run headless"
        + System.lineSeparator(), err);
  }

  @Test
  void isNotOfferedForHeadlessRuns() {
    CommandInfo info = commands.context.service(CommandService.class).getCommand(ShowPreviewCommand.class);
    assertFalse(info.canRunHeadless());
  }
}
