package org.mednext.preprocess;

import org.mednext.util.Checks;

/** nnU-Net's {@code NoNormalization}: the float32 cast only, so nothing to do on a {@code float[]}. */
public record NoNormalization() implements Normalization {

  /** The plans' name of this scheme. */
  public static final String NAME = "NoNormalization";

  @Override
  public void apply(float[] channel, byte[] helperSeg, int threads) {
    Checks.notNull(channel, "channel");
  }

  @Override
  public String schemeName() {
    return NAME;
  }
}
