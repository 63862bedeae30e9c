package org.mednext.train.augment;

import java.util.SplittableRandom;
import org.mednext.train.sampling.Patch;

/**
 * batchgeneratorsv2 {@code GammaTransform} as nnU-Net configures it (§D.7 rows 7 and 8; p = 0.1 inverted, p = 0.3
 * plain): per channel {@code gamma = BGContrast(0.7, 1.5)}; optionally {@code x <- -x}; then with mean m and
 * unbiased std s of x, {@code x <- ((x - min) / max(range, 1e-7))^gamma * range + min}, the old mean and std
 * restored ({@code (x - m') * s / max(s', 1e-7) + m}), and the sign flipped back.
 */
public final class Gamma implements Transform {

  /** Gamma range. */
  public static final double LOW = 0.7;
  /** Gamma range. */
  public static final double HIGH = 1.5;
  private static final float EPSILON = 1e-7f;

  private final boolean invert;

  /** The plain ({@code invert = false}) or the inverted variant. */
  public Gamma(boolean invert) {
    this.invert = invert;
  }

  @Override
  public Patch apply(Patch patch, SplittableRandom random) {
    for (float[] channel : patch.data()) gamma(channel, (float) Ranges.bgContrast(random, LOW, HIGH), invert);
    return patch;
  }

  /** Applies the gamma step to one channel in place. */
  static void gamma(float[] x, float gamma, boolean invert) {
    if (invert) for (int v = 0; v < x.length; v++) x[v] = -x[v];
    ChannelStats before = ChannelStats.of(x);
    float min = before.min();
    float range = before.max() - min;
    float divisor = Math.max(range, EPSILON);
    for (int v = 0; v < x.length; v++) x[v] = (float) Math.pow((x[v] - min) / divisor, gamma) * range + min;
    ChannelStats after = ChannelStats.of(x);
    float ratio = before.std() / Math.max(after.std(), EPSILON);
    for (int v = 0; v < x.length; v++) {
      float y = (x[v] - after.mean()) * ratio + before.mean();
      x[v] = invert ? -y : y;
    }
  }

  @Override
  public String toString() {
    return "Gamma(BGContrast(" + LOW + ", " + HIGH + "), invert=" + invert + ", retain stats)";
  }
}
