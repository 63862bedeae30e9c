package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.process.LUT;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LabelLutTest {

  @Test
  void backgroundIsTransparentBlackAndLabelsAreOpaque() {
    assertEquals(0, LabelLut.argb(0));
    for (int v = 1; v < LabelLut.SIZE; v++) assertEquals(0xff, LabelLut.argb(v) >>> 24, "alpha of " + v);
  }

  @Test
  void everyLabelHasItsOwnColour() {
    Set<Integer> seen = new HashSet<>();
    for (int v = 1; v < LabelLut.SIZE; v++) {
      assertTrue(seen.add(LabelLut.argb(v) & 0xffffff), "colour of " + v + " repeats");
    }
  }

  @Test
  void neighbouringLabelsLookClearlyDifferent() {
    for (int v = 1; v < 32; v++) {
      int a = LabelLut.argb(v);
      int b = LabelLut.argb(v + 1);
      double d = Math.sqrt(sq(((a >> 16) & 255) - ((b >> 16) & 255)) + sq(((a >> 8) & 255) - ((b >> 8) & 255))
          + sq((a & 255) - (b & 255)));
      assertTrue(d > 100, "labels " + v + " and " + (v + 1) + " are only " + d + " apart in RGB");
    }
  }

  @Test
  void imageJLutHoldsTheSameColours() {
    LUT lut = LabelLut.lut();
    assertEquals(256, lut.getMapSize());
    for (int v : new int[] {0, 1, 2, 3, 100, 255}) assertEquals(LabelLut.argb(v) & 0xffffff, lut.getRGB(v) & 0xffffff);
  }

  private static double sq(double x) {
    return x * x;
  }
}
