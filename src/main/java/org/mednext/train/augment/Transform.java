package org.mednext.train.augment;

import java.util.SplittableRandom;
import org.mednext.train.sampling.Patch;

/** One augmentation step on one sample. */
public interface Transform {

  /**
   * Applies this step, drawing every random choice from {@code random}. May modify the arrays of {@code patch}
   * in place; returns the (possibly new) patch.
   */
  Patch apply(Patch patch, SplittableRandom random);
}
