package org.mednext.fiji;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.mednext.testutil.TestVolumes;

/** Images and helpers shared by the fiji tests. */
final class FijiTests {

  /** Work that may throw. */
  @FunctionalInterface
  interface Body {
    void run() throws Exception;
  }

  private FijiTests() {}

  /** The {@link TestVolumes#phantom} as an ImageJ stack of {@code type} (GRAY8, GRAY16 or GRAY32), calibrated. */
  static ImagePlus image(String title, TestVolumes.Phantom p, int type, double[] spacing) {
    ImageStack stack = new ImageStack(p.nx(), p.ny());
    int plane = p.nx() * p.ny();
    for (int z = 0; z < p.nz(); z++) {
      Object pixels;
      if (type == ImagePlus.GRAY8) {
        byte[] b = new byte[plane];
        for (int i = 0; i < plane; i++) b[i] = (byte) p.values()[z * plane + i];
        pixels = b;
      } else if (type == ImagePlus.GRAY16) {
        short[] s = new short[plane];
        for (int i = 0; i < plane; i++) s[i] = (short) p.values()[z * plane + i];
        pixels = s;
      } else {
        float[] f = new float[plane];
        System.arraycopy(p.values(), z * plane, f, 0, plane);
        pixels = f;
      }
      stack.addSlice(null, pixels);
    }
    ImagePlus imp = new ImagePlus(title, stack);
    Calibration cal = imp.getCalibration();
    cal.pixelWidth = spacing[0];
    cal.pixelHeight = spacing[1];
    cal.pixelDepth = spacing[2];
    cal.setUnit("mm");
    return imp;
  }

  /** The labels of a label image in (z, y, x) order. */
  static short[] labels(ImagePlus labels) {
    int plane = labels.getWidth() * labels.getHeight();
    short[] out = new short[plane * labels.getStackSize()];
    for (int z = 0; z < labels.getStackSize(); z++) {
      Object pixels = labels.getStack().getPixels(z + 1);
      for (int i = 0; i < plane; i++) {
        out[z * plane + i] = pixels instanceof byte[] b ? (short) (b[i] & 0xff) : ((short[]) pixels)[i];
      }
    }
    return out;
  }

  /** What {@code body} printed on System.err. */
  static String stderrOf(Body body) throws Exception {
    PrintStream old = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setErr(old);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
