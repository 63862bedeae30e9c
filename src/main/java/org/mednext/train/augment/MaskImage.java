package org.mednext.train.augment;

import java.util.SplittableRandom;
import org.mednext.train.sampling.Patch;

/**
 * batchgeneratorsv2 {@code MaskImageTransform} (§D.7 row 10, added when any channel uses {@code
 * use_mask_for_norm}): image set to 0 wherever the label is negative (outside the non-zero mask or the image).
 *
 * <p>NB: the batchgeneratorsv2 code masks every channel, not only those with mask normalization (its
 * {@code apply_to_channels} argument is unused); this class does the same.
 */
public final class MaskImage implements Transform {

  @Override
  public Patch apply(Patch patch, SplittableRandom random) {
    short[] labels = patch.labels();
    for (float[] channel : patch.data()) {
      for (int v = 0; v < labels.length; v++) if (labels[v] < 0) channel[v] = 0f;
    }
    return patch;
  }

  @Override
  public String toString() {
    return "MaskImage(label < 0 -> 0)";
  }
}
