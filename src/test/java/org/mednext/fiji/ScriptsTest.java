package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import net.imglib2.Cursor;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.io.NiftiWriter;
import org.mednext.testutil.TestVolumes;
import org.mednext.testutil.TinyModelFolder;
import org.mednext.volume.ImagePlusVolumes;
import org.scijava.script.ScriptModule;
import org.scijava.script.ScriptService;

/** Runs every example in scripts/ the way Fiji would, so that the examples cannot rot. */
@Tag("engine")
class ScriptsTest {

  private static final TestVolumes.Phantom PHANTOM = TestVolumes.phantom(40, 36, 44);
  private static final short[] EXPECTED = TinyModelFolder.thresholdLabels(PHANTOM.values());

  @TempDir static Path shared;
  @TempDir Path tmp;
  private static CommandTests fiji;

  @BeforeAll
  static void start() throws Exception {
    fiji = new CommandTests(shared);
  }

  @AfterAll
  static void stop() {
    fiji.close();
  }

  @Test
  void groovySegmentsTheImage() throws Exception {
    ImagePlus image = FijiTests.image("phantom.tif", PHANTOM, ImagePlus.GRAY8, new double[] {1, 1, 1});
    String[] out = new String[1];
    ScriptModule m = stdout(out, () -> run("Segment_Image.groovy", "image", image, "model", fiji.model.toFile(),
        "folds", "0", "step_size", 1.0, "tta", false));
    assertArrayEquals(EXPECTED, FijiTests.labels((ImagePlus) m.getOutput("labels")));
    assertTrue(out[0].contains("a   "), out[0]);
    assertTrue(out[0].matches("(?s).*b\\s+\\d+\\.\\d{3} mL.*"), out[0]);
  }

  @Test
  void groovySegmentsAnImgLib2Image() throws Exception {
    Img<?> image = ArrayImgs.floats(PHANTOM.values().clone(), 40, 36, 44);
    ScriptModule m = run("Segment_ImgLib2.groovy", "image", image, "voxel_x", 1.0, "voxel_y", 1.0, "voxel_z", 1.0,
        "model", fiji.model.toFile());
    Img<?> labels = (Img<?>) m.getOutput("labels");
    short[] got = new short[EXPECTED.length];
    @SuppressWarnings("unchecked")
    Cursor<? extends RealType<?>> c = Views.flatIterable((Img<? extends RealType<?>>) labels).cursor();
    for (int i = 0; i < got.length; i++) got[i] = (short) c.next().getRealDouble();
    assertArrayEquals(EXPECTED, got);
  }

  @Test
  void jythonSegmentsAFolder() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    new NiftiWriter().write(ImagePlusVolumes.toVolume(FijiTests.image("p", PHANTOM, ImagePlus.GRAY16,
        new double[] {1, 1, 1})), in.resolve("case1.nii.gz"));
    Path out = tmp.resolve("out");
    ScriptModule m = run("Segment_Folder.py", "input", in.toFile(), "output", out.toFile(), "model",
        fiji.model.toFile(), "folds", "0", "step_size", 1.0, "tta", false);
    assertEquals("1 case(s) segmented into " + out + ", 0 skipped (output existed), 0 failed", m.getOutput("summary"));
    assertTrue(Files.isRegularFile(out.resolve("case1.nii.gz")));
  }

  @Test
  void theBatchMacroSegmentsEveryTiff() throws Exception {
    HeadlessImageJ.install();
    Path in = Files.createDirectories(tmp.resolve("in"));
    for (String name : new String[] {"first.tif", "second.tif"}) {
      new FileSaver(FijiTests.image(name, PHANTOM, ImagePlus.GRAY16, new double[] {1, 1, 1}))
          .saveAsTiffStack(in.resolve(name).toString());
    }
    Files.writeString(in.resolve("notes.txt"), "not an image");
    Path out = tmp.resolve("out");
    String[] log = new String[1];
    stdout(log, () -> IJ.runMacroFile(Path.of("scripts/Segment_Folder.ijm").toAbsolutePath().toString(),
        in + "|" + out + "|" + fiji.model + "|folds=0 step_size=1 tta=false device=cpu"));
    assertArrayEquals(EXPECTED, FijiTests.labels(IJ.openImage(out.resolve("first-labels.tif").toString())));
    assertTrue(Files.isRegularFile(out.resolve("second-labels.tif")), log[0]);
    List<String> csv = Files.readAllLines(out.resolve("second-labels-volumes.csv"));
    long[] count = new long[3];
    for (short s : EXPECTED) count[s]++;
    assertEquals(List.of("label,name,voxels,volume_ml,mean,sd",
        String.format(Locale.ROOT, "1,a,%d,%.6f,90.0000,0.0000", count[1], count[1] / 1000.0),
        String.format(Locale.ROOT, "2,b,%d,%.6f,250.0000,0.0000", count[2], count[2] / 1000.0)), csv);
    assertTrue(log[0].contains("MedNeXt-v2: segmented 2 image(s) into " + out + File.separator), log[0]);
    assertFalse(log[0].contains("Exception"), log[0]);
  }

  private static ScriptModule run(String script, Object... inputs) throws Exception {
    File file = Path.of("scripts", script).toFile();
    return fiji.context.service(ScriptService.class).run(file, true, inputs).get();
  }

  /** Runs {@code body}, capturing System.out into {@code out[0]}. */
  private static <T> T stdout(String[] out, java.util.concurrent.Callable<T> body) throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      return body.call();
    } finally {
      System.setOut(old);
      out[0] = buffer.toString(StandardCharsets.UTF_8);
    }
  }
}
