package org.mednext.preprocess;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.mednext.util.Checks;

/** The name tables behind {@link Normalization}'s factories. */
final class NormalizationNames {

  static final System.Logger LOG = System.getLogger(Normalization.class.getName());

  /** Builds a scheme from a channel's {@code use_mask_for_norm} and intensity properties. */
  interface Factory {
    Normalization create(boolean useMaskForNorm, IntensityProperties properties);
  }

  /** Plans scheme name (nnU-Net class name) to factory. */
  static final Map<String, Factory> BY_SCHEME;

  static {
    Map<String, Factory> m = new TreeMap<>();
    m.put(CTNormalization.NAME, (mask, props) -> {
      Checks.argument(props != null,
          "CTNormalization needs the channel's foreground_intensity_properties_per_channel entry from the plans");
      return new CTNormalization(props);
    });
    m.put(ZScoreNormalization.NAME, (mask, props) -> new ZScoreNormalization(mask));
    m.put(NoNormalization.NAME, (mask, props) -> new NoNormalization());
    m.put(RescaleTo01Normalization.NAME, (mask, props) -> new RescaleTo01Normalization());
    m.put(RGBTo01Normalization.NAME, (mask, props) -> new RGBTo01Normalization());
    BY_SCHEME = Collections.unmodifiableMap(m);
  }

  /** nnU-Net's channel_name_to_normalization_mapping, keys case-folded. */
  static final Map<String, String> BY_CHANNEL = Map.of(
      "ct", CTNormalization.NAME,
      "nonorm", NoNormalization.NAME,
      "zscore", ZScoreNormalization.NAME,
      "rescale_to_0_1", RescaleTo01Normalization.NAME,
      "rgb_to_0_1", RGBTo01Normalization.NAME);

  private NormalizationNames() {}
}
