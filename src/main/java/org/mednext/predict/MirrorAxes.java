package org.mednext.predict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test-time mirroring as nnU-Net does it: every non-empty subset of the allowed spatial axes, ordered by size
 * and then lexicographically (itertools.combinations order), e.g. (0), (1), (2), (0,1), (0,2), (1,2), (0,1,2).
 */
final class MirrorAxes {

  private MirrorAxes() {}

  /** The flip combinations of {@code axes} (spatial axes 0..2) in nnU-Net's order. */
  static List<int[]> combinations(int[] axes) {
    int[] sorted = axes.clone();
    Arrays.sort(sorted);
    List<int[]> out = new ArrayList<>();
    for (int size = 1; size <= sorted.length; size++) collect(sorted, size, 0, new int[size], 0, out);
    return out;
  }

  private static void collect(int[] axes, int size, int from, int[] current, int depth, List<int[]> out) {
    if (depth == size) {
      out.add(current.clone());
      return;
    }
    for (int i = from; i < axes.length; i++) {
      current[depth] = axes[i];
      collect(axes, size, i + 1, current, depth + 1, out);
    }
  }
}
