package org.mednext.predict;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.mednext.preprocess.BoundingBox;
import org.mednext.preprocess.Cropping;
import org.mednext.preprocess.Transposition;
import org.mednext.util.Checks;

/**
 * Class probabilities of a prediction on the input's grid (nnU-Net's npz layout: classes first, then the input's
 * (z, y, x)). Held as the export made them, inside the crop box and in the network's axis order; each class's map
 * on the input grid is made on request. So the full-size maps of all classes, the largest arrays of a many-class
 * prediction, are never held at once: a writer takes them one after the other.
 */
public final class Probabilities {

  private final float[][] cropped;
  private final BoundingBox box;
  private final int[] shapeBeforeCropping;
  private final int[] backward;
  private final int[] shape;
  private final boolean regions;
  private final int threads;

  /**
   * @param cropped per class, on the cropped grid in the network's axis order (kept, not copied)
   * @param regions region (sigmoid) model: nothing outside the crop box; else background is certain there
   */
  Probabilities(float[][] cropped, BoundingBox box, int[] shapeBeforeCropping, int[] backward, boolean regions,
      int threads) {
    this.cropped = cropped;
    this.box = box;
    this.shapeBeforeCropping = shapeBeforeCropping.clone();
    this.backward = backward.clone();
    this.shape = Transposition.shape(shapeBeforeCropping, backward);
    this.regions = regions;
    this.threads = threads;
  }

  /** Number of classes (segmentation heads). */
  public int classes() {
    return cropped.length;
  }

  /** (z, y, x) of the input. */
  public int[] shape() {
    return shape.clone();
  }

  /** Class {@code k}'s probabilities on the input grid, (z, y, x) C order: a new array on every call. */
  public float[] get(int k) {
    Checks.argument(k >= 0 && k < cropped.length, "class %d of %d", k, cropped.length);
    float[] full = Cropping.uncrop(cropped[k], box, shapeBeforeCropping, fill(k), threads);
    return Transposition.apply(full, shapeBeforeCropping, backward, threads);
  }

  /**
   * The classes' maps in order, for one reader that takes each before asking for the next (a writer): each is made
   * when the iteration reaches it, into two buffers shared by all classes (or it is the held map itself, when
   * there is nothing to paste or transpose), so it is valid only until the next one is asked for and must not be
   * changed. A many-class map leaves no class-sized garbage behind this way, which a collector may not return
   * before the next class.
   */
  public Iterable<float[]> maps() {
    boolean whole = Arrays.equals(box.shape(), shapeBeforeCropping);
    boolean ordered = Transposition.isIdentity(backward);
    return () -> new Iterator<>() {
      private int next;
      private float[] pasted;
      private float[] transposed;

      @Override
      public boolean hasNext() {
        return next < cropped.length;
      }

      @Override
      public float[] next() {
        if (!hasNext()) throw new NoSuchElementException();
        int k = next++;
        float[] map = cropped[k];
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

  /** Outside the crop box: background certain for softmax models, nothing for region models. */
  private float fill(int k) {
    return k == 0 && !regions ? 1f : 0f;
  }
}
