package org.mednext.net;

import java.util.Arrays;
import java.util.Locale;
import org.mednext.util.Checks;

/**
 * The hyper-parameters that fix a MedNeXt(-v2) network: widths, expansion ratios, block counts, kernels, where
 * GRN sits, and whether deep-supervision heads exist.
 *
 * <p>Nine-entry lists are indexed {@code [enc0, enc1, enc2, enc3, bottleneck, dec3, dec2, dec1, dec0]} as in
 * the reference code: {@code enc_block_l} uses r[l] and b[l]; {@code down_l} uses r[l + 1]; the bottleneck
 * r[4], b[4]; {@code up_l} and {@code dec_block_l} use r[8 - l] and b[8 - l]. Encoder blocks and down blocks
 * use the encoder kernel; bottleneck, up and decoder blocks the decoder kernel.
 *
 * @param inChannels input channels
 * @param numClasses output channels of every head (segmentation heads, background included)
 * @param width base width C; stage l has width C * 2^l
 * @param expansion expansion ratios (9 entries), multiplying a block's input width
 * @param blockCounts standard blocks per stage (9 entries)
 * @param encoderKernel depthwise kernel of encoder and down blocks (odd)
 * @param decoderKernel depthwise kernel of bottleneck, up and decoder blocks (odd)
 * @param grn Global Response Normalization in every standard, up and down block except possibly down_0
 * @param grnInDown0 GRN also in down_0 (the reference code leaves it out; some re-implementations add it)
 * @param deepSupervision heads at 1/2 ... 1/16 resolution exist besides the full-resolution head
 */
public record MedNeXtConfig(
    int inChannels,
    int numClasses,
    int width,
    int[] expansion,
    int[] blockCounts,
    int encoderKernel,
    int decoderKernel,
    boolean grn,
    boolean grnInDown0,
    boolean deepSupervision) {

  /** Number of resolution levels below full resolution (4 stride-2 steps: sizes must divide by 16). */
  public static final int DOWNSAMPLINGS = 4;

  private static final int[] V1_L_SCHEDULE = {3, 4, 8, 8, 8, 8, 8, 4, 3};
  private static final int[] V1_B_EXPANSION = {2, 3, 4, 4, 4, 4, 4, 3, 2};

  /** Validates and copies the arrays. */
  public MedNeXtConfig {
    Checks.argument(inChannels > 0, "inChannels must be > 0: %d", inChannels);
    Checks.argument(numClasses > 0, "numClasses must be > 0: %d", numClasses);
    Checks.argument(width > 0, "width must be > 0: %d", width);
    Checks.argument(expansion != null && expansion.length == 9, "expansion ratios need 9 entries: %s", Arrays.toString(expansion));
    Checks.argument(blockCounts != null && blockCounts.length == 9, "block counts need 9 entries: %s", Arrays.toString(blockCounts));
    for (int r : expansion) Checks.argument(r > 0, "expansion ratios must be > 0: %s", Arrays.toString(expansion));
    for (int b : blockCounts) Checks.argument(b > 0, "block counts must be > 0: %s", Arrays.toString(blockCounts));
    Checks.argument(encoderKernel % 2 == 1 && encoderKernel > 0, "encoder kernel must be odd: %d", encoderKernel);
    Checks.argument(decoderKernel % 2 == 1 && decoderKernel > 0, "decoder kernel must be odd: %d", decoderKernel);
    Checks.argument(grn || !grnInDown0, "grnInDown0 needs grn");
    expansion = expansion.clone();
    blockCounts = blockCounts.clone();
  }

  /** MedNeXt-v2 Base: the v1-L depth and expansion schedule with GRN, C = 32, 3x3x3 kernels, deep supervision. */
  public static MedNeXtConfig v2Base(int inChannels, int numClasses) {
    return new MedNeXtConfig(inChannels, numClasses, 32, V1_L_SCHEDULE, V1_L_SCHEDULE, 3, 3, true, false, true);
  }

  /** MedNeXt-v2 wide: v2 Base at twice the width (C = 64). */
  public static MedNeXtConfig v2Wide(int inChannels, int numClasses) {
    return v2Base(inChannels, numClasses).withWidth(64);
  }

  /** MedNeXt-v1 S (expansion 2, 2 blocks per stage), no GRN. */
  public static MedNeXtConfig v1Small(int inChannels, int numClasses, int kernel) {
    return v1(inChannels, numClasses, kernel, filled(2), filled(2));
  }

  /** MedNeXt-v1 B, no GRN. */
  public static MedNeXtConfig v1Base(int inChannels, int numClasses, int kernel) {
    return v1(inChannels, numClasses, kernel, V1_B_EXPANSION, filled(2));
  }

  /** MedNeXt-v1 M, no GRN. */
  public static MedNeXtConfig v1Medium(int inChannels, int numClasses, int kernel) {
    return v1(inChannels, numClasses, kernel, V1_B_EXPANSION, new int[] {3, 4, 4, 4, 4, 4, 4, 4, 3});
  }

  /** MedNeXt-v1 L, no GRN. */
  public static MedNeXtConfig v1Large(int inChannels, int numClasses, int kernel) {
    return v1(inChannels, numClasses, kernel, V1_L_SCHEDULE, V1_L_SCHEDULE);
  }

  /**
   * A named preset: {@code base}/{@code v2-base}, {@code wide}/{@code v2-wide}, {@code v1-s}, {@code v1-b},
   * {@code v1-m}, {@code v1-l} (kernel 3).
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static MedNeXtConfig preset(String name, int inChannels, int numClasses) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "base": case "v2-base": return v2Base(inChannels, numClasses);
      case "wide": case "v2-wide": return v2Wide(inChannels, numClasses);
      case "v1-s": return v1Small(inChannels, numClasses, 3);
      case "v1-b": return v1Base(inChannels, numClasses, 3);
      case "v1-m": return v1Medium(inChannels, numClasses, 3);
      case "v1-l": return v1Large(inChannels, numClasses, 3);
      default:
        throw new IllegalArgumentException(
            "unknown MedNeXt variant '" + name + "': use one of base, wide, v1-s, v1-b, v1-m, v1-l");
    }
  }

  private static MedNeXtConfig v1(int in, int k, int kernel, int[] r, int[] b) {
    return new MedNeXtConfig(in, k, 32, r, b, kernel, kernel, false, false, true);
  }

  private static int[] filled(int v) {
    int[] a = new int[9];
    Arrays.fill(a, v);
    return a;
  }

  /** Width of stage {@code l} (0 = full resolution, 4 = bottleneck). */
  public int stageWidth(int l) {
    return width << l;
  }

  /** Expansion ratio at index i of the 9-entry list. */
  public int expansion(int i) {
    return expansion[i];
  }

  /** Block count at index i of the 9-entry list. */
  public int blockCount(int i) {
    return blockCounts[i];
  }

  /** Copy of the expansion ratios. */
  @Override
  public int[] expansion() {
    return expansion.clone();
  }

  /** Copy of the block counts. */
  @Override
  public int[] blockCounts() {
    return blockCounts.clone();
  }

  public MedNeXtConfig withWidth(int w) {
    return new MedNeXtConfig(inChannels, numClasses, w, expansion, blockCounts, encoderKernel, decoderKernel, grn, grnInDown0, deepSupervision);
  }

  public MedNeXtConfig withClasses(int k) {
    return new MedNeXtConfig(inChannels, k, width, expansion, blockCounts, encoderKernel, decoderKernel, grn, grnInDown0, deepSupervision);
  }

  public MedNeXtConfig withDeepSupervision(boolean ds) {
    return new MedNeXtConfig(inChannels, numClasses, width, expansion, blockCounts, encoderKernel, decoderKernel, grn, grnInDown0, ds);
  }

  public MedNeXtConfig withGrn(boolean useGrn, boolean inDown0) {
    return new MedNeXtConfig(inChannels, numClasses, width, expansion, blockCounts, encoderKernel, decoderKernel, useGrn, inDown0, deepSupervision);
  }

  public MedNeXtConfig withKernels(int encoder, int decoder) {
    return new MedNeXtConfig(inChannels, numClasses, width, expansion, blockCounts, encoder, decoder, grn, grnInDown0, deepSupervision);
  }

  /** A one-line human summary, e.g. {@code MedNeXt-v2 (v1-L schedule + GRN), C=32, k=3/3, 1 -> 3 classes, DS}. */
  public String describe() {
    String schedule = scheduleName();
    String grnText = grn ? (grnInDown0 ? " + GRN (all blocks)" : " + GRN (not in down_0)") : "";
    return String.format(Locale.ROOT, "MedNeXt%s (%s schedule%s), C=%d, kernels enc %d / dec %d, %d -> %d classes, %s",
        grn ? "-v2" : "", schedule, grnText, width, encoderKernel, decoderKernel, inChannels, numClasses,
        deepSupervision ? "deep supervision (5 heads)" : "1 head");
  }

  private String scheduleName() {
    if (Arrays.equals(expansion, V1_L_SCHEDULE) && Arrays.equals(blockCounts, V1_L_SCHEDULE)) return "v1-L";
    if (Arrays.equals(expansion, V1_B_EXPANSION) && Arrays.equals(blockCounts, new int[] {3, 4, 4, 4, 4, 4, 4, 4, 3})) return "v1-M";
    if (Arrays.equals(expansion, V1_B_EXPANSION) && Arrays.equals(blockCounts, filled(2))) return "v1-B";
    if (Arrays.equals(expansion, filled(2)) && Arrays.equals(blockCounts, filled(2))) return "v1-S";
    return "custom r=" + Arrays.toString(expansion) + " b=" + Arrays.toString(blockCounts);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MedNeXtConfig c && inChannels == c.inChannels && numClasses == c.numClasses && width == c.width
        && Arrays.equals(expansion, c.expansion) && Arrays.equals(blockCounts, c.blockCounts)
        && encoderKernel == c.encoderKernel && decoderKernel == c.decoderKernel && grn == c.grn
        && grnInDown0 == c.grnInDown0 && deepSupervision == c.deepSupervision;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(expansion) + Arrays.hashCode(blockCounts) + width * 7 + numClasses;
  }

  @Override
  public String toString() {
    return describe();
  }
}
