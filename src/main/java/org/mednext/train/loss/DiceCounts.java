package org.mednext.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Activation;
import java.util.Arrays;
import org.mednext.engine.HostReads;
import org.mednext.util.Checks;

/**
 * Hard true-positive, false-positive and false-negative voxel counts per foreground class (or region), summed over
 * batch and space, as nnU-Net's {@code validation_step} collects them for the online pseudo Dice. Immutable.
 */
public final class DiceCounts {

  private final long[] tp;
  private final long[] fp;
  private final long[] fn;

  /** Counts per class; the three arrays have equal length and are copied. */
  public DiceCounts(long[] tp, long[] fp, long[] fn) {
    Checks.argument(tp.length == fp.length && fp.length == fn.length, "tp, fp, fn lengths differ: %d, %d, %d",
        tp.length, fp.length, fn.length);
    this.tp = tp.clone();
    this.fp = fp.clone();
    this.fn = fn.clone();
  }

  /** Softmax model: prediction = argmax over channels; classes 1 .. K-1 (background dropped). */
  public static DiceCounts ofSoftmax(NDArray logits, NDArray labels) {
    return softmax(logits, labels, null);
  }

  /** Softmax model with an ignore label: ignored voxels count nowhere. */
  public static DiceCounts ofSoftmax(NDArray logits, NDArray labels, int ignoreLabel) {
    return softmax(logits, labels, ignoreLabel);
  }

  /** Region model: prediction = sigmoid(logits) > 0.5 per channel; all R channels counted. */
  public static DiceCounts ofRegions(NDArray logits, NDArray labels, int[][] regions) {
    return regions(logits, labels, regions, null);
  }

  /** Region model with an ignore label. */
  public static DiceCounts ofRegions(NDArray logits, NDArray labels, int[][] regions, int ignoreLabel) {
    return regions(logits, labels, regions, ignoreLabel);
  }

  private static DiceCounts softmax(NDArray logits, NDArray labels, Integer ignore) {
    try (NDScope scope = new NDScope()) {
      NDArray y = Labels.asInt64(logits, labels);
      int k = Math.toIntExact(logits.getShape().get(1));
      NDArray mask = ignore == null ? null : y.neq(ignore);
      if (mask != null) y = y.mul(mask);
      Labels.checkRange(y, k, "labels");
      NDArray classes = Labels.classes(y, 1, k);
      NDArray predicted = logits.argMax(1).expandDims(1).eq(classes);
      return count(predicted, y.eq(classes), mask, logits);
    }
  }

  private static DiceCounts regions(NDArray logits, NDArray labels, int[][] regions, Integer ignore) {
    int[][] r = Labels.checkRegions(regions);
    try (NDScope scope = new NDScope()) {
      NDArray y = Labels.asInt64(logits, labels);
      Checks.argument(logits.getShape().get(1) == r.length, "logits have %d channels for %d regions",
          logits.getShape().get(1), r.length);
      NDArray mask = ignore == null ? null : y.neq(ignore);
      NDArray predicted = Activation.sigmoid(logits).gt(0.5f);
      return count(predicted, Labels.regionTargets(y, r), mask, logits);
    }
  }

  private static DiceCounts count(NDArray predicted, NDArray target, NDArray mask, NDArray logits) {
    if (mask != null) {
      predicted = predicted.logicalAnd(mask);
      target = target.logicalAnd(mask);
    }
    int[] axes = Labels.allButChannel(logits);
    long[] tp = HostReads.longs(predicted.logicalAnd(target).sum(axes));
    long[] fp = HostReads.longs(predicted.logicalAnd(target.logicalNot()).sum(axes));
    long[] fn = HostReads.longs(predicted.logicalNot().logicalAnd(target).sum(axes));
    return new DiceCounts(tp, fp, fn);
  }

  /** Number of classes (or regions) counted. */
  public int classes() {
    return tp.length;
  }

  /** True positives per class (a copy). */
  public long[] tp() {
    return tp.clone();
  }

  /** False positives per class (a copy). */
  public long[] fp() {
    return fp.clone();
  }

  /** False negatives per class (a copy). */
  public long[] fn() {
    return fn.clone();
  }

  /** Element-wise sum with counts of the same classes. */
  public DiceCounts plus(DiceCounts other) {
    Checks.argument(other.classes() == classes(), "cannot add counts of %d classes to counts of %d",
        other.classes(), classes());
    long[] a = tp.clone();
    long[] b = fp.clone();
    long[] c = fn.clone();
    for (int i = 0; i < a.length; i++) {
      a[i] += other.tp[i];
      b[i] += other.fp[i];
      c[i] += other.fn[i];
    }
    return new DiceCounts(a, b, c);
  }

  /** {@code 2 tp / (2 tp + fp + fn)} per class; NaN where the class is absent from prediction and reference. */
  public double[] dice() {
    double[] d = new double[tp.length];
    for (int i = 0; i < d.length; i++) d[i] = 2.0 * tp[i] / (2.0 * tp[i] + fp[i] + fn[i]);
    return d;
  }

  @Override
  public String toString() {
    return "DiceCounts[tp=" + Arrays.toString(tp) + ", fp=" + Arrays.toString(fp) + ", fn=" + Arrays.toString(fn)
        + "]";
  }
}
