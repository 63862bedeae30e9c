package org.mednext.preprocess;

import java.util.Arrays;
import org.mednext.util.Checks;

/**
 * A half-open 3-D box {@code [start, end)} per axis, in nnU-Net array order (nnU-Net's
 * {@code bbox_used_for_cropping}). Immutable.
 */
public final class BoundingBox {

  private final int[] start;
  private final int[] end;

  private BoundingBox(int[] start, int[] end) {
    this.start = start;
    this.end = end;
  }

  /**
   * The box {@code [start[d], end[d])} per axis.
   *
   * @throws IllegalArgumentException unless {@code 0 <= start < end} on all three axes
   */
  public static BoundingBox of(int[] start, int[] end) {
    Checks.notNull(start, "start");
    Checks.notNull(end, "end");
    Checks.argument(start.length == 3 && end.length == 3, "a bounding box needs 3 starts and 3 ends, got %d and %d",
        start.length, end.length);
    for (int d = 0; d < 3; d++) {
      Checks.argument(start[d] >= 0 && start[d] < end[d], "bounding box axis %d is [%d, %d): need 0 <= start < end",
          d, start[d], end[d]);
    }
    return new BoundingBox(start.clone(), end.clone());
  }

  /** The whole of a volume of {@code shape}. */
  public static BoundingBox full(int[] shape) {
    Volumes.checkShape(shape, "shape");
    return new BoundingBox(new int[3], shape.clone());
  }

  /** First index inside the box along axis {@code d}. */
  public int start(int d) {
    return start[d];
  }

  /** First index after the box along axis {@code d}. */
  public int end(int d) {
    return end[d];
  }

  /** The box's shape, {@code end - start} per axis. */
  public int[] shape() {
    return new int[] {end[0] - start[0], end[1] - start[1], end[2] - start[2]};
  }

  /** True when the box covers all of a volume of {@code shape}. */
  public boolean isFull(int[] shape) {
    return start[0] == 0 && start[1] == 0 && start[2] == 0 && Arrays.equals(end, shape);
  }

  /** True when the box lies within a volume of {@code shape}. */
  public boolean fitsIn(int[] shape) {
    return end[0] <= shape[0] && end[1] <= shape[1] && end[2] <= shape[2];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BoundingBox && Arrays.equals(start, ((BoundingBox) o).start)
        && Arrays.equals(end, ((BoundingBox) o).end);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(start) + Arrays.hashCode(end);
  }

  /** nnU-Net's notation, e.g. {@code [[0, 177], [2, 217], [0, 181]]}. */
  @Override
  public String toString() {
    return String.format("[[%d, %d], [%d, %d], [%d, %d]]", start[0], end[0], start[1], end[1], start[2], end[2]);
  }
}
