package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.gui.Plot;
import org.junit.jupiter.api.Test;

class TrainingPlotTest {

  @Test
  void plotsOneLinePerQuantityThatHasValues() {
    TrainingPlot t = new TrainingPlot("fine-tuning");
    t.add(0, 1.2, Double.NaN, 0.10);
    t.add(1, 0.9, Double.NaN, 0.35);
    t.add(2, 0.7, Double.NaN, 0.52);
    Plot plot = t.plot();
    assertEquals(3, t.epochs());
    String[] sets = plot.getPlotObjectDesignations(); // "Data Set 1: train loss", ...
    assertEquals(2, sets.length, "validation loss has no values and is left out");
    assertTrue(sets[0].endsWith(": " + TrainingPlot.TRAIN_LOSS), sets[0]);
    assertTrue(sets[1].endsWith(": " + TrainingPlot.DICE), sets[1]);
    float[][] loss = plot.getDataObjectArrays(0);
    assertArrayEquals(new float[] {0, 1, 2}, loss[0]);
    assertArrayEquals(new float[] {1.2f, 0.9f, 0.7f}, loss[1]);
    assertArrayEquals(new float[] {0.10f, 0.35f, 0.52f}, plot.getDataObjectArrays(1)[1]);
  }

  @Test
  void rendersHeadless() {
    TrainingPlot t = new TrainingPlot("fine-tuning");
    t.add(1, 0.5, 0.6, 0.7);
    t.show(); // no window headless, and no exception
    ImagePlus image = t.plot().getImagePlus();
    assertEquals("fine-tuning", image.getTitle());
  }

  @Test
  void epochsMustIncrease() {
    TrainingPlot t = new TrainingPlot("p");
    t.add(3, 1, 1, 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.add(3, 1, 1, 0));
    assertEquals("epoch 3 does not follow epoch 3", e.getMessage());
  }
}
