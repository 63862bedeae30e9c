package org.mednext.predict;

import java.util.Arrays;
import java.util.function.IntPredicate;
import org.mednext.model.Labels;
import org.mednext.preprocess.Cropping;
import org.mednext.preprocess.PreprocessedCase;
import org.mednext.preprocess.Resampling;
import org.mednext.preprocess.ResamplingOptions;
import org.mednext.preprocess.Transposition;
import org.mednext.util.Checks;
import org.mednext.util.Half;
import org.mednext.util.Parallel;

/**
 * From aggregated fp16 logits in preprocessed space back to the original image grid, as nnU-Net's
 * {@code export_prediction_from_logits}: each class's logits resampled to the cropped grid (the default resampler:
 * linear, separate-z rule, computed in double, stored fp16; the torch one: float32); argmax (first maximum wins)
 * or, for region models, sigmoid &gt; 0.5 painted in {@code regions_class_order}; pasted into the uncropped grid;
 * transposed back.
 *
 * <p>Without probabilities only one resampled class is held at a time, with a running maximum and argmax: memory
 * O(voxels), not O(classes x voxels) - the many-class export that makes nnU-Net slow and memory-hungry. With them,
 * a large export keeps every class's resampled logits as fp16 (2 bytes a voxel and class, as nnU-Net has them before
 * its softmax) and makes each class's probabilities only when they are written, where nnU-Net holds the float32
 * probabilities of all classes; a small one, and any whose resampled logits are float32 (torch resampling), holds
 * the float maps (see {@link Softmax}: the same values).
 */
final class Exporter {

  private final Labels labels;
  private final ResamplingOptions resampling;
  private final int threads;
  private final long fp16From;
  /** Whether the resampled logits are fp16 values (and may be kept as fp16 bits) as in nnU-Net. */
  private final boolean halfLogits;

  /**
   * @param resampling the plans' {@code resampling_fn_probabilities} settings, or null for no resampling
   */
  Exporter(Labels labels, ResamplingOptions resampling, int threads) {
    this(labels, resampling, threads, Softmax.BLOCKED_FROM);
  }

  /** @param fp16From values (voxels x classes) from which probabilities are kept as fp16 logits */
  Exporter(Labels labels, ResamplingOptions resampling, int threads, long fp16From) {
    this.labels = labels;
    // the default resampler returns the fp16 logits' dtype; torch's interpolate returns float32
    this.halfLogits = resampling == null || resampling.function() == ResamplingOptions.Function.SPLINE;
    this.resampling = resampling == null || !halfLogits ? resampling
        : resampling.withPrecision(ResamplingOptions.Precision.FLOAT16);
    this.threads = threads;
    this.fp16From = fp16From;
  }

  /** The result in nnU-Net's original axis order (z, y, x of the file). */
  record Result(short[] labels, int[] shape, Probabilities probabilities) {}

  /**
   * @param logits per class, on the network's grid; consumed: each class is set to null once it is no longer
   *     needed, so that the accumulator's memory goes back as the export's grows
   */
  Result export(short[][] logits, PreprocessedCase c, boolean withProbabilities) {
    int cropVoxels = voxels(c.shapeAfterCropping());
    int[] before = c.shapeBeforeCropping();
    int[] back = Transposition.inverse(c.transposeForward());
    short[] seg;
    Probabilities probabilities = null;
    if (withProbabilities && !labels.hasRegions() && (!halfLogits || (long) logits.length * cropVoxels < fp16From)) {
      // small, or float32 logits: the resampled logits become the probabilities in place
      float[][] maps = new float[logits.length][];
      float[] values = resampling == null ? null : new float[logits[0].length];
      for (int k = 0; k < logits.length; k++) {
        maps[k] = resample(logits[k], c, values, null); // a new array: values is only the network-grid buffer
        logits[k] = null;
      }
      seg = Softmax.inPlace(maps, threads);
      probabilities = Probabilities.softmax(maps, c.boundingBox(), before, back, threads);
    } else if (withProbabilities && !halfLogits) {
      // regions from float32 logits: each class's sigmoid in place
      float[][] maps = new float[logits.length][];
      float[] values = new float[logits[0].length];
      seg = new short[cropVoxels];
      for (int k = 0; k < logits.length; k++) {
        float[] p = resample(logits[k], c, values, null); // a new array
        logits[k] = null;
        Parallel.forRanges(p.length, threads, (from, to) -> {
          for (int i = from; i < to; i++) p[i] = sigmoid(p[i]);
        });
        paintRegion(k, i -> p[i] > 0.5f, seg);
        maps[k] = p;
      }
      probabilities = Probabilities.sigmoid(maps, c.boundingBox(), before, back, threads);
    } else if (withProbabilities) {
      // kept as fp16 logits on the cropped grid (the precision nnU-Net resamples them to); the probabilities are
      // made from them class by class as they are written
      short[][] cropped = new short[logits.length][];
      float[] values = resampling == null ? null : new float[logits[0].length];
      for (int k = 0; k < logits.length; k++) {
        cropped[k] = resampling == null ? logits[k]
            : Resampling.resampleIntoHalf(decode(logits[k], values), c.shape(), c.shapeAfterCropping(),
                c.targetSpacing(), c.spacing(), resampling, threads, new short[cropVoxels]);
        logits[k] = null;
      }
      if (labels.hasRegions()) {
        probabilities = Probabilities.sigmoid(cropped, c.boundingBox(), before, back, threads);
        seg = new short[cropVoxels];
        for (int k = 0; k < cropped.length; k++) {
          short[] l = cropped[k];
          paintRegion(k, i -> sigmoidOfHalf(l[i]) > 0.5f, seg);
        }
      } else {
        float[] max = new float[cropVoxels];
        float[] sum = new float[cropVoxels];
        seg = Softmax.argmax(cropped, max, sum, threads);
        probabilities = Probabilities.softmax(cropped, max, sum, c.boundingBox(), before, back, threads);
      }
    } else if (labels.hasRegions()) {
      seg = new short[cropVoxels];
      float[] values = new float[logits[0].length];
      float[] scratch = resampling == null ? null : new float[cropVoxels];
      for (int k = 0; k < logits.length; k++) {
        float[] p = resample(logits[k], c, values, scratch);
        logits[k] = null;
        paintRegion(k, i -> sigmoid(p[i]) > 0.5f, seg);
      }
    } else {
      seg = labelsFromLogits(logits, c, cropVoxels);
    }
    short[] full = Cropping.uncrop(seg, c.boundingBox(), before, threads);
    short[] original = Transposition.apply(full, before, back, threads);
    return new Result(original, Transposition.shape(before, back), probabilities);
  }

  /**
   * Without probabilities: the argmax of the softmax, as nnU-Net takes it, from one resampled class at a time. The
   * logits' running maximum picks the same class as the probabilities except where an earlier class's logit is
   * within {@link #NEAR_TIE} of the winner's: there the two probabilities can round to one float32, and the first
   * class wins. Such voxels (logits that close are tiny, one fp16 step apart) are marked, and if any are, every
   * class is resampled once more and their softmax computed as {@link Softmax} does.
   */
  private short[] labelsFromLogits(short[][] logits, PreprocessedCase c, int cropVoxels) {
    // a label's sign bit marks a near tie (a network with 2^15 classes would need terabytes of logits anyway)
    Checks.argument(logits.length <= Short.MAX_VALUE, "%d classes: at most %d are supported", logits.length,
        Short.MAX_VALUE);
    short[] running = new short[cropVoxels];
    // one pair of buffers for all other classes: a new volume per class would be garbage the JVM collects late
    float[] values = new float[logits[0].length];
    float[] max = resample(logits[0], c, null, null); // a fresh array
    float[] scratch = resampling == null ? null : new float[cropVoxels];
    for (int k = 1; k < logits.length; k++) {
      float[] l = resample(logits[k], c, values, scratch);
      short label = (short) k;
      short nearLabel = (short) (k | NEAR_MARK);
      Parallel.forRanges(cropVoxels, threads, (from, to) -> {
        for (int i = from; i < to; i++) {
          // strict: the first maximum wins, as numpy's argmax; selects, not a branch, which would be a coin toss
          float gap = l[i] - max[i];
          boolean greater = gap > 0;
          max[i] = greater ? l[i] : max[i];
          running[i] = greater ? (gap <= NEAR_TIE ? nearLabel : label) : running[i];
        }
      });
    }
    int ties = 0;
    for (short v : running) if (v < 0) ties++;
    if (ties > 0) {
      // the softmax at the marked voxels, as Softmax takes it, from every class's value there: one more pass over
      // the classes for up to TIE_VALUES values (a large volume has a few such voxels, so one pass, not one per class)
      int[] at = new int[ties];
      for (int i = 0, t = 0; i < cropVoxels; i++) if (running[i] < 0) at[t++] = i;
      int k = logits.length;
      int chunk = Math.max(1, TIE_VALUES / k);
      float[] x = new float[k];
      float[] p = new float[k];
      for (int first = 0; first < ties; first += chunk) {
        int m = Math.min(chunk, ties - first);
        float[] v = new float[m * k];
        for (int j = 0; j < k; j++) {
          float[] l = resample(logits[j], c, values, scratch);
          for (int t = 0; t < m; t++) v[t * k + j] = l[at[first + t]];
        }
        for (int t = 0; t < m; t++) {
          System.arraycopy(v, t * k, x, 0, k);
          running[at[first + t]] = (short) Softmax.softmax(x, p);
        }
      }
    }
    Arrays.fill(logits, null);
    return running;
  }

  private static final int NEAR_MARK = 0x8000;
  /** Logits of near-tie voxels held at once (64 MB): more take another pass over the classes. */
  private static final int TIE_VALUES = 1 << 24;

  /**
   * Logit gap below which two classes' float32 probabilities may be equal: a larger gap makes them differ by 7 or
   * more units in the last place (the exponential's error is 1 unit), so rounding cannot merge them.
   */
  static final float NEAR_TIE = 0x1p-20f;

  /**
   * One class's logits on the cropped original grid, fp16 values in a float[]: in {@code values} (the network's
   * grid) when there is nothing to resample, else in {@code out}; null buffers are allocated.
   */
  private float[] resample(short[] logits, PreprocessedCase c, float[] values, float[] out) {
    float[] v = decode(logits, values);
    if (resampling == null) return v;
    return Resampling.resampleInto(v, c.shape(), c.shapeAfterCropping(), c.targetSpacing(), c.spacing(), resampling,
        threads, out != null ? out : new float[voxels(c.shapeAfterCropping())]);
  }

  /** fp16 logits as floats, into {@code values} (allocated when null). */
  private float[] decode(short[] logits, float[] values) {
    float[] v = values != null ? values : new float[logits.length];
    Parallel.forRanges(v.length, threads, (from, to) -> {
      for (int i = from; i < to; i++) v[i] = Half.toFloat(logits[i]);
    });
    return v;
  }

  private static int voxels(int[] shape) {
    return Math.multiplyExact(Math.multiplyExact(shape[0], shape[1]), shape[2]);
  }

  /** nnU-Net's region nonlinearity, in double and rounded to float. */
  static float sigmoid(float logit) {
    return (float) (1 / (1 + Math.exp(-(double) logit)));
  }

  /**
   * {@link #sigmoid} of an fp16 logit, looked up by its bits: the same float, without an exp in double per voxel and
   * class (resampled region logits are fp16, as in nnU-Net).
   */
  static float sigmoidOfHalf(short bits) {
    return HalfSigmoid.TABLE[bits & 0xFFFF];
  }

  /** Built on first use: 65536 floats, for region models only. */
  private static final class HalfSigmoid {
    static final float[] TABLE = new float[1 << 16];

    static {
      for (int b = 0; b < TABLE.length; b++) TABLE[b] = sigmoid(Half.toFloat((short) b));
    }
  }

  /** Region {@code k}'s label where its probability exceeds 0.5; later regions of regions_class_order win. */
  private void paintRegion(int k, IntPredicate above, short[] seg) {
    short value = (short) (int) labels.regionsClassOrder().get(k);
    for (int i = 0; i < seg.length; i++) if (above.test(i)) seg[i] = value;
  }
}
