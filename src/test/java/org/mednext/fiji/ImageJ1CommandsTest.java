package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.Prefs;
import ij.WindowManager;
import ij.io.FileSaver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.testutil.TestVolumes;
import org.mednext.testutil.TinyModelFolder;

/** The plain ImageJ 1.x entries, run by macros through ImageJ's own interpreter (headless, see HeadlessImageJ). */
@Tag("engine")
class ImageJ1CommandsTest {

  private static final TestVolumes.Phantom PHANTOM = TestVolumes.phantom(40, 36, 44);

  @TempDir static Path tmp;
  private static Path model;
  private static Path image;

  @BeforeAll
  static void start() throws Exception {
    Prefs.setThreads(1);
    HeadlessImageJ.install();
    model = TinyModelFolder.write(tmp, TinyModelFolder.Weights.THRESHOLD);
    image = tmp.resolve("phantom.tif");
    new FileSaver(FijiTests.image("phantom.tif", PHANTOM, ImagePlus.GRAY16, new double[] {1, 1, 1}))
        .saveAsTiffStack(image.toString());
  }

  @Test
  void segmentImageRunsFromAMacroWithTheDocumentedKeys() throws Exception {
    Path out = tmp.resolve("labels.tif");
    String result = IJ.runMacro(String.join("\n",
        "setBatchMode(true);",
        "open('" + image + "');",
        "run('Segment Image (MedNeXt-v2)', 'model=[" + model + "] folds=0 step_size=1 tta=false device=cpu');",
        "saveAs('Tiff', '" + out + "');",
        "return getTitle() + ' ' + bitDepth() + ' ' + nSlices + ' ' + Property.get('mednext.labels');"));
    assertEquals("labels.tif 8 44 0=background\n1=a\n2=b", result);
    ImagePlus labels = IJ.openImage(out.toString());
    assertArrayEquals(TinyModelFolder.thresholdLabels(PHANTOM.values()), FijiTests.labels(labels));
    closeAll();
  }

  @Test
  void modelInfoWritesTheSummaryToTheLog() throws Exception {
    String out = stdoutOf(() -> IJ.runMacro("run('Model Info (MedNeXt-v2)', 'model=[" + model + "]');"));
    assertTrue(out.contains(ModelSummary.read(model).text().strip()), out);
  }

  @Test
  void labelStatisticsMeasuresTheActiveLabelImage() throws Exception {
    String result = IJ.runMacro(String.join("\n",
        "setBatchMode(true);",
        "open('" + image + "');",
        "run('Segment Image (MedNeXt-v2)', 'model=[" + model + "] step_size=1 tta=false device=cpu');",
        "run('Label Statistics (MedNeXt-v2)');",
        "return '' + nResults + ' ' + getResultString('Name', 1) + ' ' + getResult('Label', 1);"));
    assertEquals("2 b 2", result);
    closeAll();
  }

  @Test
  void anErrorIsOneStderrLineAndStopsTheMacro() throws Exception {
    Path none = tmp.resolve("missing-model");
    String[] result = new String[1];
    String err = FijiTests.stderrOf(() -> result[0] = IJ.runMacro(String.join("\n",
        "setBatchMode(true);",
        "open('" + image + "');",
        "run('Segment Image (MedNeXt-v2)', 'model=[" + none + "] device=cpu');",
        "return 'went on';")));
    assertFalse("went on".equals(result[0]), "the macro stopped at the error");
    assertEquals("MedNeXt-v2: Segment Image (MedNeXt-v2): model folder not found: " + none, err.strip());
    closeAll();
  }

  private static void closeAll() {
    while (WindowManager.getImageCount() > 0) {
      ImagePlus imp = WindowManager.getCurrentImage();
      if (imp == null) break;
      imp.changes = false;
      imp.close();
    }
  }

  private static String stdoutOf(FijiTests.Body body) throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setOut(old);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
