package org.mednext.train.augment;

import java.util.SplittableRandom;
import org.mednext.train.sampling.Patch;

/**
 * batchgeneratorsv2 {@code ContrastTransform} as nnU-Net configures it (§D.7 row 5; applied with p = 0.15): per
 * channel a factor {@code f = BGContrast(0.75, 1.25)}, {@code x <- (x - mean) * f + mean}, then clipped to the
 * channel's range before the change.
 */
public final class Contrast implements Transform {

  /** Factor range. */
  public static final double LOW = 0.75;
  /** Factor range. */
  public static final double HIGH = 1.25;

  @Override
  public Patch apply(Patch patch, SplittableRandom random) {
    for (float[] channel : patch.data()) contrast(channel, (float) Ranges.bgContrast(random, LOW, HIGH));
    return patch;
  }

  /** Applies the contrast step with {@code factor} to one channel in place. */
  static void contrast(float[] channel, float factor) {
    ChannelStats s = ChannelStats.of(channel);
    for (int v = 0; v < channel.length; v++) {
      float x = (channel[v] - s.mean()) * factor + s.mean();
      channel[v] = Math.min(Math.max(x, s.min()), s.max());
    }
  }

  @Override
  public String toString() {
    return "Contrast(BGContrast(" + LOW + ", " + HIGH + "), preserve range)";
  }
}
