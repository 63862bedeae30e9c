package org.mednext.train.augment;

import java.util.SplittableRandom;
import org.mednext.train.sampling.Patch;

/** batchgeneratorsv2 {@code RemoveLabelTansform(-1, 0)} (§D.7 row 11): label -1 becomes background 0. */
public final class RemoveLabel implements Transform {

  @Override
  public Patch apply(Patch patch, SplittableRandom random) {
    short[] labels = patch.labels();
    for (int v = 0; v < labels.length; v++) if (labels[v] == -1) labels[v] = 0;
    return patch;
  }

  @Override
  public String toString() {
    return "RemoveLabel(-1 -> 0)";
  }
}
