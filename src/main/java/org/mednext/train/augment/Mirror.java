package org.mednext.train.augment;

import java.util.SplittableRandom;
import org.mednext.train.sampling.Patch;
import org.mednext.util.Checks;

/**
 * batchgeneratorsv2 {@code MirrorTransform} (§D.7 row 9): every allowed axis flipped independently with
 * probability 0.5, image and labels alike.
 */
public final class Mirror implements Transform {

  private final int[] axes;

  /** Flips among {@code axes} (0, 1, 2 in (a0, a1, a2) numbering). */
  public Mirror(int[] axes) {
    for (int a : axes) Checks.argument(a >= 0 && a < 3, "mirror axes must be 0, 1 or 2, got %d", a);
    this.axes = axes.clone();
  }

  @Override
  public Patch apply(Patch patch, SplittableRandom random) {
    boolean[] flip = new boolean[3];
    for (int a : axes) flip[a] = random.nextDouble() < 0.5;
    return flip(patch, flip);
  }

  /** {@code patch} flipped along the axes marked in {@code flip} (a new patch; the input is left as it was). */
  public static Patch flip(Patch patch, boolean[] flip) {
    if (!flip[0] && !flip[1] && !flip[2]) return patch;
    int[] s = patch.shape();
    float[][] data = new float[patch.channels()][patch.voxels()];
    short[] labels = new short[patch.voxels()];
    for (int i = 0; i < s[0]; i++) {
      int si = flip[0] ? s[0] - 1 - i : i;
      for (int j = 0; j < s[1]; j++) {
        int sj = flip[1] ? s[1] - 1 - j : j;
        int dstRow = (i * s[1] + j) * s[2];
        int srcRow = (si * s[1] + sj) * s[2];
        for (int k = 0; k < s[2]; k++) {
          int src = srcRow + (flip[2] ? s[2] - 1 - k : k);
          for (int c = 0; c < data.length; c++) data[c][dstRow + k] = patch.data()[c][src];
          labels[dstRow + k] = patch.labels()[src];
        }
      }
    }
    return new Patch(data, labels, s);
  }

  @Override
  public String toString() {
    return "Mirror(axes " + java.util.Arrays.toString(axes) + ", p 0.5 each)";
  }
}
