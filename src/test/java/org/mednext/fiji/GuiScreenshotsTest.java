package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.io.NiftiReader;
import org.mednext.testutil.TestVolumes;
import org.mednext.testutil.TinyModelFolder;
import org.mednext.volume.ImagePlusVolumes;

/**
 * A real ImageJ 1.x (ij.jar from Maven Central) on a screen, with MedNeXt_Fiji.jar installed in its plugins/ folder:
 * {@link GuiSession} runs in its own JVM, opens the sample volume (Colin27, sample-data/), segments it from a macro,
 * measures, previews, plots and records, and saves screenshots into target/screenshots/. Needs Xvfb (it starts its
 * own 1600x1000x24 screen) or a DISPLAY. Not in the default build; run it with
 * {@code xvfb-run -a mvn -B verify -Dexcluded.groups= -Dgroups=gui}.
 */
@Tag("gui")
class GuiScreenshotsTest {

  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final Path SAMPLE = Path.of("sample-data", "mricron-colin27-aal", "ch2bet.nii.gz");
  private static final String[] SCREENSHOTS = {"1-menu.png", "2-segmentation.png", "3-statistics.png",
      "4-preview.png", "5-training-plot.png", "6-dialog.png", "7-recorder.png"};

  @TempDir Path tmp;

  @Test
  void runsTheCommandsInARealImageJAndSavesScreenshots() throws Exception {
    Path model = TinyModelFolder.write(tmp, TinyModelFolder.Weights.THRESHOLD);
    Path image = sampleImage();
    Path home = installPlugin();
    deleteOldScreenshots();
    Path result = tmp.resolve("result.properties");
    Process xvfb = startXvfb();
    try {
      String display = xvfb != null ? display(xvfb) : System.getenv("DISPLAY");
      Assumptions.assumeTrue(display != null && !display.isBlank(),
          "skipped: needs Xvfb (apt-get install xvfb) or a DISPLAY");
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Djava.awt.headless=false", "-Dplugins.dir=" + home, "-Duser.home=" + tmp.resolve("user-home"),
          "-Dai.djl.offline=true", "-Xmx2g",
          "-cp", classPath(), GuiSession.class.getName(), model.toString(), image.toString(),
          SHOTS.toAbsolutePath().toString(), result.toString()));
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(SHOTS.resolve("gui-session.log").toFile());
      pb.environment().put("DISPLAY", display);
      Process session = pb.start();
      boolean ended = session.waitFor(240, TimeUnit.SECONDS);
      if (!ended) session.destroyForcibly();
      Properties p = new Properties();
      if (Files.exists(result)) {
        try (InputStream in = Files.newInputStream(result)) {
          p.load(in);
        }
      }
      assertEquals("true", p.getProperty("ok"), "session failed: " + p.getProperty("error")
          + " (log: " + SHOTS.resolve("gui-session.log") + ")");
      assertEquals("org.mednext.fiji.ImageJ1Commands(\"segment\")", p.getProperty("menu.segment"),
          "plugins.config in plugins/MedNeXt_Fiji.jar registered the menu entry");
      assertEquals("ch2bet-labels 181 0=background\n1=a\n2=b", p.getProperty("macro.result"));
      assertEquals("2", p.getProperty("statistics.rows"));
      assertEquals("ch2bet-labels on ch2bet.tif", p.getProperty("preview.title"));
      assertEquals("2", p.getProperty("preview.channels"));
      assertEquals("40", p.getProperty("plot.epochs"));
      assertTrue(p.getProperty("recorded", "").startsWith("run(\"Model Info (MedNeXt-v2)\", \"model=" + model),
          "recorded: " + p.getProperty("recorded"));
      for (String shot : SCREENSHOTS) assertShowsSomething(SHOTS.resolve(shot));
    } finally {
      if (xvfb != null) xvfb.destroy();
    }
  }

  /** Colin27 (brain extracted, 1 mm) from sample-data/ as a TIFF; the synthetic phantom when it is missing. */
  private Path sampleImage() throws Exception {
    Path tif = tmp.resolve("ch2bet.tif");
    ImagePlus imp = Files.exists(SAMPLE)
        ? ImagePlusVolumes.toImagePlus(new NiftiReader().read(SAMPLE), "ch2bet.tif")
        : FijiTests.image("ch2bet.tif", TestVolumes.phantom(181, 217, 181), ImagePlus.GRAY8, new double[] {1, 1, 1});
    assertTrue(new FileSaver(imp).saveAsTiffStack(tif.toString()));
    return tif;
  }

  /** An ImageJ folder whose plugins/ holds MedNeXt_Fiji.jar, packed from target/classes (plugins.config included). */
  private Path installPlugin() throws IOException {
    Path home = tmp.resolve("ImageJ");
    Path plugins = Files.createDirectories(home.resolve("plugins"));
    Path classes = Path.of("target", "classes");
    assertTrue(Files.isRegularFile(classes.resolve("plugins.config")), "build the classes first (mvn verify)");
    try (OutputStream out = Files.newOutputStream(plugins.resolve("MedNeXt_Fiji.jar"));
        JarOutputStream jar = new JarOutputStream(out);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
        Files.copy(f, jar);
        jar.closeEntry();
      }
    }
    return home;
  }

  private static void deleteOldScreenshots() throws IOException {
    Files.createDirectories(SHOTS);
    for (String shot : SCREENSHOTS) Files.deleteIfExists(SHOTS.resolve(shot));
  }

  /** A private 1600x1000x24 X server, or null when Xvfb is not installed. */
  private static Process startXvfb() {
    try {
      return new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1600x1000x24", "-nolisten", "tcp")
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException notInstalled) {
      return null;
    }
  }

  /** The display number Xvfb reports on its -displayfd once it accepts connections. */
  private static String display(Process xvfb) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.US_ASCII));
    String line = r.readLine();
    return line == null ? null : ":" + line.trim();
  }

  /** The test class path (surefire's, not its manifest-only booter jar). */
  private static String classPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  private static void assertShowsSomething(Path png) throws IOException {
    assertTrue(Files.isRegularFile(png), png + " was not written");
    BufferedImage img = ImageIO.read(png.toFile());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 4) {
      for (int x = 0; x < img.getWidth(); x += 4) colours.add(img.getRGB(x, y));
    }
    assertTrue(colours.size() > 20, png + " looks blank (" + colours.size() + " colours)");
  }
}
