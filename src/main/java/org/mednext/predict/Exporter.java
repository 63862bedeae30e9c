package org.mednext.predict;

import java.util.List;
import java.util.stream.IntStream;
import org.mednext.model.Labels;
import org.mednext.preprocess.Cropping;
import org.mednext.preprocess.PreprocessedCase;
import org.mednext.preprocess.Resampling;
import org.mednext.preprocess.ResamplingOptions;
import org.mednext.preprocess.Transposition;
import org.mednext.util.Half;
import org.mednext.util.Parallel;

/**
 * From aggregated fp16 logits in preprocessed space back to the original image grid, as nnU-Net's
 * {@code export_prediction_from_logits}: each class's logits resampled (linear, separate-z rule, computed in
 * double, stored fp16) to the cropped grid; argmax (first maximum wins) or, for region models, sigmoid &gt; 0.5
 * painted in {@code regions_class_order}; pasted into the uncropped grid; transposed back.
 *
 * <p>Without probabilities only one resampled class is held at a time, with a running maximum and argmax: memory
 * O(voxels), not O(classes x voxels) - the many-class export that makes nnU-Net slow and memory-hungry.
 */
final class Exporter {

  private final Labels labels;
  private final ResamplingOptions resampling;
  private final int threads;

  /**
   * @param resampling the plans' {@code resampling_fn_probabilities} settings, or null for no resampling
   */
  Exporter(Labels labels, ResamplingOptions resampling, int threads) {
    this.labels = labels;
    this.resampling = resampling == null ? null : resampling.withPrecision(ResamplingOptions.Precision.FLOAT16);
    this.threads = threads;
  }

  /** The result in nnU-Net's original axis order (z, y, x of the file). */
  record Result(short[] labels, int[] shape, Probabilities probabilities) {}

  /**
   * @param logits per class, on the network's grid; consumed: each class is set to null once resampled, so that
   *     the accumulator's memory goes back as the export's grows
   */
  Result export(short[][] logits, PreprocessedCase c, boolean withProbabilities) {
    int[] cropShape = c.shapeAfterCropping();
    int cropVoxels = voxels(cropShape);
    short[] seg;
    float[][] probs = null;
    if (withProbabilities) {
      // the resampled logits become the probabilities in place: one class-sized array per class, not two
      probs = new float[logits.length][];
      for (int k = 0; k < logits.length; k++) {
        probs[k] = resample(logits[k], c);
        logits[k] = null;
      }
      if (labels.hasRegions()) {
        for (float[] p : probs) sigmoidInPlace(p);
        seg = paintRegions(probs, cropVoxels);
      } else {
        seg = softmaxInPlaceAndArgmax(probs);
      }
    } else if (labels.hasRegions()) {
      seg = new short[cropVoxels];
      List<Integer> order = labels.regionsClassOrder();
      for (int k = 0; k < logits.length; k++) {
        float[] p = resample(logits[k], c); // a fresh array
        logits[k] = null;
        sigmoidInPlace(p);
        short value = (short) (int) order.get(k);
        for (int i = 0; i < cropVoxels; i++) if (p[i] > 0.5f) seg[i] = value;
      }
    } else {
      short[] running = new short[cropVoxels];
      // one pair of buffers for all other classes: a new volume per class would be garbage the JVM collects late
      float[] values = new float[logits[0].length];
      float[] max = resample(logits[0], c, null, null); // a fresh array
      logits[0] = null;
      float[] scratch = resampling == null ? null : new float[cropVoxels];
      for (int k = 1; k < logits.length; k++) {
        float[] l = resample(logits[k], c, values, scratch);
        logits[k] = null;
        short label = (short) k;
        Parallel.forRanges(cropVoxels, threads, (from, to) -> {
          for (int i = from; i < to; i++) {
            // strict: the first maximum wins, as numpy's argmax; selects, not a branch, which would be a coin toss
            boolean greater = l[i] > max[i];
            max[i] = greater ? l[i] : max[i];
            running[i] = greater ? label : running[i];
          }
        });
      }
      seg = running;
    }
    int[] before = c.shapeBeforeCropping();
    int[] back = Transposition.inverse(c.transposeForward());
    short[] full = Cropping.uncrop(seg, c.boundingBox(), before, threads);
    short[] original = Transposition.apply(full, before, back, threads);
    int[] shape = Transposition.shape(before, back);
    Probabilities p = probs == null ? null
        : new Probabilities(probs, c.boundingBox(), before, back, labels.hasRegions(), threads);
    return new Result(original, shape, p);
  }

  private float[] resample(short[] logits, PreprocessedCase c) {
    return resample(logits, c, null, null);
  }

  /**
   * One class's logits on the cropped original grid, fp16 values in a float[]: in {@code values} (the network's
   * grid) when there is nothing to resample, else in {@code out}; null buffers are allocated.
   */
  private float[] resample(short[] logits, PreprocessedCase c, float[] values, float[] out) {
    float[] v = values != null ? values : new float[logits.length];
    Parallel.forRanges(v.length, threads, (from, to) -> {
      for (int i = from; i < to; i++) v[i] = Half.toFloat(logits[i]);
    });
    if (resampling == null) return v;
    return Resampling.resampleInto(v, c.shape(), c.shapeAfterCropping(), c.targetSpacing(), c.spacing(), resampling,
        threads, out != null ? out : new float[voxels(c.shapeAfterCropping())]);
  }

  private static int voxels(int[] shape) {
    return Math.multiplyExact(Math.multiplyExact(shape[0], shape[1]), shape[2]);
  }

  /**
   * Softmax over classes in float32, per voxel (max-subtracted, as torch), written over the logits; returns the
   * argmax of the probabilities as stored (first maximum wins, as numpy's), so that rounding ties are broken as
   * nnU-Net's argmax of its probabilities breaks them.
   */
  private short[] softmaxInPlaceAndArgmax(float[][] v) {
    int k = v.length;
    int n = v[0].length;
    short[] seg = new short[n];
    IntStream.range(0, threads).parallel().forEach(t -> {
      int from = (int) ((long) n * t / threads);
      int to = (int) ((long) n * (t + 1) / threads);
      float[] e = new float[k];
      for (int i = from; i < to; i++) {
        float max = v[0][i];
        for (int j = 1; j < k; j++) max = Math.max(max, v[j][i]);
        float sum = 0;
        for (int j = 0; j < k; j++) {
          e[j] = (float) Math.exp(v[j][i] - max);
          sum += e[j];
        }
        float best = e[0] / sum;
        int arg = 0;
        v[0][i] = best;
        for (int j = 1; j < k; j++) {
          float p = e[j] / sum;
          v[j][i] = p;
          if (p > best) {
            best = p;
            arg = j;
          }
        }
        seg[i] = (short) arg;
      }
    });
    return seg;
  }

  private static void sigmoidInPlace(float[] l) {
    for (int i = 0; i < l.length; i++) l[i] = (float) (1 / (1 + Math.exp(-(double) l[i])));
  }

  private short[] paintRegions(float[][] p, int n) {
    short[] seg = new short[n];
    List<Integer> order = labels.regionsClassOrder();
    for (int k = 0; k < p.length; k++) {
      short value = (short) (int) order.get(k);
      for (int i = 0; i < n; i++) if (p[k][i] > 0.5f) seg[i] = value;
    }
    return seg;
  }
}
