package org.mednext.preprocess;

import org.mednext.util.Checks;
import org.mednext.util.Parallel;

/** nnU-Net's {@code RGBTo01Normalization}: values must lie in [0, 255]; {@code x / 255} in float32. */
public record RGBTo01Normalization() implements Normalization {

  /** The plans' name of this scheme. */
  public static final String NAME = "RGBTo01Normalization";

  /**
   * @throws IllegalArgumentException when a value lies outside [0, 255] (nnU-Net asserts the same)
   */
  @Override
  public void apply(float[] channel, byte[] helperSeg, int threads) {
    Checks.notNull(channel, "channel");
    if (channel.length == 0) return;
    float min = Float32Stats.extreme(channel, threads, true);
    float max = Float32Stats.extreme(channel, threads, false);
    Checks.argument(min >= 0 && max <= 255,
        "RGBTo01Normalization expects 8-bit RGB values in [0, 255], found [%s, %s]; use another scheme for this channel",
        min, max);
    Parallel.forRanges(channel.length, threads, (from, to) -> {
      for (int i = from; i < to; i++) channel[i] /= 255f;
    });
  }

  @Override
  public String schemeName() {
    return NAME;
  }
}
