package org.mednext.fiji;

import ij.process.LUT;
import java.awt.Color;

/**
 * A glasbey-style lookup table for label images: value 0 is black (transparent in overlays), each other value a
 * saturated colour far from its neighbours. Hues walk the colour wheel by the golden ratio, so consecutive labels
 * (the common case: 1, 2, 3, ...) never look alike; saturation and brightness cycle so that the walk does not
 * repeat within 256 entries.
 */
final class LabelLut {

  /** Entries of an ImageJ lookup table. */
  static final int SIZE = 256;

  private static final double GOLDEN = 0.618033988749895;
  private static final float[] SATURATION = {0.9f, 0.65f, 1.0f};
  private static final float[] BRIGHTNESS = {1.0f, 0.8f, 0.6f};

  private LabelLut() {}

  /** Colour of label {@code value} as 0xAARRGGBB; 0 is transparent black, every other value opaque. */
  static int argb(int value) {
    if (value <= 0) return 0;
    float hue = (float) ((0.1 + value * GOLDEN) % 1.0);
    int step = value - 1;
    int rgb = Color.HSBtoRGB(hue, SATURATION[step % 3], BRIGHTNESS[(step / 3) % 3]);
    return 0xff000000 | (rgb & 0xffffff);
  }

  /** The colours of values 0 .. 255 as 0xAARRGGBB. */
  static int[] table() {
    int[] t = new int[SIZE];
    for (int v = 0; v < SIZE; v++) t[v] = argb(v);
    return t;
  }

  /** The table as an ImageJ LUT, for 8-bit label images (display range 0 .. 255). */
  static LUT lut() {
    byte[] r = new byte[SIZE];
    byte[] g = new byte[SIZE];
    byte[] b = new byte[SIZE];
    for (int v = 0; v < SIZE; v++) {
      int c = argb(v);
      r[v] = (byte) (c >> 16);
      g[v] = (byte) (c >> 8);
      b[v] = (byte) c;
    }
    return new LUT(r, g, b);
  }
}
