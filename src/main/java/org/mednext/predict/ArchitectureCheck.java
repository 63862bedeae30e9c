package org.mednext.predict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mednext.model.ArchitectureHints;
import org.mednext.net.MedNeXtConfig;

/**
 * Cross-check of a network inferred from a checkpoint's weights against the {@code architecture} block of the
 * plans. The weights decide what is built; differences are reported so that a mixed-up model folder is noticed.
 */
public final class ArchitectureCheck {

  private ArchitectureCheck() {}

  /** Human-readable differences (empty when the plans agree with the weights). */
  public static List<String> differences(MedNeXtConfig weights, ArchitectureHints plans) {
    List<String> out = new ArrayList<>();
    compare(out, "base width (n_channels)", weights.width(), plans.nChannels());
    compare(out, "expansion ratios (exp_r)", Arrays.toString(weights.expansion()), plans.expR().toString().replace(" ", "").replace(",", ", "));
    compare(out, "block counts", Arrays.toString(weights.blockCounts()), plans.blockCounts().toString().replace(" ", "").replace(",", ", "));
    compare(out, "encoder kernel", weights.encoderKernel(), plans.encKernelSize());
    compare(out, "decoder kernel", weights.decoderKernel(), plans.decKernelSize());
    compare(out, "grn", weights.grn(), plans.grn());
    if (weights.grn() && plans.grn()) compare(out, "GRN in down_0", weights.grnInDown0(), plans.grnInDown0());
    return out;
  }

  private static void compare(List<String> out, String what, Object weights, Object plans) {
    if (!weights.equals(plans)) out.add(what + ": weights " + weights + ", plans " + plans);
  }
}
