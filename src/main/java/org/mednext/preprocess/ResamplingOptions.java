package org.mednext.preprocess;

import org.mednext.util.Checks;

/**
 * The keyword arguments of nnU-Net's resampling functions (the plans' {@code resampling_fn_*_kwargs}) plus the
 * precision of the stored result.
 *
 * @param order spline order in-plane (and on every axis without separate z): 0 to 5, as scipy; for
 *     {@link Function#TORCH} 1 (torch's {@code linear} mode, the only one implemented)
 * @param orderZ order along the separately resampled axis: 0 (nearest) to 5 (a spline, as nnU-Net's
 *     {@code map_coordinates}); torch: 0 ({@code nearest-exact}) or 1 (linear)
 * @param separateZ the plans' {@code force_separate_z} ({@code null} = {@link SeparateZ#AUTO})
 * @param anisotropyThreshold the plans' {@code separate_z_anisotropy_threshold}: with {@link SeparateZ#AUTO}, a
 *     largest / smallest spacing ratio above it resamples the low-resolution axis separately (default
 *     {@link Resampling#ANISO_THRESHOLD})
 * @param precision how computed values are stored: nnU-Net's output array has the input's dtype, float32 for
 *     images, float16 for the logits it resamples at export; {@link Function#TORCH} computes and returns float32
 *     always, so it must be FLOAT32
 * @param function which of nnU-Net's functions
 * @param memoryEfficientLabels {@link Function#TORCH} only: the plans' {@code memefficient_seg_resampling}
 */
public record ResamplingOptions(int order, int orderZ, SeparateZ separateZ, double anisotropyThreshold,
    Precision precision, Function function, boolean memoryEfficientLabels) {

  /** nnU-Net's resampling function. */
  public enum Function {
    /** {@code resample_data_or_seg_to_shape}: scipy's splines, computed in double. */
    SPLINE,
    /** {@code resample_torch_fornnunet}: torch's {@code F.interpolate} in float ({@link TorchInterpolation}). */
    TORCH
  }

  /** nnU-Net's {@code force_separate_z}. */
  public enum SeparateZ {
    /** {@code None}: decide from the spacings (anisotropy above {@link ResamplingOptions#anisotropyThreshold}). */
    AUTO,
    /** {@code True}: always, along the axis of the largest current spacing (unless that is a tie). */
    FORCE_ON,
    /** {@code False}: never. */
    FORCE_OFF;

    /** The value for a plans entry: {@code null} is {@link #AUTO}. */
    public static SeparateZ fromPlans(Boolean forceSeparateZ) {
      return forceSeparateZ == null ? AUTO : forceSeparateZ ? FORCE_ON : FORCE_OFF;
    }
  }

  /** Storage precision of resampled values. */
  public enum Precision {
    /** Round each float64 result to float32. */
    FLOAT32,
    /** Round each float64 result to float16 (once, nearest-even), kept in a {@code float}. */
    FLOAT16
  }

  /** Plans default for images ({@code resampling_fn_data_kwargs}): cubic, nearest along a separate z. */
  public static final ResamplingOptions DATA =
      new ResamplingOptions(3, 0, SeparateZ.AUTO, Resampling.ANISO_THRESHOLD, Precision.FLOAT32);
  /** Plans default for label maps ({@code resampling_fn_seg_kwargs}): linear per label, nearest along z. */
  public static final ResamplingOptions SEGMENTATION =
      new ResamplingOptions(1, 0, SeparateZ.AUTO, Resampling.ANISO_THRESHOLD, Precision.FLOAT32);
  /**
   * Plans default for logits at export ({@code resampling_fn_probabilities_kwargs}): linear, nearest along
   * z, stored as float16 like nnU-Net's fp16 logits.
   */
  public static final ResamplingOptions LOGITS =
      new ResamplingOptions(1, 0, SeparateZ.AUTO, Resampling.ANISO_THRESHOLD, Precision.FLOAT16);

  /** {@link Function#SPLINE} options. */
  public ResamplingOptions(int order, int orderZ, SeparateZ separateZ, double anisotropyThreshold,
      Precision precision) {
    this(order, orderZ, separateZ, anisotropyThreshold, precision, Function.SPLINE, false);
  }

  /** Validates the orders; {@code null} enums are rejected. */
  public ResamplingOptions {
    Checks.notNull(function, "function");
    Checks.argument(function == Function.SPLINE || order == 1 && precision == Precision.FLOAT32,
        "torch resampling is linear (order 1) and float32, got order %d, %s", order, precision);
    Checks.argument(function == Function.TORCH || !memoryEfficientLabels,
        "memefficient_seg_resampling belongs to torch resampling");
    Checks.argument(order >= 0 && order <= AxisKernel.MAX_ORDER,
        "resampling order must be 0 to %d (nnU-Net uses 3 for images, 1 for labels and logits), got %d",
        AxisKernel.MAX_ORDER, order);
    // nnU-Net's map_coordinates with order_z > 1 spline-filters every axis of the stack, but samples it at whole
    // in-plane coordinates, where the in-plane splines give back their samples: the 1-D spline along the axis
    Checks.argument(orderZ >= 0 && orderZ <= (function == Function.TORCH ? 1 : AxisKernel.MAX_ORDER),
        "order_z must be %s, got %d", function == Function.TORCH
            ? "0 (nearest-exact) or 1 (linear) for the torch resampler" : "0 to " + AxisKernel.MAX_ORDER, orderZ);
    Checks.notNull(separateZ, "separateZ");
    Checks.argument(anisotropyThreshold > 0 && anisotropyThreshold < Double.POSITIVE_INFINITY,
        "separate_z_anisotropy_threshold must be a finite number > 0, got %s", anisotropyThreshold);
    Checks.notNull(precision, "precision");
  }

  /**
   * Options from a plans entry's {@code order}, {@code order_z}, {@code force_separate_z} and
   * {@code separate_z_anisotropy_threshold}, stored as float32.
   */
  public static ResamplingOptions fromPlans(int order, int orderZ, Boolean forceSeparateZ, double anisotropyThreshold) {
    return new ResamplingOptions(order, orderZ, SeparateZ.fromPlans(forceSeparateZ), anisotropyThreshold,
        Precision.FLOAT32);
  }

  /** As {@link #fromPlans(int, int, Boolean, double)} with the default threshold. */
  public static ResamplingOptions fromPlans(int order, int orderZ, Boolean forceSeparateZ) {
    return fromPlans(order, orderZ, forceSeparateZ, Resampling.ANISO_THRESHOLD);
  }

  /**
   * {@code resample_torch_fornnunet}'s options: linear, with {@code nearest-exact} ({@code orderZ} 0) or linear along
   * a separate axis.
   */
  public static ResamplingOptions torch(int orderZ, Boolean forceSeparateZ, double anisotropyThreshold,
      boolean memoryEfficientLabels) {
    return new ResamplingOptions(1, orderZ, SeparateZ.fromPlans(forceSeparateZ), anisotropyThreshold, Precision.FLOAT32,
        Function.TORCH, memoryEfficientLabels);
  }

  /** These options with another storage precision ({@link Function#SPLINE} only). */
  public ResamplingOptions withPrecision(Precision p) {
    return new ResamplingOptions(order, orderZ, separateZ, anisotropyThreshold, p, function, memoryEfficientLabels);
  }
}
