package org.mednext.preprocess;

import org.mednext.util.Checks;
import org.mednext.util.Parallel;

/**
 * nnU-Net's {@code ZScoreNormalization}: {@code (x - mean) / max(std, 1e-8)} with the channel's own float32
 * mean and population std ({@link Float32Stats}, as numpy computes them). With a mask, the statistics come
 * from the voxels where {@code seg >= 0} and only those voxels change; the others (0 by construction after
 * cropping) are left as they are.
 *
 * @param useMask the plans' {@code use_mask_for_norm} for this channel
 */
public record ZScoreNormalization(boolean useMask) implements Normalization {

  /** The plans' name of this scheme. */
  public static final String NAME = "ZScoreNormalization";

  @Override
  public void apply(float[] channel, byte[] helperSeg, int threads) {
    Checks.notNull(channel, "channel");
    if (!useMask) {
      float[] stats = Float32Stats.meanStd(channel, channel.length, threads);
      scale(channel, null, stats, threads);
      return;
    }
    Checks.argument(helperSeg != null, "ZScoreNormalization with use_mask_for_norm needs the helper segmentation");
    Checks.argument(helperSeg.length == channel.length, "helper segmentation has %d voxels, the channel %d",
        helperSeg.length, channel.length);
    // numpy: image[mask] is a new contiguous array, and its mean/std are taken from that array
    int n = 0;
    for (byte s : helperSeg) if (s >= 0) n++;
    if (n == 0) return; // numpy: empty selection, nothing assigned
    float[] selected = new float[n];
    for (int i = 0, k = 0; i < channel.length; i++) if (helperSeg[i] >= 0) selected[k++] = channel[i];
    float[] stats = Float32Stats.meanStd(selected, n, threads);
    scale(channel, helperSeg, stats, threads);
  }

  private static void scale(float[] channel, byte[] seg, float[] stats, int threads) {
    float mean = stats[0];
    // Python's max(std, 1e-8): the float32 std unless 1e-8 is larger, then 1e-8 rounded to float32
    float div = 1e-8 > stats[1] ? (float) 1e-8 : stats[1];
    Parallel.forRanges(channel.length, threads, (from, to) -> {
      for (int i = from; i < to; i++) {
        if (seg == null || seg[i] >= 0) channel[i] = (channel[i] - mean) / div;
      }
    });
  }

  @Override
  public String schemeName() {
    return NAME;
  }
}
