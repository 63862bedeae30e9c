package org.mednext.preprocess;

import org.mednext.util.Checks;

/**
 * One channel's entry of the plans' {@code foreground_intensity_properties_per_channel}: statistics of the
 * (unclipped) foreground intensities of the training set, used by {@link CTNormalization}.
 *
 * @param mean {@code mean}
 * @param std {@code std} (population)
 * @param percentile00_5 {@code percentile_00_5}, the lower clipping bound
 * @param percentile99_5 {@code percentile_99_5}, the upper clipping bound
 */
public record IntensityProperties(double mean, double std, double percentile00_5, double percentile99_5) {

  /** Rejects non-finite values and a lower bound above the upper one. */
  public IntensityProperties {
    Checks.argument(Double.isFinite(mean) && Double.isFinite(std) && Double.isFinite(percentile00_5)
            && Double.isFinite(percentile99_5),
        "intensity properties must be finite, got mean %s, std %s, percentile_00_5 %s, percentile_99_5 %s",
        mean, std, percentile00_5, percentile99_5);
    Checks.argument(percentile00_5 <= percentile99_5,
        "percentile_00_5 (%s) is above percentile_99_5 (%s); check the plans' intensity properties",
        percentile00_5, percentile99_5);
  }
}
