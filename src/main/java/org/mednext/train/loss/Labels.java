package org.mednext.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.mednext.engine.HostReads;
import org.mednext.util.Checks;

/** Label-map checks and encodings shared by the losses and the pseudo-Dice counts. */
final class Labels {

  private Labels() {}

  /** The reduction axes of one sample and channel: 2 .. rank-1. */
  static int[] spatialAxes(NDArray logits) {
    int[] axes = new int[logits.getShape().dimension() - 2];
    for (int i = 0; i < axes.length; i++) axes[i] = i + 2;
    return axes;
  }

  /** Axes 0 and 2 .. rank-1 (everything but the channel). */
  static int[] allButChannel(NDArray logits) {
    int[] axes = new int[logits.getShape().dimension() - 1];
    axes[0] = 0;
    for (int i = 1; i < axes.length; i++) axes[i] = i + 1;
    return axes;
  }

  /**
   * {@code labels} as int64 (B, 1, ...), after checking it against {@code logits} (B, K, ...). Float labels are
   * truncated like torch's {@code .long()}.
   */
  static NDArray asInt64(NDArray logits, NDArray labels) {
    Checks.notNull(logits, "logits");
    Checks.notNull(labels, "labels");
    Shape x = logits.getShape();
    Shape y = labels.getShape();
    Checks.argument(x.dimension() >= 3, "logits must be (B, K, D, H, W) or (B, K, H, W), got %s", x);
    Checks.argument(logits.getDataType().isFloating(), "logits must be floating point, got %s",
        logits.getDataType());
    boolean fits = y.dimension() == x.dimension() && y.get(0) == x.get(0) && y.get(1) == 1;
    for (int d = 2; fits && d < x.dimension(); d++) fits = y.get(d) == x.get(d);
    Checks.argument(fits, "labels %s do not fit logits %s: expected labels (B, 1, spatial...) with the logits' batch "
        + "and spatial sizes", y, x);
    DataType t = labels.getDataType();
    Checks.argument(t.isInteger() || t.isFloating(), "labels must be integer or float, got %s", t);
    return labels.toType(DataType.INT64, false);
  }

  /** Fails unless every label is in [0, classes); labels must already be int64. */
  static void checkRange(NDArray labels, int classes, String what) {
    if (labels.size() == 0) return;
    try (NDArray min = labels.min(); NDArray max = labels.max()) {
      long lo = HostReads.longValue(min);
      long hi = HostReads.longValue(max);
      Checks.argument(lo >= 0 && hi < classes, "%s must be in [0, %d), found values from %d to %d", what, classes,
          lo, hi);
    }
  }

  /** int64 {@code from, ..., to - 1} shaped (1, n, 1, ...) to broadcast against (B, 1, spatial...) labels. */
  static NDArray classes(NDArray labels, int from, int to) {
    long[] shape = new long[labels.getShape().dimension()];
    Arrays.fill(shape, 1);
    shape[1] = to - from;
    try (NDArray range = labels.getManager().arange((float) from, (float) to, 1f, DataType.INT64, labels.getDevice())) {
      return range.reshape(new Shape(shape));
    }
  }

  /**
   * nnU-Net's region encoding (ConvertSegmentationToRegionsTransform): bool (B, R, ...) whose channel r is true
   * where the label is one of {@code regions[r]}.
   */
  static NDArray regionTargets(NDArray labels, int[][] regions) {
    NDList channels = new NDList(regions.length);
    try {
      for (int[] region : regions) {
        NDArray inRegion = null;
        for (int l : region) {
          NDArray eq = labels.eq(l);
          if (inRegion == null) {
            inRegion = eq;
          } else {
            NDArray or = inRegion.logicalOr(eq);
            inRegion.close();
            eq.close();
            inRegion = or;
          }
        }
        channels.add(inRegion);
      }
      return NDArrays.concat(channels, 1);
    } finally {
      channels.close();
    }
  }

  /** Checks a region table: non-empty regions of labels > 0. */
  static int[][] checkRegions(int[][] regions) {
    Checks.notNull(regions, "regions");
    Checks.argument(regions.length > 0, "no regions");
    int[][] copy = new int[regions.length][];
    for (int r = 0; r < regions.length; r++) {
      Checks.argument(regions[r] != null && regions[r].length > 0, "region %d is empty", r);
      for (int l : regions[r]) Checks.argument(l > 0, "region %d lists label %d; region labels must be > 0", r, l);
      copy[r] = regions[r].clone();
    }
    return copy;
  }
}
