package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import java.nio.file.Path;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.view.Views;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.testutil.TestVolumes;
import org.mednext.testutil.TinyModelFolder;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.task.Task;
import org.scijava.task.event.TaskEvent;

@Tag("engine")
class SegmentImageCommandTest {

  private static final TestVolumes.Phantom PHANTOM = TestVolumes.phantom(40, 36, 44);

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
  void segmentsTheImageIntoACalibratedLabelImage() throws Exception {
    ImagePlus image = FijiTests.image("phantom.tif", PHANTOM, ImagePlus.GRAY16, new double[] {1, 1, 1});
    CommandModule m = commands.run(SegmentImageCommand.class, "image", image, "model", commands.model.toFile(),
        "folds", "0", "step_size", 1.0, "tta", false, "device", "cpu");
    assertFalse(m.isCanceled(), m.getCancelReason());
    ImagePlus labels = (ImagePlus) m.getOutput("labels");
    assertArrayEquals(TinyModelFolder.thresholdLabels(PHANTOM.values()), FijiTests.labels(labels));
    assertEquals("mm", labels.getCalibration().getUnit());
  }

  @Test
  void convertsMacroStringsToTheParameterTypes() throws Exception {
    ImagePlus image = FijiTests.image("phantom.tif", PHANTOM, ImagePlus.GRAY8, new double[] {1, 1, 1});
    CommandModule m = commands.run(SegmentImageCommand.class, "image", image, "model", commands.model.toString(),
        "step_size", "1", "tta", "false", "device", "cpu");
    assertFalse(m.isCanceled(), m.getCancelReason());
    assertArrayEquals(TinyModelFolder.thresholdLabels(PHANTOM.values()),
        FijiTests.labels((ImagePlus) m.getOutput("labels")));
  }

  @Test
  void aCascadesSecondStageSegmentsAnImageWithTheFirstStagesLabelImage() throws Exception {
    Path cascade = TinyModelFolder.writeCascade(tmp.resolve("cascade"), TinyModelFolder.Weights.PREVIOUS_STAGE, 3);
    ImagePlus image = FijiTests.image("phantom.tif", PHANTOM, ImagePlus.GRAY16, new double[] {1, 1, 1});
    float[] first = new float[PHANTOM.values().length];
    for (int i = 0; i < first.length; i++) first[i] = i % PHANTOM.nx() < 15 ? 1 : i % 5 == 0 ? 2 : 0;
    ImagePlus previous = FijiTests.image("phantom-labels", new TestVolumes.Phantom(first, PHANTOM.nx(), PHANTOM.ny(),
        PHANTOM.nz()), ImagePlus.GRAY8, new double[] {1, 1, 1});
    MedNeXtService service = commands.context.service(MedNeXtService.class);
    ImagePlus labels = service.segment(image, previous, cascade, service.options("0", 1, false, "cpu"), null);
    short[] expected = new short[first.length];
    for (int i = 0; i < first.length; i++) expected[i] = (short) first[i];
    assertArrayEquals(expected, FijiTests.labels(labels), "the network gives the first stage's labels back");
    Img<UnsignedShortType> img = service.segment(
        ArrayImgs.floats(PHANTOM.values(), PHANTOM.nx(), PHANTOM.ny(), PHANTOM.nz()),
        ArrayImgs.floats(first, PHANTOM.nx(), PHANTOM.ny(), PHANTOM.nz()),
        new double[] {1, 1, 1}, cascade, service.options("0", 1, false, "cpu"));
    short[] viaImgLib2 = new short[first.length];
    var cursor = Views.flatIterable(img).cursor();
    for (int i = 0; i < viaImgLib2.length; i++) viaImgLib2[i] = (short) cursor.next().get();
    assertArrayEquals(expected, viaImgLib2, "the same through the ImgLib2 method");

    CommandModule m = commands.run(SegmentImageCommand.class, "image", image, "model", cascade.toFile(),
        "previous_stage", "no such image", "step_size", 1.0, "tta", false, "device", "cpu");
    assertTrue(m.isCanceled());
    assertEquals("no open image is titled 'no such image' (the previous stage's segmentation)", m.getCancelReason());
    CommandModule without = commands.run(SegmentImageCommand.class, "image", image, "model", cascade.toFile(),
        "step_size", 1.0, "tta", false, "device", "cpu");
    assertTrue(without.isCanceled() && without.getCancelReason().contains("second stage of a cascade"),
        without.getCancelReason());
  }

  @Test
  void aBadModelFolderCancelsWithOneReadableLine() throws Exception {
    ImagePlus image = FijiTests.image("phantom.tif", PHANTOM, ImagePlus.GRAY8, new double[] {1, 1, 1});
    Path none = tmp.resolve("no-model");
    CommandModule[] m = new CommandModule[1];
    String err = FijiTests.stderrOf(() -> m[0] = commands.run(SegmentImageCommand.class, "image", image, "model",
        none.toFile(), "device", "cpu"));
    assertTrue(m[0].isCanceled());
    assertEquals("model folder not found: " + none, m[0].getCancelReason());
    assertNull(m[0].getOutput("labels"));
    String line = "MedNeXt-v2: Segment Image: model folder not found: " + none + System.lineSeparator();
    assertTrue(err.contains(line), err);
    assertFalse(err.contains("\tat "), "no stack trace: " + err);
  }

  @Test
  void theTaskMonitorsCancelButtonStopsItBetweenTiles() throws Exception {
    CancelButton button = new CancelButton();
    EventService events = commands.context.service(EventService.class);
    var subscribers = events.subscribe(button);
    try {
      ImagePlus image = FijiTests.image("phantom.tif", PHANTOM, ImagePlus.GRAY8, new double[] {1, 1, 1});
      CommandModule m = commands.run(SegmentImageCommand.class, "image", image, "model", commands.model.toFile(),
          "step_size", 0.5, "tta", true, "device", "cpu");
      assertTrue(m.isCanceled());
      assertEquals("cancelled", m.getCancelReason());
      assertNull(m.getOutput("labels"));
      assertEquals(1, button.tilesWhenPressed, "pressed after the first tile");
      assertTrue(button.task.isDone(), "the task is finished, so the task monitor clears it");
    } finally {
      events.unsubscribe(subscribers);
    }
  }

  /** What Fiji's task monitor does when the user presses its cancel button: Task.cancel. */
  public static final class CancelButton {
    volatile long tilesWhenPressed = -1;
    volatile Task task;

    @EventHandler
    public void onEvent(TaskEvent e) {
      Task t = e.getTask();
      String status = t.getStatusMessage();
      if (tilesWhenPressed < 0 && status != null && status.contains("tiles") && t.getProgressValue() >= 1) {
        tilesWhenPressed = t.getProgressValue();
        task = t;
        t.cancel("the user pressed cancel");
      }
    }
  }

  @Test
  void isListedInThePluginsMenuAndRunsHeadless() {
    CommandInfo info = commands.context.service(CommandService.class).getCommand(SegmentImageCommand.class);
    assertEquals("Plugins > MedNeXt-v2 > Segment Image (MedNeXt-v2)", info.getMenuPath().getMenuString());
    assertTrue(info.canRunHeadless());
    assertEquals("Segment Image (MedNeXt-v2)", info.getTitle());
  }
}
