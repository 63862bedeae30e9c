package org.mednext.model;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A resampling function named in a configuration ({@code resampling_fn_data}, {@code _seg},
 * {@code _probabilities}) with its keyword arguments. nnU-Net resolves the function by name and calls it as
 * {@code fn(data, new_shape, current_spacing, new_spacing, **kwargs)}.
 */
public sealed interface Resampling permits Resampling.Spline, Resampling.NoResampling, Resampling.Torch {

  /** The function name as written in plans.json. */
  String functionName();

  /** Whether this port implements the function. */
  boolean isSupported();

  /** The function and the arguments that shape its result, in a few words (for {@code mednext info}). */
  String describe();

  /** How {@code force_separate_z} decides, in words. */
  private static String separateZ(Optional<Boolean> force, double threshold) {
    String t = threshold == Math.rint(threshold) ? String.valueOf((long) threshold) : String.valueOf(threshold);
    if (force.isEmpty()) return "separate z when spacing max/min > " + t;
    return force.get() ? "separate z forced" : "no separate z";
  }

  /**
   * {@code resample_data_or_seg_to_shape}, nnU-Net's default: scipy/skimage spline resizing, optionally
   * "separate z" (in-plane with {@code order}, along the low-resolution axis with {@code orderZ}).
   *
   * @param isSeg resample a label map (one-hot per label) instead of intensities
   * @param order spline order in-plane (or everywhere when not separate-z)
   * @param orderZ spline order along the low-resolution axis when separate-z
   * @param forceSeparateZ true/false forces separate-z on/off; empty = decide from the anisotropy of the
   *     spacings ({@code null} in plans.json). NB: when the key is absent nnU-Net uses the function's default,
   *     False, not null.
   * @param separateZAnisotropyThreshold max/min spacing ratio above which separate-z is used (default 3)
   */
  record Spline(boolean isSeg, int order, int orderZ, Optional<Boolean> forceSeparateZ,
      double separateZAnisotropyThreshold) implements Resampling {
    public static final String NAME = "resample_data_or_seg_to_shape";

    public Spline {
      Objects.requireNonNull(forceSeparateZ, "forceSeparateZ == null");
    }

    @Override
    public String functionName() {
      return NAME;
    }

    @Override
    public boolean isSupported() {
      return true;
    }

    @Override
    public String describe() {
      return NAME + " (spline order " + order + ", order_z " + orderZ + ", "
          + separateZ(forceSeparateZ, separateZAnisotropyThreshold) + ")";
    }

    // The keyword arguments of resample_data_or_seg_to_shape, in signature order.
    private static final List<String> KWARGS =
        List.of("is_seg", "order", "order_z", "force_separate_z", "separate_z_anisotropy_threshold");

    static Spline parse(JsonCursor kwargs) throws ModelFormatException {
      requireKnown(kwargs, NAME, KWARGS);
      // Missing keys take the function's defaults (note force_separate_z: False); an explicit null
      // force_separate_z means "decide from the spacings".
      JsonCursor isSeg = kwargs.field("is_seg");
      JsonCursor separate = kwargs.field("force_separate_z");
      boolean seg = !isSeg.isMissing() && isSeg.bool();
      int order = splineOrder(kwargs.field("order"), 3);
      int orderZ = splineOrder(kwargs.field("order_z"), 0);
      Optional<Boolean> force = separate.isMissing() ? Optional.of(false)
          : separate.isAbsent() ? Optional.empty() : Optional.of(separate.bool());
      double t = anisotropyThreshold(kwargs);
      return new Spline(seg, order, orderZ, force, t);
    }

    private static int splineOrder(JsonCursor c, int defaultValue) throws ModelFormatException {
      if (c.isMissing()) return defaultValue;
      int v = c.integer();
      if (v < 0 || v > 5) throw c.fail("spline order must be 0..5, got " + v);
      return v;
    }
  }

  /** {@code no_resampling_hack}: the data is used at its original spacing. */
  record NoResampling() implements Resampling {
    public static final String NAME = "no_resampling_hack";

    @Override
    public String functionName() {
      return NAME;
    }

    @Override
    public String describe() {
      return NAME + " (the image's own grid)";
    }

    @Override
    public boolean isSupported() {
      return true;
    }
  }

  /**
   * {@code resample_torch_fornnunet} (plans from the {@code *_torchres} planners): torch's {@code F.interpolate},
   * linear in 3-D, or with a separate axis bilinear in-plane and {@code anisoAxisMode} along that axis.
   *
   * @param isSeg resample a label map
   * @param forceSeparateZ as {@link Spline#forceSeparateZ()}; NB: this function's default is {@code None} (decide
   *     from the spacings), not False
   * @param separateZAnisotropyThreshold as {@link Spline}
   * @param memoryEfficientSeg {@code memefficient_seg_resampling}: labels set where their interpolated mask is
   *     &gt; 0.5, not by the 0.7 shortcut and an argmax
   * @param mode torch's mode in-plane with a separate axis; only {@code linear} is implemented. (Without a separate
   *     axis nnU-Net's call leaves it out, so a 3-D resize is always linear.)
   * @param anisoAxisMode torch's mode along the separate axis: {@code nearest-exact}, or {@code linear} (also written
   *     {@code trilinear}, the same resize of the 4-D array)
   */
  record Torch(boolean isSeg, Optional<Boolean> forceSeparateZ, double separateZAnisotropyThreshold,
      boolean memoryEfficientSeg, String mode, String anisoAxisMode) implements Resampling {
    public static final String NAME = "resample_torch_fornnunet";
    /** The modes implemented here: in-plane, along a separate axis. */
    public static final List<String> MODES = List.of("linear");
    public static final List<String> ANISO_AXIS_MODES = List.of("nearest-exact", "linear", "trilinear");

    // The keyword arguments of resample_torch_fornnunet besides data, shapes and spacings (device cannot be JSON)
    private static final List<String> KWARGS = List.of("is_seg", "num_threads", "device", "memefficient_seg_resampling",
        "force_separate_z", "separate_z_anisotropy_threshold", "mode", "aniso_axis_mode");

    public Torch {
      Objects.requireNonNull(forceSeparateZ, "forceSeparateZ == null");
      Objects.requireNonNull(mode, "mode == null");
      Objects.requireNonNull(anisoAxisMode, "anisoAxisMode == null");
    }

    @Override
    public String functionName() {
      return NAME;
    }

    @Override
    public boolean isSupported() {
      // both modes are used only on the separate-z path
      return forceSeparateZ.equals(Optional.of(false))
          || MODES.contains(mode) && ANISO_AXIS_MODES.contains(anisoAxisMode);
    }

    @Override
    public String describe() {
      return NAME + " (torch " + mode + ", " + anisoAxisMode + " along a separate axis, "
          + separateZ(forceSeparateZ, separateZAnisotropyThreshold) + ")";
    }

    /** What is not implemented of these arguments, for a message; empty when {@link #isSupported()}. */
    public String unsupported() {
      if (isSupported()) return "";
      if (!MODES.contains(mode)) {
        return "mode \"" + mode + "\" is not supported (supported: " + String.join(", ", MODES) + ")";
      }
      if (!ANISO_AXIS_MODES.contains(anisoAxisMode)) {
        return "aniso_axis_mode \"" + anisoAxisMode + "\" is not supported (supported: "
            + String.join(", ", ANISO_AXIS_MODES) + ")";
      }
      return "";
    }

    static Torch parse(JsonCursor kwargs) throws ModelFormatException {
      requireKnown(kwargs, NAME, KWARGS);
      JsonCursor isSeg = kwargs.field("is_seg");
      JsonCursor separate = kwargs.field("force_separate_z");
      JsonCursor memoryEfficient = kwargs.field("memefficient_seg_resampling");
      JsonCursor mode = kwargs.field("mode");
      JsonCursor aniso = kwargs.field("aniso_axis_mode");
      Optional<Boolean> force = separate.isAbsent() ? Optional.empty() : Optional.of(separate.bool());
      double t = anisotropyThreshold(kwargs);
      return new Torch(!isSeg.isMissing() && isSeg.bool(), force, t,
          !memoryEfficient.isMissing() && memoryEfficient.bool(), mode.isMissing() ? "linear" : mode.string(),
          aniso.isMissing() ? "nearest-exact" : aniso.string());
    }
  }

  /** Refuses a keyword argument {@code function} does not take. */
  private static void requireKnown(JsonCursor kwargs, String function, List<String> known) throws ModelFormatException {
    for (String key : kwargs.object().keySet()) {
      if (!known.contains(key)) {
        throw kwargs.field(key).failAlways("not an argument of " + function + " (nnU-Net would fail too); expected one"
            + " of " + String.join(", ", known));
      }
    }
  }

  /** {@code separate_z_anisotropy_threshold}, both functions' default 3 when missing. */
  private static double anisotropyThreshold(JsonCursor kwargs) throws ModelFormatException {
    JsonCursor threshold = kwargs.field("separate_z_anisotropy_threshold");
    double t = threshold.isMissing() ? 3.0 : threshold.number();
    if (!(t > 0) || Double.isInfinite(t)) throw threshold.fail("must be a finite number > 0, got " + t);
    return t;
  }

  /** Parses a function name and its (required) kwargs object. */
  static Resampling parse(JsonCursor fn, JsonCursor kwargs, Consumer<String> warnings) throws ModelFormatException {
    String name = fn.string();
    JsonObject kw = kwargs.object();
    switch (name) {
      case Spline.NAME:
        return Spline.parse(kwargs);
      case NoResampling.NAME:
        if (kw.size() > 0) {
          warnings.accept(kwargs.source() + ": " + kwargs.path() + ": ignored, " + NoResampling.NAME
              + " takes no arguments");
        }
        return new NoResampling();
      case Torch.NAME:
        return Torch.parse(kwargs);
      default:
        throw fn.fail("unknown resampling function \"" + name + "\"; known: " + Spline.NAME + ", "
            + NoResampling.NAME + ", " + Torch.NAME);
    }
  }
}
