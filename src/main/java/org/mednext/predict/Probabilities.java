package org.mednext.predict;

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
    float fill = k == 0 && !regions ? 1f : 0f;
    float[] full = Cropping.uncrop(cropped[k], box, shapeBeforeCropping, fill, threads);
    return Transposition.apply(full, shapeBeforeCropping, backward, threads);
  }

  /** The classes' maps in order, each made when the iteration reaches it. */
  public Iterable<float[]> maps() {
    return () -> new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < cropped.length;
      }

      @Override
      public float[] next() {
        if (!hasNext()) throw new NoSuchElementException();
        return get(next++);
      }
    };
  }
}
