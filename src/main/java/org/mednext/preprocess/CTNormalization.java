package org.mednext.preprocess;

import org.mednext.util.Checks;
import org.mednext.util.Parallel;

/**
 * nnU-Net's {@code CTNormalization}: clip to the plans' 0.5 / 99.5 foreground percentiles, subtract the
 * foreground mean, divide by {@code max(std, 1e-8)}, all in float32 with the statistics rounded to float32
 * (numpy's in-place operations on a float32 array). No mask.
 *
 * @param properties the channel's foreground intensity properties from the plans
 */
public record CTNormalization(IntensityProperties properties) implements Normalization {

  /** The plans' name of this scheme. */
  public static final String NAME = "CTNormalization";

  /** Rejects {@code null}. */
  public CTNormalization {
    Checks.notNull(properties, "properties");
  }

  @Override
  public void apply(float[] channel, byte[] helperSeg, int threads) {
    Checks.notNull(channel, "channel");
    float lo = (float) properties.percentile00_5();
    float hi = (float) properties.percentile99_5();
    float mean = (float) properties.mean();
    float div = (float) Math.max(properties.std(), 1e-8);
    Parallel.forRanges(channel.length, threads, (from, to) -> {
      for (int i = from; i < to; i++) {
        float v = channel[i];
        if (v == v) { // numpy's clip keeps NaN
          v = v > lo ? v : lo;
          v = v < hi ? v : hi;
        }
        v -= mean;
        channel[i] = v / div;
      }
    });
  }

  @Override
  public String schemeName() {
    return NAME;
  }
}
