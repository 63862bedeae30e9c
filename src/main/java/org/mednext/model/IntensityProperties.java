package org.mednext.model;

/**
 * Foreground intensity statistics of one input channel over the training set, from plans.json's
 * {@code foreground_intensity_properties_per_channel}. CT normalization clips to the two percentiles and then
 * subtracts {@code mean} and divides by {@code std}. Units are those of the image (e.g. HU).
 */
public record IntensityProperties(double mean, double median, double std, double min, double max,
    double percentile995, double percentile005) {

  static IntensityProperties parse(JsonCursor c) throws ModelFormatException {
    c.object();
    return new IntensityProperties(c.field("mean").number(), c.field("median").number(), c.field("std").number(),
        c.field("min").number(), c.field("max").number(), c.field("percentile_99_5").number(),
        c.field("percentile_00_5").number());
  }
}
