package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.io.NiftiWriter;
import org.mednext.testutil.TestVolumes;
import org.mednext.testutil.TinyModelFolder;
import org.mednext.volume.Geometry;
import org.mednext.volume.ImagePlusVolumes;
import org.mednext.volume.VolumeArrays;
import org.scijava.command.CommandModule;
import org.scijava.console.ConsoleService;
import org.scijava.startup.StartupService;

@Tag("engine")
class SegmentFilesCommandTest {

  private static final TestVolumes.Phantom PHANTOM = TestVolumes.phantom(40, 36, 44);

  @TempDir static Path shared;
  @TempDir Path tmp;
  private static CommandTests commands;

  @BeforeAll
  static void start() throws Exception {
    commands = new CommandTests(shared);
  }

  @AfterAll
  static void stop() {
    commands.close();
  }

  @Test
  void segmentsAFolderOfCases() throws Exception {
    Path in = cases("case_a.nii.gz", "case_b.nii.gz");
    Path out = tmp.resolve("out");
    CommandModule m = commands.run(SegmentFilesCommand.class, "input", in.toFile(), "output", out.toFile(), "model",
        commands.model.toFile(), "step_size", 1.0, "tta", false, "device", "cpu", "probabilities", true);
    assertFalse(m.isCanceled(), m.getCancelReason());
    assertEquals("2 case(s) segmented into " + out + ", 0 skipped (output existed), 0 failed", m.getOutput("summary"));
    assertArrayEquals(TinyModelFolder.thresholdLabels(PHANTOM.values()),
        TestVolumes.readLabels(out.resolve("case_a.nii.gz")));
    assertTrue(Files.isRegularFile(out.resolve("case_b.npz")), "probabilities on request");
  }

  @Test
  void runsFromTheCommandLineLikeFijiHeadless() throws Exception {
    Path in = cases("ct.nii.gz");
    Path out = tmp.resolve("out dir");
    // what: fiji --headless --run "Segment Files (MedNeXt-v2)" 'input="...",output="...",...'
    commands.context.service(ConsoleService.class).processArgs("--headless", "--run", "Segment Files (MedNeXt-v2)",
        String.format("input=\"%s\",output=\"%s\",model=\"%s\",folds=\"0\",step_size=1.0,tta=false,device=\"cpu\"", in,
            out, commands.model));
    commands.context.service(StartupService.class).executeOperations(); // Fiji's launcher does this after the arguments
    assertArrayEquals(TinyModelFolder.thresholdLabels(PHANTOM.values()),
        TestVolumes.readLabels(out.resolve("ct.nii.gz")));
  }

  @Test
  void aFailedCaseCancelsTheCommandWithTheSummary() throws Exception {
    Path in = cases("good.nii.gz");
    Files.write(in.resolve("bad.nii.gz"), new byte[] {0});
    Path out = tmp.resolve("out");
    CommandModule[] m = new CommandModule[1];
    String err = FijiTests.stderrOf(() -> m[0] = commands.run(SegmentFilesCommand.class, "input", in.toFile(), "output",
        out.toFile(), "model", commands.model.toFile(), "step_size", 1.0, "tta", false, "device", "cpu"));
    assertTrue(m[0].isCanceled());
    assertTrue(m[0].getCancelReason().startsWith("1 case(s) segmented into " + out + ", 0 skipped (output existed), "
        + "1 failed: bad: "), m[0].getCancelReason());
    assertTrue(Files.isRegularFile(out.resolve("good.nii.gz")));
    assertEquals(1, err.lines().filter(l -> l.startsWith("MedNeXt-v2: Segment Files: ")).count(), err);
  }

  @Test
  void aCascadesSecondStageTakesTheFirstStagesFolder() throws Exception {
    Path cascade = TinyModelFolder.writeCascade(tmp.resolve("models"), TinyModelFolder.Weights.PREVIOUS_STAGE, 3);
    Path in = cases("case_a.nii.gz");
    short[] first = new short[PHANTOM.values().length];
    for (int i = 0; i < first.length; i++) first[i] = (short) (i % PHANTOM.nx() < 10 ? 2 : i % 7 == 0 ? 1 : 0);
    Path previous = Files.createDirectories(tmp.resolve("lowres"));
    new NiftiWriter().write(VolumeArrays.labels(first, PHANTOM.shapeZyx(), Geometry.ofSpacing(1, 1, 1)),
        previous.resolve("case_a.nii.gz"));
    Path out = tmp.resolve("out");
    CommandModule m = commands.run(SegmentFilesCommand.class, "input", in.toFile(), "output", out.toFile(), "model",
        cascade.toFile(), "previous_stage", previous.toFile(), "step_size", 1.0, "tta", false, "device", "cpu");
    assertFalse(m.isCanceled(), m.getCancelReason());
    assertArrayEquals(first, TestVolumes.readLabels(out.resolve("case_a.nii.gz")));
    CommandModule without = commands.run(SegmentFilesCommand.class, "input", in.toFile(), "output",
        tmp.resolve("out2").toFile(), "model", cascade.toFile(), "step_size", 1.0, "tta", false, "device", "cpu");
    assertTrue(without.isCanceled() && without.getCancelReason().contains("second stage of a cascade"),
        without.getCancelReason());
  }

  private Path cases(String... names) throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    ImagePlus image = FijiTests.image("p", PHANTOM, ImagePlus.GRAY16, new double[] {1, 1, 1});
    for (String n : names) new NiftiWriter().write(ImagePlusVolumes.toVolume(image), in.resolve(n));
    return in;
  }
}
