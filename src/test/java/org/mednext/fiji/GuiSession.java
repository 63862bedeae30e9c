package org.mednext.fiji;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.Menus;
import ij.Prefs;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.measure.ResultsTable;
import ij.plugin.frame.Recorder;
import java.awt.Dialog;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Frame;
import java.awt.Insets;
import java.awt.MenuBar;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Toolkit;
import java.awt.Window;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;

/**
 * A real ImageJ 1.x session on a screen (Xvfb), started by {@link GuiScreenshotsTest} in its own JVM with
 * {@code -Dplugins.dir} pointing at a folder whose plugins/ holds MedNeXt_Fiji.jar: opens the Plugins menu, runs
 * Segment Image from a macro on a sample volume, Label Statistics, Show Preview (ImageJ composite with Orthogonal
 * Views), a live training plot and a recorded Model Info, and saves a screenshot after each step. Writes what it
 * saw into a properties file for the test to check.
 *
 * <p>Arguments: model folder, image file (TIFF), screenshot folder, result file.
 */
public final class GuiSession {

  private static final Properties RESULT = new Properties();
  /** The whole session must end well within the test's timeout. */
  private static final long WATCHDOG_MILLIS = 150_000;

  private GuiSession() {}

  public static void main(String[] args) throws Exception {
    Path model = Paths.get(args[0]);
    Path image = Paths.get(args[1]);
    Path shots = Files.createDirectories(Paths.get(args[2]));
    Path resultFile = Paths.get(args[3]);
    int status = 1;
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(WATCHDOG_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      RESULT.setProperty("error", "timed out at step: " + RESULT.getProperty("step"));
      Thread.getAllStackTraces().forEach((t, stack) -> {
        System.err.println("thread " + t.getName());
        for (StackTraceElement e : stack) System.err.println("    at " + e);
      });
      store(resultFile);
      Runtime.getRuntime().halt(3);
    }, "watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    try {
      run(model, image, shots);
      RESULT.setProperty("ok", "true");
      status = 0;
    } catch (Throwable t) {
      RESULT.setProperty("error", t.toString());
      t.printStackTrace();
    } finally {
      store(resultFile);
      Runtime.getRuntime().halt(status); // ImageJ's windows and AWT threads would keep the JVM alive
    }
  }

  private static synchronized void store(Path resultFile) {
    try (OutputStream out = Files.newOutputStream(resultFile)) {
      RESULT.store(out, "GuiSession");
    } catch (java.io.IOException e) {
      e.printStackTrace();
    }
  }

  private static void step(String name) {
    RESULT.setProperty("step", name);
    System.err.println("GuiSession: " + name);
  }

  private static void run(Path model, Path image, Path shots) throws Exception {
    step("start ImageJ");
    Robot robot = new Robot();
    robot.setAutoDelay(40);
    ImageJ ij = new ImageJ();
    waitFor("the ImageJ window", ij::isShowing);
    Prefs.setThreads(1);
    ij.setLocation(0, 0);
    settle(robot, 800);
    RESULT.setProperty("menu.segment", String.valueOf(Menus.getCommands().get("Segment Image (MedNeXt-v2)")));

    step("menu");
    openPluginsSubmenu(robot, ij);
    capture(robot, shots.resolve("1-menu.png"));
    robot.keyPress(KeyEvent.VK_ESCAPE);
    robot.keyRelease(KeyEvent.VK_ESCAPE);
    robot.keyPress(KeyEvent.VK_ESCAPE);
    robot.keyRelease(KeyEvent.VK_ESCAPE);
    robot.mouseMove(600, 600);
    robot.mousePress(InputEvent.BUTTON1_DOWN_MASK);
    robot.mouseRelease(InputEvent.BUTTON1_DOWN_MASK);
    settle(robot, 300);

    step("segment from a macro");
    String title = IJ.runMacro(String.join("\n",
        "open('" + image + "');",
        "setSlice(nSlices / 2);",
        "run('Set... ', 'zoom=200');",
        "run('Segment Image (MedNeXt-v2)', 'model=[" + model + "] folds=0 step_size=1 tta=false device=cpu');",
        "setSlice(nSlices / 2);",
        "run('Set... ', 'zoom=200');",
        "return getTitle() + ' ' + nSlices + ' ' + Property.get('mednext.labels');"));
    RESULT.setProperty("macro.result", String.valueOf(title));
    ImagePlus labels = WindowManager.getCurrentImage();
    ImagePlus source = WindowManager.getImage(image.getFileName().toString());
    if (source != null && source.getWindow() != null) source.getWindow().setLocation(0, 120);
    if (labels != null && labels.getWindow() != null) labels.getWindow().setLocation(source == null ? 0
        : source.getWindow().getWidth() + 10, 120);
    settle(robot, 800);
    capture(robot, shots.resolve("2-segmentation.png"));

    step("label statistics");
    IJ.runMacro("run('Label Statistics (MedNeXt-v2)', 'intensity=[]');");
    settle(robot, 800);
    ResultsTable rt = ResultsTable.getResultsTable();
    RESULT.setProperty("statistics.rows", String.valueOf(rt == null ? -1 : rt.size()));
    Window results = WindowManager.getWindow("Results");
    if (results != null) results.setBounds(500, 560, 760, 180);
    settle(robot, 500);
    capture(robot, shots.resolve("3-statistics.png"));
    WindowManager.setTempCurrentImage(labels);
    if (labels != null && labels.getWindow() != null) WindowManager.setCurrentWindow(labels.getWindow());

    step("preview (ImageJ composite and Orthogonal Views; no BigDataViewer in plain ImageJ)");
    moveAside(source, labels);
    IJ.runMacro("run('Show Preview (MedNeXt-v2)', 'viewer=ImageJ');");
    settle(robot, 2500);
    ImagePlus preview = WindowManager.getImage(labels.getTitle() + " on " + image.getFileName());
    RESULT.setProperty("preview.title", preview == null ? "none" : preview.getTitle());
    RESULT.setProperty("preview.channels", preview == null ? "0" : String.valueOf(preview.getNChannels()));
    if (preview != null) { // zoom in for the screenshot; restart Orthogonal Views so its windows move along
      IJ.run(preview, "Orthogonal Views", "");
      settle(robot, 800);
      IJ.run(preview, "Set... ", "zoom=200");
      settle(robot, 800);
      IJ.run(preview, "Orthogonal Views", "");
    }
    settle(robot, 1500);
    capture(robot, shots.resolve("4-preview.png"));
    step("close windows");
    closeAll();
    settle(robot, 500);

    step("training plot");
    TrainingPlot plot = new TrainingPlot("MedNeXt-v2 fine-tuning");
    plot.show();
    for (int epoch = 0; epoch < 40; epoch++) {
      double train = 1.1 * Math.exp(-epoch / 12.0) - 0.35 + 0.02 * Math.sin(epoch);
      double validation = 1.15 * Math.exp(-epoch / 14.0) - 0.3 + 0.03 * Math.cos(epoch * 1.3);
      double dice = 0.88 * (1 - Math.exp(-epoch / 9.0));
      plot.add(epoch, train, validation, dice);
      Thread.sleep(25);
    }
    settle(robot, 1000);
    RESULT.setProperty("plot.epochs", String.valueOf(plot.epochs()));
    capture(robot, shots.resolve("5-training-plot.png"));

    step("record Model Info from the menu");
    IJ.run("Record...");
    settle(robot, 800);
    if (Recorder.getInstance() != null) Recorder.getInstance().setLocation(700, 640);
    IJ.doCommand("Model Info (MedNeXt-v2)");
    GenericDialog dialog = waitForDialog("Model Info (MedNeXt-v2)");
    settle(robot, 800);
    capture(robot, shots.resolve("6-dialog.png"));
    dialog.keyPressed(new KeyEvent(dialog, KeyEvent.KEY_PRESSED, System.currentTimeMillis(), 0, KeyEvent.VK_ENTER,
        '\n'));
    waitFor("the model info window", () -> WindowManager.getWindow("MedNeXt-v2 Model Info") != null);
    WindowManager.getWindow("MedNeXt-v2 Model Info").setLocation(700, 120);
    settle(robot, 1000);
    RESULT.setProperty("recorded", Recorder.getInstance() == null ? "" : Recorder.getInstance().getText());
    capture(robot, shots.resolve("7-recorder.png"));
  }

  /** Clicks "Plugins" in the menu bar, then opens the last entry (our MedNeXt-v2 submenu) with the keyboard. */
  private static void openPluginsSubmenu(Robot robot, Frame ij) throws Exception {
    MenuBar bar = ij.getMenuBar();
    Font font = bar.getFont() != null ? bar.getFont() : new Font("Dialog", Font.PLAIN, 12);
    FontMetrics fm = ij.getFontMetrics(font);
    Insets insets = ij.getInsets();
    int x = ij.getX() + insets.left;
    for (int i = 0; i < bar.getMenuCount(); i++) {
      String label = bar.getMenu(i).getLabel();
      int w = fm.stringWidth(label) + 20;
      if (label.equals("Plugins")) {
        robot.mouseMove(x + w / 2, ij.getY() + insets.top - fm.getHeight() / 2 - 4);
        break;
      }
      x += w;
    }
    robot.mousePress(InputEvent.BUTTON1_DOWN_MASK);
    robot.mouseRelease(InputEvent.BUTTON1_DOWN_MASK);
    settle(robot, 700);
    robot.keyPress(KeyEvent.VK_UP); // wraps to the last entry
    robot.keyRelease(KeyEvent.VK_UP);
    settle(robot, 300);
    robot.keyPress(KeyEvent.VK_RIGHT);
    robot.keyRelease(KeyEvent.VK_RIGHT);
    settle(robot, 700);
  }

  private static GenericDialog waitForDialog(String title) throws InterruptedException {
    GenericDialog[] found = new GenericDialog[1];
    waitFor("the dialog " + title, () -> {
      for (Window w : Window.getWindows()) {
        if (w instanceof GenericDialog d && w.isShowing() && title.equals(((Dialog) w).getTitle())) {
          found[0] = d;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  /** Moves the image windows and the Results table to the right half, to leave room for the preview. */
  private static void moveAside(ImagePlus... images) throws Exception {
    java.awt.EventQueue.invokeAndWait(() -> {
      int y = 80;
      for (ImagePlus imp : images) {
        if (imp != null && imp.getWindow() != null) {
          imp.getWindow().setLocation(1000, y);
          y += 300;
        }
      }
      Window table = WindowManager.getWindow("Results");
      if (table != null) table.setLocation(500, 780);
    });
  }

  /** Closes every window but ImageJ's, on the event thread, without save prompts. */
  private static void closeAll() throws Exception {
    for (int id : WindowManager.getIDList() == null ? new int[0] : WindowManager.getIDList()) {
      ImagePlus imp = WindowManager.getImage(id);
      if (imp != null) imp.changes = false;
    }
    java.awt.EventQueue.invokeAndWait(() -> {
      for (Window w : Window.getWindows()) {
        if (w.isShowing() && !(w instanceof ImageJ)) w.dispose();
      }
    });
  }

  private static void capture(Robot robot, Path file) throws Exception {
    Rectangle screen = new Rectangle(Toolkit.getDefaultToolkit().getScreenSize());
    BufferedImage shot = robot.createScreenCapture(screen);
    ImageIO.write(shot, "png", file.toFile());
    RESULT.setProperty("shot." + file.getFileName(), file.toString());
  }

  private static void settle(Robot robot, int millis) throws InterruptedException {
    robot.waitForIdle();
    Thread.sleep(millis);
  }

  private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.currentTimeMillis() + 60_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > end) throw new IllegalStateException("timed out waiting for " + what);
      Thread.sleep(100);
    }
  }
}
