package org.mednext.preprocess;

import org.mednext.util.Checks;
import org.mednext.util.Parallel;

/**
 * nnU-Net's {@code RescaleTo01Normalization}: {@code x -= min(x)}, then {@code x /= max(max(x), 1e-8)}, in
 * float32 (a NaN anywhere makes everything NaN, as with numpy's min and max).
 */
public record RescaleTo01Normalization() implements Normalization {

  /** The plans' name of this scheme. */
  public static final String NAME = "RescaleTo01Normalization";

  @Override
  public void apply(float[] channel, byte[] helperSeg, int threads) {
    Checks.notNull(channel, "channel");
    if (channel.length == 0) return;
    float min = Float32Stats.extreme(channel, threads, true);
    Parallel.forRanges(channel.length, threads, (from, to) -> {
      for (int i = from; i < to; i++) channel[i] -= min;
    });
    float max = Float32Stats.extreme(channel, threads, false);
    float div = Math.max(max, (float) 1e-8); // NaN stays NaN
    Parallel.forRanges(channel.length, threads, (from, to) -> {
      for (int i = from; i < to; i++) channel[i] /= div;
    });
  }

  @Override
  public String schemeName() {
    return NAME;
  }
}
