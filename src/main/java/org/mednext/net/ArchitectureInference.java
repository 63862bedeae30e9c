package org.mednext.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reconstructs a {@link MedNeXtConfig} from the key names and tensor shapes of a state dict alone: widths from the
 * stem, classes from {@code out_0}, block counts from the block indices, expansion ratios from the {@code conv2}
 * widths, kernels from the {@code conv1} weights, GRN placement from the presence of {@code grn_gamma} keys, deep
 * supervision from {@code out_1..out_4}. The result is then checked key by key against the full table the config
 * implies, so anything it cannot express is a clear error instead of a silent mismatch.
 */
public final class ArchitectureInference {

  private static final Pattern BLOCK = Pattern.compile("^(enc_block_[0-3]|bottleneck|dec_block_[0-3])\\.(\\d+)\\.");

  private ArchitectureInference() {}

  /**
   * The configuration whose state dict has exactly these keys and shapes ({@code dummy_tensor} may be absent).
   *
   * @param shapes state-dict key (without {@code module.} / {@code _orig_mod.} prefixes) -> tensor shape
   * @throws UnsupportedNetworkException for networks that are not MedNeXt, or MedNeXt variants this code does not
   *     express, naming what was found
   */
  public static MedNeXtConfig infer(Map<String, long[]> shapes) {
    rejectOtherNetworks(shapes);
    long[] stem = require(shapes, "stem.weight", 5);
    long[] head = require(shapes, "out_0.conv_out.weight", 5);
    int in = (int) stem[1];
    int width = (int) stem[0];
    int classes = (int) head[1];
    int[] counts = new int[9];
    for (String key : shapes.keySet()) {
      Matcher m = BLOCK.matcher(key);
      if (m.find()) {
        int slot = slot(m.group(1));
        counts[slot] = Math.max(counts[slot], Integer.parseInt(m.group(2)) + 1);
      }
    }
    for (int i = 0; i < 9; i++) {
      if (counts[i] == 0) {
        throw new UnsupportedNetworkException("state dict has no blocks for " + slotName(i)
            + ": not a 5-level MedNeXt (keys found: " + summary(shapes) + ")");
      }
    }
    int[] expansion = new int[9];
    for (int l = 0; l < 4; l++) {
      expansion[l] = ratio(shapes, "enc_block_" + l + ".0", width << l);
      expansion[8 - l] = ratio(shapes, "dec_block_" + l + ".0", width << l);
    }
    expansion[4] = ratio(shapes, "bottleneck.0", width << 4);
    int encoderKernel = (int) require(shapes, "enc_block_0.0.conv1.weight", 5)[2];
    int decoderKernel = (int) require(shapes, "bottleneck.0.conv1.weight", 5)[2];
    boolean down0 = shapes.containsKey("down_0.grn_gamma");
    boolean others = shapes.containsKey("enc_block_0.0.grn_gamma");
    boolean deepSupervision = shapes.containsKey("out_1.conv_out.weight");
    MedNeXtConfig config;
    try {
      config = new MedNeXtConfig(in, classes, width, expansion, counts, encoderKernel, decoderKernel,
          others || down0, down0, deepSupervision);
    } catch (IllegalArgumentException e) {
      throw new UnsupportedNetworkException("state dict describes an unsupported MedNeXt: " + e.getMessage());
    }
    checkAgainst(config, shapes);
    return config;
  }

  /** Lists every difference between the config's table and the given shapes; throws if there is any. */
  static void checkAgainst(MedNeXtConfig config, Map<String, long[]> shapes) {
    Map<String, long[]> expected = expectedShapes(config);
    List<String> problems = new ArrayList<>();
    TreeSet<String> missing = new TreeSet<>(expected.keySet());
    missing.removeAll(shapes.keySet());
    missing.remove("dummy_tensor");
    TreeSet<String> unexpected = new TreeSet<>(shapes.keySet());
    unexpected.removeAll(expected.keySet());
    if (!missing.isEmpty()) problems.add("missing " + cap(missing));
    if (!unexpected.isEmpty()) problems.add("unexpected " + cap(unexpected));
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      long[] got = shapes.get(e.getKey());
      if (got != null && !Arrays.equals(got, e.getValue())) {
        problems.add(e.getKey() + " has shape " + Arrays.toString(got) + ", expected " + Arrays.toString(e.getValue()));
      }
    }
    if (!problems.isEmpty()) {
      throw new UnsupportedNetworkException("state dict does not fit the MedNeXt it looks like (" + config.describe()
          + "): " + String.join("; ", problems.subList(0, Math.min(problems.size(), 6)))
          + (problems.size() > 6 ? "; and " + (problems.size() - 6) + " more" : "")
          + ". Supported: MedNeXt v1/v2 as in MIC-DKFZ/MedNeXt (GRN in all blocks, or in all but down_0)");
    }
  }

  /** The state-dict table (key -> PyTorch shape) a configuration implies, without building a network. */
  public static Map<String, long[]> expectedShapes(MedNeXtConfig config) {
    Map<String, long[]> out = new LinkedHashMap<>();
    int[] r = config.expansion();
    int[] b = config.blockCounts();
    out.put("dummy_tensor", new long[] {1});
    out.put("stem.weight", new long[] {config.width(), config.inChannels(), 1, 1, 1});
    out.put("stem.bias", new long[] {config.width()});
    for (int l = 0; l < 4; l++) {
      int c = config.stageWidth(l);
      for (int i = 0; i < b[l]; i++) block(out, "enc_block_" + l + "." + i, c, c, r[l], config.encoderKernel(), config.grn(), 0);
      block(out, "down_" + l, c, 2 * c, r[l + 1], config.encoderKernel(), config.grn() && (l > 0 || config.grnInDown0()), 1);
    }
    for (int i = 0; i < b[4]; i++) block(out, "bottleneck." + i, config.stageWidth(4), config.stageWidth(4), r[4], config.decoderKernel(), config.grn(), 0);
    for (int l = 3; l >= 0; l--) {
      int c = config.stageWidth(l);
      block(out, "up_" + l, 2 * c, c, r[8 - l], config.decoderKernel(), config.grn(), 2);
      for (int i = 0; i < b[8 - l]; i++) block(out, "dec_block_" + l + "." + i, c, c, r[8 - l], config.decoderKernel(), config.grn(), 0);
    }
    int heads = config.deepSupervision() ? 5 : 1;
    for (int h = 0; h < heads; h++) {
      out.put("out_" + h + ".conv_out.weight", new long[] {config.stageWidth(h), config.numClasses(), 1, 1, 1});
      out.put("out_" + h + ".conv_out.bias", new long[] {config.numClasses()});
    }
    return out;
  }

  /** kind: 0 standard, 1 down, 2 up. */
  private static void block(Map<String, long[]> out, String p, int in, int outCh, int r, int k, boolean grn, int kind) {
    int e = r * in;
    if (grn) {
      out.put(p + ".grn_beta", new long[] {1, e, 1, 1, 1});
      out.put(p + ".grn_gamma", new long[] {1, e, 1, 1, 1});
    }
    out.put(p + ".conv1.weight", new long[] {in, 1, k, k, k});
    out.put(p + ".conv1.bias", new long[] {in});
    out.put(p + ".norm.weight", new long[] {in});
    out.put(p + ".norm.bias", new long[] {in});
    out.put(p + ".conv2.weight", new long[] {e, in, 1, 1, 1});
    out.put(p + ".conv2.bias", new long[] {e});
    out.put(p + ".conv3.weight", new long[] {outCh, e, 1, 1, 1});
    out.put(p + ".conv3.bias", new long[] {outCh});
    if (kind == 1) out.put(p + ".res_conv.weight", new long[] {outCh, in, 1, 1, 1});
    if (kind == 2) out.put(p + ".res_conv.weight", new long[] {in, outCh, 1, 1, 1});
    if (kind != 0) out.put(p + ".res_conv.bias", new long[] {outCh});
  }

  private static void rejectOtherNetworks(Map<String, long[]> shapes) {
    if (shapes.containsKey("stem.weight") && shapes.containsKey("out_0.conv_out.weight")) return;
    boolean nnunet = shapes.keySet().stream().anyMatch(k -> k.startsWith("encoder.stages.") || k.startsWith("decoder.seg_layers."));
    if (nnunet) {
      boolean residual = shapes.keySet().stream().anyMatch(k -> k.contains(".blocks.") || k.contains("skip"));
      throw new UnsupportedNetworkException("this checkpoint holds an nnU-Net " + (residual ? "ResidualEncoderUNet" : "PlainConvUNet")
          + " (keys encoder.stages.*, decoder.seg_layers.*), not a MedNeXt: only MedNeXt v1/v2 networks are supported");
    }
    throw new UnsupportedNetworkException("not a MedNeXt state dict (no stem.weight / out_0.conv_out.weight); keys found: "
        + summary(shapes));
  }

  private static int ratio(Map<String, long[]> shapes, String prefix, int channels) {
    long[] w = require(shapes, prefix + ".conv2.weight", 5);
    if (w[1] != channels || w[0] % channels != 0) {
      throw new UnsupportedNetworkException(String.format(Locale.ROOT,
          "%s.conv2.weight has shape %s: expected (r x %d, %d, 1, 1, 1) for a MedNeXt stage of width %d",
          prefix, Arrays.toString(w), channels, channels, channels));
    }
    return (int) (w[0] / channels);
  }

  private static long[] require(Map<String, long[]> shapes, String key, int dims) {
    long[] s = shapes.get(key);
    if (s == null) throw new UnsupportedNetworkException("state dict lacks " + key + " (keys found: " + summary(shapes) + ")");
    if (s.length != dims) {
      throw new UnsupportedNetworkException(key + " has " + s.length + " dimensions " + Arrays.toString(s) + ", expected " + dims);
    }
    return s;
  }

  private static int slot(String name) {
    if (name.equals("bottleneck")) return 4;
    int l = name.charAt(name.length() - 1) - '0';
    return name.startsWith("enc") ? l : 8 - l;
  }

  private static String slotName(int i) {
    return i < 4 ? "enc_block_" + i : i == 4 ? "bottleneck" : "dec_block_" + (8 - i);
  }

  private static String summary(Map<String, long[]> shapes) {
    List<String> keys = new ArrayList<>(shapes.keySet());
    return keys.size() <= 5 ? keys.toString() : keys.subList(0, 5) + " ... (" + keys.size() + " keys)";
  }

  private static String cap(TreeSet<String> keys) {
    List<String> l = new ArrayList<>(keys);
    return l.size() <= 5 ? l.toString() : l.subList(0, 5) + " (+" + (l.size() - 5) + ")";
  }
}
