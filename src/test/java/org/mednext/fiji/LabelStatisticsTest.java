package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.measure.ResultsTable;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelStatisticsTest {

  /** Labels (one 4 x 1 x 2 volume): label 1 on intensities 1, 2, 3, 4; label 2 on 10, 20; background on 7, 7. */
  private static final byte[][] LABELS = {{1, 1, 2, 0}, {1, 1, 2, 0}};
  private static final short[][] INTENSITY = {{1, 2, 10, 7}, {3, 4, 20, 7}};

  @Test
  void measuresEveryForegroundLabel() {
    ResultsTable t = LabelStatistics.compute(labels(0.5, 2, 4, "mm"), intensity(), Map.of(0, "bg", 1, "a", 2, "b"));
    assertEquals(2, t.size());
    assertEquals(1, t.getValue(LabelStatistics.LABEL, 0));
    assertEquals("a", t.getStringValue(LabelStatistics.NAME, 0));
    assertEquals(4, t.getValue(LabelStatistics.VOXELS, 0));
    assertEquals(4 * 0.5 * 2 * 4 / 1000.0, t.getValue(LabelStatistics.VOLUME, 0), 1e-12);
    assertEquals(2.5, t.getValue(LabelStatistics.MEAN, 0), 1e-12);
    assertEquals(Math.sqrt(5.0 / 3.0), t.getValue(LabelStatistics.SD, 0), 1e-12); // sample SD of 1..4
    assertEquals("b", t.getStringValue(LabelStatistics.NAME, 1));
    assertEquals(15, t.getValue(LabelStatistics.MEAN, 1), 1e-12);
    assertEquals(Math.sqrt(50), t.getValue(LabelStatistics.SD, 1), 1e-12);
  }

  @Test
  void convertsTheCalibrationUnitToMillilitres() {
    ResultsTable t = LabelStatistics.compute(labels(0.5, 0.5, 1, "cm"), null, Map.of());
    assertEquals(4 * 0.25 /* 0.5 x 0.5 x 1 cm^3 = 0.25 mL per voxel */, t.getValue(LabelStatistics.VOLUME, 0), 1e-12);
  }

  @Test
  void namedLabelsThatDoNotOccurGetAZeroRow() {
    ResultsTable t = LabelStatistics.compute(labels(1, 1, 1, "mm"), intensity(), Map.of(1, "a", 2, "b", 3, "c"));
    assertEquals(3, t.size());
    assertEquals("c", t.getStringValue(LabelStatistics.NAME, 2));
    assertEquals(0, t.getValue(LabelStatistics.VOXELS, 2));
    assertTrue(Double.isNaN(t.getValue(LabelStatistics.MEAN, 2)));
  }

  @Test
  void unnamedLabelsAreNumbered() {
    ResultsTable t = LabelStatistics.compute(labels(1, 1, 1, "mm"), null, Map.of());
    assertEquals("label 2", t.getStringValue(LabelStatistics.NAME, 1));
    assertEquals(-1, t.getColumnIndex(LabelStatistics.MEAN));
  }

  @Test
  void uncalibratedImagesHaveNoVolume() {
    ImagePlus l = labels(1, 1, 1, "mm");
    l.setCalibration(new Calibration());
    assertTrue(Double.isNaN(LabelStatistics.compute(l, null, Map.of()).getValue(LabelStatistics.VOLUME, 0)));
  }

  @Test
  void signed16BitIntensitiesAreMeasuredAsTrueValues() {
    ImagePlus ct = intensity();
    ct.getCalibration().setSigned16BitCalibration();
    for (int z = 1; z <= 2; z++) {
      short[] p = (short[]) ct.getStack().getPixels(z);
      for (int i = 0; i < p.length; i++) p[i] = (short) (p[i] + 32768 - 1000); // true value = stored - 1000
    }
    ResultsTable t = LabelStatistics.compute(labels(1, 1, 1, "mm"), ct, Map.of());
    assertEquals(2.5 - 1000, t.getValue(LabelStatistics.MEAN, 0), 1e-9);
  }

  @Test
  void rejectsImagesOfDifferentSize() {
    ImagePlus other = new ImagePlus("small", ImageStack.create(4, 1, 1, 16));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LabelStatistics.compute(labels(1, 1, 1, "mm"), other, Map.of()));
    assertEquals("the intensity image small (4x1x1) and the label image seg (4x1x2) differ in size", e.getMessage());
  }

  @Test
  void rejectsFloatLabelImages() {
    ImagePlus f = new ImagePlus("prob", ImageStack.create(4, 1, 2, 32));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LabelStatistics.compute(f, null, Map.of()));
    assertEquals("prob is not a label image: labels are 8-bit or 16-bit integers", e.getMessage());
  }

  private static ImagePlus labels(double sx, double sy, double sz, String unit) {
    ImageStack s = new ImageStack(4, 1);
    for (byte[] plane : LABELS) s.addSlice(null, plane.clone());
    ImagePlus imp = new ImagePlus("seg", s);
    Calibration cal = imp.getCalibration();
    cal.pixelWidth = sx;
    cal.pixelHeight = sy;
    cal.pixelDepth = sz;
    cal.setUnit(unit);
    return imp;
  }

  private static ImagePlus intensity() {
    ImageStack s = new ImageStack(4, 1);
    for (short[] plane : INTENSITY) s.addSlice(null, plane.clone());
    return new ImagePlus("t1", s);
  }
}
