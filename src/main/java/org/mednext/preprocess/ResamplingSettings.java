package org.mednext.preprocess;

import org.mednext.model.Resampling.NoResampling;
import org.mednext.model.Resampling.Spline;
import org.mednext.model.Resampling.Torch;
import org.mednext.util.Checks;

/** Translates the plans' resampling entries ({@code resampling_fn_*} + kwargs) into {@link ResamplingOptions}. */
public final class ResamplingSettings {

  private ResamplingSettings() {}

  /**
   * Options for a plans entry; {@code no_resampling_hack} maps to null (callers then keep the grid).
   *
   * @throws IllegalArgumentException for arguments this code does not implement
   */
  public static ResamplingOptions of(org.mednext.model.Resampling entry) {
    if (entry instanceof Spline s) {
      return ResamplingOptions.fromPlans(s.order(), s.orderZ(), s.forceSeparateZ().orElse(null),
          s.separateZAnisotropyThreshold());
    }
    if (entry instanceof NoResampling) return null;
    Torch t = (Torch) entry;
    Checks.argument(t.isSupported(), "%s: %s", t.functionName(), t.unsupported());
    return ResamplingOptions.torch(t.anisoAxisMode().equals("nearest-exact") ? 0 : 1, t.forceSeparateZ().orElse(null),
        t.separateZAnisotropyThreshold(), t.memoryEfficientSeg());
  }
}
