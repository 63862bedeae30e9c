package org.mednext.preprocess;

import java.util.Arrays;
import java.util.OptionalInt;
import org.mednext.util.Checks;
import org.mednext.util.Half;
import org.mednext.util.Parallel;

/**
 * nnU-Net's resampling for one channel at a time: its default {@code resample_data_or_seg_to_shape}
 * (NNUNET_PIPELINE_SPEC.md B.6-B.7, C.7 step 1), or {@code resample_torch_fornnunet} when the options say so
 * ({@link TorchResampling}).
 *
 * <p>A channel is a {@code float[]} in C order with a shape {@code {s0, s1, s2}} in nnU-Net array order
 * (axis 2 varies fastest; after the plans' transpose). Spacings are in the same axis order, in mm. The
 * default function computes in double precision like scipy and rounds once when stored; the torch one in float.
 *
 * <p>Every method takes a thread count; results are bit-identical for any count.
 */
public final class Resampling {

  /**
   * nnU-Net's {@code ANISO_THRESHOLD}, the default {@code separate_z_anisotropy_threshold}: separate z when
   * largest / smallest spacing is strictly greater.
   */
  public static final double ANISO_THRESHOLD = 3.0;

  private Resampling() {}

  /** nnU-Net's {@code compute_new_shape} for one axis, unchecked: {@code round(spacing / newSpacing * length)}. */
  static double resampledLength(int length, double spacing, double newSpacing) {
    return Math.rint(spacing / newSpacing * length);
  }

  /**
   * The shape after resampling, per axis {@code round_half_even(spacing / newSpacing * shape)} (nnU-Net's
   * {@code compute_new_shape}).
   *
   * @throws IllegalArgumentException for bad lengths, non-positive spacings, or an axis that would become empty
   */
  public static int[] targetShape(int[] shape, double[] spacing, double[] newSpacing) {
    Volumes.checkShape(shape, "shape");
    checkSpacing(spacing, "spacing");
    checkSpacing(newSpacing, "new spacing");
    int[] out = new int[3];
    for (int d = 0; d < 3; d++) {
      double v = resampledLength(shape[d], spacing[d], newSpacing[d]);
      Checks.argument(v >= 1 && v <= Integer.MAX_VALUE,
          "resampling axis %d from spacing %s to %s gives %s voxels instead of %d; check the target spacing",
          d, spacing[d], newSpacing[d], v, shape[d]);
      out[d] = (int) v;
    }
    return out;
  }

  /**
   * The axis nnU-Net resamples separately ({@code determine_do_sep_z_and_axis}), or empty for a full 3-D
   * resize. {@code AUTO} tests the current spacing first, then the new one: separate when largest /
   * smallest spacing &gt; {@code anisotropyThreshold} (the plans' {@code separate_z_anisotropy_threshold},
   * default {@value #ANISO_THRESHOLD}), along the axis of the largest spacing of the spacing that
   * triggered; {@code FORCE_ON} uses the current spacing's largest axis. A tie for the largest spacing (two or
   * three axes, e.g. (0.24, 1.25, 1.25)) means no separate axis.
   */
  public static OptionalInt separateAxis(ResamplingOptions.SeparateZ mode, double anisotropyThreshold,
      double[] currentSpacing, double[] newSpacing) {
    Checks.notNull(mode, "mode");
    checkSpacing(currentSpacing, "current spacing");
    checkSpacing(newSpacing, "new spacing");
    double[] reference;
    switch (mode) {
      case FORCE_OFF:
        return OptionalInt.empty();
      case FORCE_ON:
        reference = currentSpacing;
        break;
      default:
        if (anisotropic(currentSpacing, anisotropyThreshold)) reference = currentSpacing;
        else if (anisotropic(newSpacing, anisotropyThreshold)) reference = newSpacing;
        else return OptionalInt.empty();
    }
    double max = Math.max(reference[0], Math.max(reference[1], reference[2]));
    int axis = -1;
    int count = 0;
    for (int d = 0; d < 3; d++) {
      if (max / reference[d] == 1) { // nnU-Net's get_lowres_axis test
        axis = d;
        count++;
      }
    }
    return count == 1 ? OptionalInt.of(axis) : OptionalInt.empty();
  }

  /**
   * Resamples an image channel ({@code is_seg=False}) from {@code shape} to {@code newShape}. (This and the other
   * methods describe the default function; the torch one is described in {@link TorchResampling}.)
   *
   * <p>Without a separate axis: skimage {@code resize} (3-D, {@code options.order()}, clipped to the channel's
   * value range). With separate axis {@code a}: every slice along {@code a} is resized in-plane with
   * {@code order} and clipped to that slice's range, then axis {@code a} is interpolated with
   * {@code orderZ} at {@code x = (k + 0.5) * in / out - 0.5}. Values are rounded to float32 or float16 as
   * {@code options.precision()} says.
   *
   * @return a new array of {@code newShape}; or {@code channel} itself (not a copy) when the shapes are equal,
   *     as nnU-Net returns its input untouched
   */
  public static float[] resample(float[] channel, int[] shape, int[] newShape, double[] currentSpacing,
      double[] newSpacing, ResamplingOptions options, int threads) {
    if (Arrays.equals(shape, newShape)) {
      checkArguments(channel, shape, newShape, currentSpacing, newSpacing, options, threads);
      return channel;
    }
    return resampleInto(channel, shape, newShape, currentSpacing, newSpacing, options, threads,
        new float[Volumes.size(newShape)]);
  }

  /**
   * {@link #resample} into {@code out} (length of {@code newShape}, overwritten; e.g. reused across the classes of
   * an export, so that they do not each leave a volume-sized array for the garbage collector). When the shapes are
   * equal, {@code out} receives a copy of the channel.
   *
   * @return {@code out}
   */
  public static float[] resampleInto(float[] channel, int[] shape, int[] newShape, double[] currentSpacing,
      double[] newSpacing, ResamplingOptions options, int threads, float[] out) {
    OptionalInt axis = checkArguments(channel, shape, newShape, currentSpacing, newSpacing, options, threads);
    checkOutput(out.length, newShape);
    if (Arrays.equals(shape, newShape)) {
      System.arraycopy(channel, 0, out, 0, channel.length);
      return out;
    }
    if (options.function() == ResamplingOptions.Function.TORCH) {
      return TorchResampling.resample(channel, shape, newShape, axis.orElse(-1), options.orderZ(), out, threads);
    }
    ResampleEngine.Target target = options.precision() == ResamplingOptions.Precision.FLOAT16
        ? ResampleEngine.toHalf(out) : ResampleEngine.toFloat(out);
    ResampleEngine.run(channel, shape, newShape, options.order(), axis.orElse(-1), options.orderZ(), target, threads);
    return out;
  }

  /**
   * {@link #resampleInto} for fp16 results ({@code options.precision()} must be FLOAT16), kept as their bits: half the
   * memory of floats for the same values (the many-class logits of an export with probabilities). When the shapes
   * are equal, {@code out} receives the channel's values, which must be fp16 values already.
   *
   * @return {@code out}
   */
  public static short[] resampleIntoHalf(float[] channel, int[] shape, int[] newShape, double[] currentSpacing,
      double[] newSpacing, ResamplingOptions options, int threads, short[] out) {
    OptionalInt axis = checkArguments(channel, shape, newShape, currentSpacing, newSpacing, options, threads);
    Checks.argument(options.precision() == ResamplingOptions.Precision.FLOAT16, "fp16 output needs FLOAT16 precision");
    checkOutput(out.length, newShape);
    if (Arrays.equals(shape, newShape)) {
      Parallel.forRanges(channel.length, threads, (from, to) -> {
        for (int i = from; i < to; i++) out[i] = Half.fromFloat(channel[i]);
      });
      return out;
    }
    ResampleEngine.run(channel, shape, newShape, options.order(), axis.orElse(-1), options.orderZ(),
        ResampleEngine.toHalfBits(out), threads);
    return out;
  }

  private static void checkOutput(int length, int[] newShape) {
    Checks.argument(length == Volumes.size(newShape), "output has %d values, shape %s needs %d", length,
        Arrays.toString(newShape), Volumes.size(newShape));
  }

  /** Checks what {@link #resample} gets; returns the separate axis, if any. */
  private static OptionalInt checkArguments(float[] channel, int[] shape, int[] newShape, double[] currentSpacing,
      double[] newSpacing, ResamplingOptions options, int threads) {
    checkChannel(channel, shape, newShape);
    Checks.notNull(options, "options");
    Parallel.checkThreads(threads);
    return separateAxis(options.separateZ(), options.anisotropyThreshold(), currentSpacing, newSpacing);
  }

  /**
   * skimage's {@code resize(channel, newShape, order, mode='edge', anti_aliasing=False)} of a 3-D channel,
   * stored as float32: scipy {@code zoom} in grid mode with edge extension, clipped to the input's range.
   */
  public static float[] resize(float[] channel, int[] shape, int[] newShape, int order, int threads) {
    checkChannel(channel, shape, newShape);
    Parallel.checkThreads(threads);
    float[] out = new float[Volumes.size(newShape)];
    ResampleEngine.run(channel, shape, newShape, checkOrder(order), -1, 0, ResampleEngine.toFloat(out), threads);
    return out;
  }

  /**
   * Resamples a label map ({@code is_seg=True}; training and cascades). Order 0 resamples the label values
   * themselves with nearest neighbour. Otherwise ({@code resize_segmentation}) each label, in ascending
   * order, is resized as a 0/1 mask and set where the result is &gt;= 0.5, later labels overwriting earlier
   * ones; along a separate axis with {@code orderZ} above 0 the same is done per label with that spline order
   * and a result that rounds to 1 or more (&gt; 0.5). {@code options.precision()} is ignored.
   *
   * @return a new array of {@code newShape}; or {@code labels} itself when the shapes are equal
   */
  public static short[] resampleLabels(short[] labels, int[] shape, int[] newShape, double[] currentSpacing,
      double[] newSpacing, ResamplingOptions options, int threads) {
    Checks.notNull(labels, "labels");
    Volumes.checkShape(shape, "shape");
    Volumes.checkShape(newShape, "new shape");
    Volumes.checkLength(labels.length, shape, "label map");
    Checks.notNull(options, "options");
    Parallel.checkThreads(threads);
    OptionalInt axis = separateAxis(options.separateZ(), options.anisotropyThreshold(), currentSpacing, newSpacing);
    if (Arrays.equals(shape, newShape)) return labels;
    if (options.function() == ResamplingOptions.Function.TORCH) {
      return TorchResampling.labels(labels, shape, newShape, axis.orElse(-1), options.orderZ(),
          options.memoryEfficientLabels(), threads);
    }
    return LabelResampling.resample(labels, shape, newShape, options.order(), axis.orElse(-1), options.orderZ(),
        threads);
  }

  /** {@link #resample} before the final rounding (float64), for tests against scipy. */
  static double[] resampleToDouble(float[] channel, int[] shape, int[] newShape, double[] currentSpacing,
      double[] newSpacing, ResamplingOptions options, int threads) {
    checkChannel(channel, shape, newShape);
    OptionalInt axis = separateAxis(options.separateZ(), options.anisotropyThreshold(), currentSpacing, newSpacing);
    double[] out = new double[Volumes.size(newShape)];
    if (Arrays.equals(shape, newShape)) {
      for (int i = 0; i < out.length; i++) out[i] = channel[i];
      return out;
    }
    ResampleEngine.run(channel, shape, newShape, options.order(), axis.orElse(-1), options.orderZ(),
        ResampleEngine.toDouble(out), threads);
    return out;
  }

  /** {@link #resize} before the final rounding (float64), for tests against scipy. */
  static double[] resizeToDouble(float[] channel, int[] shape, int[] newShape, int order, int threads) {
    checkChannel(channel, shape, newShape);
    double[] out = new double[Volumes.size(newShape)];
    ResampleEngine.run(channel, shape, newShape, checkOrder(order), -1, 0, ResampleEngine.toDouble(out), threads);
    return out;
  }

  private static int checkOrder(int order) {
    Checks.argument(order >= 0 && order <= AxisKernel.MAX_ORDER, "resize order must be 0 to %d, got %d",
        AxisKernel.MAX_ORDER, order);
    return order;
  }

  private static boolean anisotropic(double[] spacing, double threshold) {
    double max = Math.max(spacing[0], Math.max(spacing[1], spacing[2]));
    double min = Math.min(spacing[0], Math.min(spacing[1], spacing[2]));
    return max / min > threshold;
  }

  private static void checkChannel(float[] channel, int[] shape, int[] newShape) {
    Checks.notNull(channel, "channel");
    Volumes.checkShape(shape, "shape");
    Volumes.checkShape(newShape, "new shape");
    Volumes.checkLength(channel.length, shape, "channel");
  }

  static void checkSpacing(double[] spacing, String name) {
    Checks.notNull(spacing, name);
    Checks.argument(spacing.length == 3, "%s must have 3 values (nnU-Net array order), got %d", name, spacing.length);
    for (double s : spacing) {
      Checks.argument(s > 0 && s < Double.POSITIVE_INFINITY, "%s must be positive and finite, got %s",
          name, Arrays.toString(spacing));
    }
  }
}
