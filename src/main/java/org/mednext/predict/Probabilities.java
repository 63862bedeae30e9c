package org.mednext.predict;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.mednext.preprocess.BoundingBox;
import org.mednext.preprocess.Cropping;
import org.mednext.preprocess.Transposition;
import org.mednext.util.Checks;
import org.mednext.util.Parallel;

/**
 * Class probabilities of a prediction on the input's grid (nnU-Net's npz layout: classes first, then the input's
 * (z, y, x)). Held as the export left them, inside the crop box and in the network's axis order: every class's map,
 * or for a large export each class's fp16 logits with the softmax's per-voxel maximum and sum ({@link Softmax}), or
 * for region models fp16 logits whose sigmoid is taken on request (or their maps, after torch resampling); each class's map is made, pasted and transposed
 * on request. So neither the full-size maps of all classes nor (for a large export) their float maps, the largest
 * arrays of a many-class prediction, are ever held at once: a writer takes the classes one after the other.
 */
public final class Probabilities {

  private final boolean softmax;
  private final float[][] maps;
  private final short[][] logits;
  private final float[] max;
  private final float[] sum;
  private final BoundingBox box;
  private final int[] shapeBeforeCropping;
  private final int[] backward;
  private final int[] shape;
  private final int threads;

  private Probabilities(float[][] maps, short[][] logits, float[] max, float[] sum, BoundingBox box,
      int[] shapeBeforeCropping, int[] backward, boolean softmax, int threads) {
    this.softmax = softmax;
    this.maps = maps;
    this.logits = logits;
    this.max = max;
    this.sum = sum;
    this.box = box;
    this.shapeBeforeCropping = shapeBeforeCropping.clone();
    this.backward = backward.clone();
    this.shape = Transposition.shape(shapeBeforeCropping, backward);
    this.threads = threads;
  }

  /**
   * Softmax probabilities as maps; background is certain outside the crop box.
   *
   * @param maps per class, on the cropped grid in the network's axis order (kept, not copied)
   */
  static Probabilities softmax(float[][] maps, BoundingBox box, int[] shapeBeforeCropping, int[] backward,
      int threads) {
    return new Probabilities(maps, null, null, null, box, shapeBeforeCropping, backward, true, threads);
  }

  /**
   * Softmax probabilities made from fp16 logits when asked for; background is certain outside the crop box.
   *
   * @param logits per class, fp16 bits on the cropped grid in the network's axis order (kept, not copied)
   * @param max what {@link Softmax#argmax} left for these logits
   * @param sum likewise
   */
  static Probabilities softmax(short[][] logits, float[] max, float[] sum, BoundingBox box, int[] shapeBeforeCropping,
      int[] backward, int threads) {
    return new Probabilities(null, logits, max, sum, box, shapeBeforeCropping, backward, true, threads);
  }

  /** Region (sigmoid) probabilities, each class on its own; nothing outside the crop box. */
  static Probabilities sigmoid(short[][] logits, BoundingBox box, int[] shapeBeforeCropping, int[] backward,
      int threads) {
    return new Probabilities(null, logits, null, null, box, shapeBeforeCropping, backward, false, threads);
  }

  /**
   * Region (sigmoid) probabilities as maps; nothing outside the crop box.
   *
   * @param maps per class, on the cropped grid in the network's axis order (kept, not copied)
   */
  static Probabilities sigmoid(float[][] maps, BoundingBox box, int[] shapeBeforeCropping, int[] backward,
      int threads) {
    return new Probabilities(maps, null, null, null, box, shapeBeforeCropping, backward, false, threads);
  }

  /** Number of classes (segmentation heads). */
  public int classes() {
    return maps != null ? maps.length : logits.length;
  }

  /** (z, y, x) of the input. */
  public int[] shape() {
    return shape.clone();
  }

  /** Class {@code k}'s probabilities on the input grid, (z, y, x) C order: a new array on every call. */
  public float[] get(int k) {
    Checks.argument(k >= 0 && k < classes(), "class %d of %d", k, classes());
    float[] cropped = cropped(k, maps != null ? null : new float[logits[k].length]);
    float[] full = Cropping.uncrop(cropped, box, shapeBeforeCropping, fill(k), threads);
    return Transposition.apply(full, shapeBeforeCropping, backward, threads);
  }

  /**
   * The classes' maps in order, for one reader that takes each before asking for the next (a writer): each is made
   * when the iteration reaches it, into buffers shared by all classes (or it is the held map itself, when there is
   * nothing to make, paste or transpose), so it is valid only until the next one is asked for and must not be
   * changed. A many-class map leaves no class-sized garbage behind this way, which a collector may not return before
   * the next class.
   */
  public Iterable<float[]> maps() {
    boolean whole = Arrays.equals(box.shape(), shapeBeforeCropping);
    boolean ordered = Transposition.isIdentity(backward);
    return () -> new Iterator<>() {
      private int next;
      private float[] cropped;
      private float[] pasted;
      private float[] transposed;

      @Override
      public boolean hasNext() {
        return next < classes();
      }

      @Override
      public float[] next() {
        if (!hasNext()) throw new NoSuchElementException();
        int k = next++;
        if (cropped == null && maps == null) cropped = new float[logits[k].length];
        float[] map = cropped(k, cropped);
        if (!whole) {
          if (pasted == null) pasted = new float[Math.multiplyExact(shape[0], Math.multiplyExact(shape[1], shape[2]))];
          map = Cropping.uncropInto(map, box, shapeBeforeCropping, fill(k), pasted, threads);
        }
        if (!ordered) {
          if (transposed == null) transposed = new float[map.length];
          map = Transposition.applyInto(map, shapeBeforeCropping, backward, transposed, threads);
        }
        return map;
      }
    };
  }

  /**
   * Class {@code k}'s probabilities inside the crop box, in the network's axis order: the held map (not to be
   * changed), else made into {@code out}.
   */
  float[] cropped(int k, float[] out) {
    if (maps != null) return maps[k];
    if (max != null) {
      Softmax.probabilities(logits[k], max, sum, out, threads);
    } else {
      short[] l = logits[k];
      Parallel.forRanges(l.length, threads, (from, to) -> {
        for (int i = from; i < to; i++) out[i] = Exporter.sigmoidOfHalf(l[i]);
      });
    }
    return out;
  }

  /** Outside the crop box: background certain for softmax models, nothing for region models. */
  private float fill(int k) {
    return k == 0 && softmax ? 1f : 0f;
  }
}
