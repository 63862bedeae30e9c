package org.mednext.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import org.mednext.net.MedNeXtConfig;

/**
 * The plans.json {@code architecture} block for a MedNeXt network, in the form the reference class takes its
 * constructor arguments ({@code nnunet_mednext.network_architecture.mednextv1.MedNextV1.MedNeXt}), plus
 * {@code strides} for nnU-Net's deep-supervision scales. The official MedNeXt-v2 class name is not public yet; a
 * loader keys on these kwargs and on the state dict, not on the class name.
 */
public final class NetworkPlans {

  public static final String REFERENCE_CLASS = "nnunet_mednext.network_architecture.mednextv1.MedNextV1.MedNeXt";

  private NetworkPlans() {}

  public static JsonObject architecture(MedNeXtConfig n) {
    JsonObject arch = new JsonObject();
    arch.addProperty("network_class_name", REFERENCE_CLASS);
    JsonObject kw = new JsonObject();
    kw.addProperty("n_channels", n.width());
    kw.add("exp_r", ints(n.expansion()));
    if (n.encoderKernel() == n.decoderKernel()) {
      kw.addProperty("kernel_size", n.encoderKernel());
      kw.add("enc_kernel_size", JsonNull.INSTANCE);
      kw.add("dec_kernel_size", JsonNull.INSTANCE);
    } else {
      kw.add("kernel_size", JsonNull.INSTANCE);
      kw.addProperty("enc_kernel_size", n.encoderKernel());
      kw.addProperty("dec_kernel_size", n.decoderKernel());
    }
    kw.addProperty("do_res", true);
    kw.addProperty("do_res_up_down", true);
    kw.add("block_counts", ints(n.blockCounts()));
    kw.add("checkpoint_style", JsonNull.INSTANCE);
    kw.addProperty("norm_type", "group");
    kw.addProperty("dim", "3d");
    kw.addProperty("grn", n.grn());
    kw.addProperty("grn_in_down_0", n.grnInDown0());
    JsonArray strides = new JsonArray();
    strides.add(Planner.ints(new int[] {1, 1, 1}));
    for (int i = 0; i < 4; i++) strides.add(Planner.ints(new int[] {2, 2, 2}));
    kw.add("strides", strides);
    arch.add("arch_kwargs", kw);
    arch.add("_kw_requires_import", new JsonArray());
    return arch;
  }

  private static JsonArray ints(int[] v) {
    return Planner.ints(v);
  }
}
