package org.mednext.predict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mednext.util.Checks;

/**
 * Sliding-window tile positions exactly as nnU-Net's {@code compute_steps_for_sliding_window}: per axis,
 * {@code n = ceil((S - P) / (P * step)) + 1} tiles whose starts are {@code round_half_even(i * (S - P) / (n - 1))};
 * tiles are visited with axis 0 outermost and axis 2 innermost. Sizes are in the preprocessed (nnU-Net) axis
 * order, after padding to at least the patch size.
 */
public final class TileGrid {

  private final int[][] starts;

  private TileGrid(int[][] starts) {
    this.starts = starts;
  }

  /**
   * The grid for an image of {@code size} voxels per axis and tiles of {@code patch} voxels.
   *
   * @throws IllegalArgumentException if an axis is smaller than the patch (pad first) or the step is outside (0, 1]
   */
  public static TileGrid of(int[] size, int[] patch, double stepSize) {
    Checks.argument(size.length == patch.length, "size %s and patch %s differ in dimensions", Arrays.toString(size), Arrays.toString(patch));
    int[][] s = new int[size.length][];
    for (int d = 0; d < size.length; d++) s[d] = steps(size[d], patch[d], stepSize);
    return new TileGrid(s);
  }

  /** Tile starts along one axis. */
  public static int[] steps(int size, int patch, double stepSize) {
    Checks.argument(stepSize > 0 && stepSize <= 1, "step size must be in (0, 1], got %s", stepSize);
    Checks.argument(patch > 0 && size >= patch, "image size %d must be >= patch size %d (pad first)", size, patch);
    double targetStep = patch * stepSize;
    int n = (int) Math.ceil((size - patch) / targetStep) + 1;
    int[] out = new int[n];
    if (n == 1) return out;
    double actualStep = (double) (size - patch) / (n - 1);
    for (int i = 0; i < n; i++) out[i] = (int) Math.rint(actualStep * i); // NB: numpy rounds half to even
    return out;
  }

  /** Starts along axis {@code d}. */
  public int[] steps(int d) {
    return starts[d].clone();
  }

  /** Number of tiles. */
  public int size() {
    int n = 1;
    for (int[] s : starts) n *= s.length;
    return n;
  }

  /** Every tile start in processing order (axis 0 outer, last axis inner). */
  public List<int[]> tiles() {
    List<int[]> out = new ArrayList<>();
    int dims = starts.length;
    int[] idx = new int[dims];
    for (int t = 0; t < size(); t++) {
      int[] start = new int[dims];
      for (int d = 0; d < dims; d++) start[d] = starts[d][idx[d]];
      out.add(start);
      for (int d = dims - 1; d >= 0; d--) {
        if (++idx[d] < starts[d].length) break;
        idx[d] = 0;
      }
    }
    return out;
  }
}
