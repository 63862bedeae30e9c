package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.testutil.TestVolumes;
import org.scijava.command.CommandModule;

class LabelStatisticsCommandTest {

  private static final TestVolumes.Phantom PHANTOM = TestVolumes.phantom(10, 8, 6);

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
  void tabulatesTheLabelsOfTheActiveLabelImage() throws Exception {
    ImagePlus image = FijiTests.image("t1", PHANTOM, ImagePlus.GRAY8, new double[] {2, 2, 2});
    short[] l = new short[PHANTOM.values().length];
    for (int i = 0; i < l.length; i++) {
      float v = PHANTOM.values()[i];
      l[i] = (short) (v >= 250 ? 2 : v >= 90 ? 1 : 0);
    }
    ImagePlus labels = LabelImages.create(l, PHANTOM.shapeZyx(), image, Map.of(1, "shell", 2, "core"));
    CommandModule m = commands.run(LabelStatisticsCommand.class, "labels", labels);
    assertFalse(m.isCanceled(), m.getCancelReason());
    ResultsTable t = (ResultsTable) m.getOutput("statistics");
    assertEquals(2, t.size());
    assertEquals("core", t.getStringValue(LabelStatistics.NAME, 1));
    assertEquals(250, t.getValue(LabelStatistics.MEAN, 1), 1e-9);
    assertEquals(90, t.getValue(LabelStatistics.MEAN, 0), 1e-9);
  }

  @Test
  void aMissingIntensityImageIsAReadableError() throws Exception {
    ImagePlus image = FijiTests.image("t1", PHANTOM, ImagePlus.GRAY8, new double[] {2, 2, 2});
    ImagePlus labels = LabelImages.create(new short[PHANTOM.values().length], PHANTOM.shapeZyx(), image, Map.of());
    CommandModule[] m = new CommandModule[1];
    String err = FijiTests.stderrOf(() -> m[0] = commands.run(LabelStatisticsCommand.class, "labels", labels,
        "intensity", "gone.tif"));
    assertTrue(m[0].isCanceled());
    assertEquals("no open image is titled 'gone.tif' (the intensity image for t1-labels)", m[0].getCancelReason());
    assertTrue(err.contains("MedNeXt-v2: Label Statistics: no open image is titled 'gone.tif'"), err);
  }
}
