package org.mednext.train.sampling;

import java.util.Arrays;
import org.mednext.util.Checks;

/**
 * One preprocessed training case as nnU-Net stores it ({@code <id>.b2nd}, {@code <id>_seg.b2nd}, the {@code
 * class_locations} of {@code <id>.pkl}): normalized float channels, int16 labels with {@code -1} outside the
 * non-zero mask, the preprocessed shape {@code (a0, a1, a2)} and the sampled foreground voxels. Arrays are shared,
 * not copied, and never modified by the sampler.
 *
 * @param identifier case name, for messages
 * @param data one array per channel, C order, each of length {@code a0 * a1 * a2}
 * @param labels label per voxel, same layout
 * @param shape preprocessed shape {@code (a0, a1, a2)}
 * @param classLocations foreground voxels for oversampling (coordinates inside {@code shape})
 */
public record CaseData(String identifier, float[][] data, short[] labels, int[] shape,
    ClassLocations classLocations) {

  /** Checks array sizes against {@code shape} and that every stored location lies inside it. */
  public CaseData {
    Checks.notNull(identifier, "identifier");
    Checks.notNull(classLocations, "classLocations");
    try {
      new Patch(data, labels, shape);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("case " + identifier + ": " + e.getMessage(), e);
    }
    String outside = classLocations.firstOutside(shape);
    Checks.argument(outside == null, "case %s: class location %s lies outside the shape %s", identifier, outside,
        Arrays.toString(shape));
  }

  /** Number of image channels. */
  public int channels() {
    return data.length;
  }
}
