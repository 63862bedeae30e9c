package org.mednext.train.augment;

import java.util.SplittableRandom;
import org.mednext.train.sampling.Patch;

/**
 * batchgeneratorsv2 {@code MultiplicativeBrightnessTransform} as nnU-Net configures it (§D.7 row 4; applied with
 * p = 0.15): every channel multiplied by its own factor {@code BGContrast(0.75, 1.25)}.
 */
public final class MultiplicativeBrightness implements Transform {

  /** Factor range. */
  public static final double LOW = 0.75;
  /** Factor range. */
  public static final double HIGH = 1.25;

  @Override
  public Patch apply(Patch patch, SplittableRandom random) {
    for (float[] channel : patch.data()) {
      float factor = (float) Ranges.bgContrast(random, LOW, HIGH);
      for (int v = 0; v < channel.length; v++) channel[v] *= factor;
    }
    return patch;
  }

  @Override
  public String toString() {
    return "MultiplicativeBrightness(BGContrast(" + LOW + ", " + HIGH + "))";
  }
}
