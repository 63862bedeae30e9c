package org.mednext.preprocess;

import java.util.Locale;
import java.util.Map;
import org.mednext.util.Checks;

/**
 * nnU-Net's intensity normalization schemes (NNUNET_PIPELINE_SPEC.md B.5), applied per channel, in place, on
 * the cropped original-resolution grid, with numpy's float32 arithmetic.
 *
 * <p>Plans name a scheme per channel ({@code normalization_schemes}); {@link #forSchemeName} resolves those
 * names. At planning time nnU-Net picks the scheme from the channel name in dataset.json
 * ({@link #schemeNameForChannel}).
 */
public sealed interface Normalization
    permits CTNormalization, ZScoreNormalization, NoNormalization, RescaleTo01Normalization, RGBTo01Normalization {

  /**
   * Normalizes {@code channel} (C order, any shape) in place.
   *
   * @param helperSeg nnU-Net's {@code seg} for the channel's voxels: the mask is {@code seg >= 0}; only
   *     {@link ZScoreNormalization} with a mask reads it, the others accept {@code null}
   * @param threads worker threads; the result does not depend on the count
   */
  void apply(float[] channel, byte[] helperSeg, int threads);

  /** nnU-Net's class name of this scheme, as written in the plans. */
  String schemeName();

  /**
   * The scheme for a plans entry.
   *
   * @param name a {@code normalization_schemes} entry, e.g. {@code "CTNormalization"}
   * @param useMaskForNorm the channel's {@code use_mask_for_norm}; only z-score uses it
   * @param properties the channel's foreground intensity properties; required by CT normalization only
   * @throws IllegalArgumentException for an unknown name or missing CT properties
   */
  static Normalization forSchemeName(String name, boolean useMaskForNorm, IntensityProperties properties) {
    Checks.notNull(name, "name");
    NormalizationNames.Factory factory = NormalizationNames.BY_SCHEME.get(name);
    if (factory == null) {
      throw new IllegalArgumentException("unknown normalization scheme '" + name + "' in the plans; known: "
          + String.join(", ", NormalizationNames.BY_SCHEME.keySet()));
    }
    return factory.create(useMaskForNorm, properties);
  }

  /**
   * nnU-Net's planning rule: the scheme for a dataset.json channel name, case-insensitively {@code CT},
   * {@code noNorm}, {@code zscore}, {@code rescale_to_0_1} or {@code rgb_to_0_1}; any other name gets
   * {@code ZScoreNormalization} (logged, since a typo such as "C.T." silently changes the scheme).
   */
  static String schemeNameForChannel(String channelName) {
    Checks.notNull(channelName, "channelName");
    String scheme = NormalizationNames.BY_CHANNEL.get(channelName.toLowerCase(Locale.ROOT));
    if (scheme != null) return scheme;
    NormalizationNames.LOG.log(System.Logger.Level.INFO,
        "channel name ''{0}'' names no normalization scheme; using {1} as nnU-Net does", channelName,
        ZScoreNormalization.NAME);
    return ZScoreNormalization.NAME;
  }

  /** {@code forSchemeName(schemeNameForChannel(channelName), useMaskForNorm, properties)}. */
  static Normalization forChannelName(String channelName, boolean useMaskForNorm, IntensityProperties properties) {
    return forSchemeName(schemeNameForChannel(channelName), useMaskForNorm, properties);
  }
}
