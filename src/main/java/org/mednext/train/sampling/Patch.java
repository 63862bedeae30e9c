package org.mednext.train.sampling;

import java.util.Arrays;
import org.mednext.util.Checks;

/**
 * Image channels and labels of one training sample (a cropped patch, before or after augmentation), in nnU-Net
 * axis order {@code (a0, a1, a2)}, C order. The arrays are shared, not copied: transforms may modify them.
 *
 * @param data one array per channel, each of length {@code a0 * a1 * a2}
 * @param labels label per voxel (-1 = outside the non-zero mask or outside the image, until removed)
 * @param shape {@code (a0, a1, a2)}
 */
public record Patch(float[][] data, short[] labels, int[] shape) {

  /** Checks that both arrays match {@code shape}. */
  public Patch {
    Checks.notNull(data, "data");
    Checks.notNull(labels, "labels");
    int n = voxels(shape);
    Checks.argument(data.length > 0, "a patch needs at least one image channel");
    for (int c = 0; c < data.length; c++) {
      Checks.notNull(data[c], "data[" + c + "]");
      Checks.argument(data[c].length == n, "channel %d has %d values, shape %s needs %d", c, data[c].length,
          Arrays.toString(shape), n);
    }
    Checks.argument(labels.length == n, "labels have %d values, shape %s needs %d", labels.length,
        Arrays.toString(shape), n);
  }

  /** Number of image channels. */
  public int channels() {
    return data.length;
  }

  /** Voxels per channel. */
  public int voxels() {
    return labels.length;
  }

  /** Checks a 3-axis shape of positive sizes and returns its voxel count. */
  static int voxels(int[] shape) {
    Checks.notNull(shape, "shape");
    Checks.argument(shape.length == 3, "shape must have 3 axes (a0, a1, a2), got %s", Arrays.toString(shape));
    long n = 1;
    for (int s : shape) {
      Checks.argument(s > 0, "shape sizes must be > 0, got %s", Arrays.toString(shape));
      n *= s;
    }
    Checks.argument(n <= Integer.MAX_VALUE - 8, "shape %s has too many voxels for one Java array",
        Arrays.toString(shape));
    return (int) n;
  }
}
