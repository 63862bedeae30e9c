package org.mednext.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The MedNeXt hyper-parameters read from a configuration's {@code architecture.arch_kwargs}, resolved the way
 * the reference constructor ({@code MedNeXt(in_channels, n_channels, n_classes, **arch_kwargs)}) resolves them:
 * missing keys take its defaults, an integer {@code exp_r} is repeated 9 times, and a non-null
 * {@code kernel_size} overrides {@code enc_kernel_size} and {@code dec_kernel_size}. No network code is involved;
 * the network builder cross-checks these against the checkpoint's tensors.
 *
 * <p>Lists of 9 are indexed {@code [enc0, enc1, enc2, enc3, bottleneck, dec3, dec2, dec1, dec0]}.
 *
 * @param nChannels base width C (stage widths C·2^l)
 * @param expR expansion ratio per stage (9 entries)
 * @param encKernelSize depthwise kernel of encoder blocks and down blocks (odd)
 * @param decKernelSize depthwise kernel of bottleneck, up and decoder blocks (odd)
 * @param blockCounts blocks per stage (9 entries)
 * @param grn 3D Global Response Normalization in the blocks (MedNeXt-v2)
 * @param grnInDown0 GRN also in {@code down_0} ({@code grn_in_down_0}, default false, as in the reference code)
 * @param doRes residual connections in the standard blocks
 * @param doResUpDown residual connections in the up and down blocks
 * @param normType {@code group} or {@code layer}
 * @param dim {@code 3d} or {@code 2d}
 * @param strides {@code arch_kwargs.strides} per stage (empty when absent)
 */
public record ArchitectureHints(int nChannels, List<Integer> expR, int encKernelSize, int decKernelSize,
    List<Integer> blockCounts, boolean grn, boolean grnInDown0, boolean doRes, boolean doResUpDown, String normType,
    String dim, List<List<Integer>> strides) {

  /** Number of stages in the 9-lists. */
  public static final int STAGES = 9;

  // Defaults of the reference constructor (MIC-DKFZ/MedNeXt, MedNextV1.MedNeXt.__init__).
  private static final int DEFAULT_EXP_R = 4;
  private static final int DEFAULT_KERNEL = 7;
  private static final int DEFAULT_BLOCKS = 2;

  private static final Set<String> NORM_TYPES = Set.of("group", "layer");
  private static final Set<String> DIMS = Set.of("2d", "3d");

  public ArchitectureHints {
    expR = List.copyOf(expR);
    blockCounts = List.copyOf(blockCounts);
    List<List<Integer>> s = new ArrayList<>();
    for (List<Integer> st : strides) s.add(List.copyOf(st));
    strides = Collections.unmodifiableList(s);
    Objects.requireNonNull(normType, "normType == null");
    Objects.requireNonNull(dim, "dim == null");
  }

  /**
   * Whether arch_kwargs describe a MedNeXt: the class name mentions MedNeXt, or the kwargs carry the
   * MedNeXt-specific {@code n_channels} and {@code block_counts} (the spec says to key on kwargs, not names).
   */
  static boolean isMedNeXtLike(String networkClassName, JsonObject archKwargs) {
    String simple = networkClassName.substring(networkClassName.lastIndexOf('.') + 1);
    return simple.toLowerCase(Locale.ROOT).contains("mednext")
        || (archKwargs.has("n_channels") && archKwargs.has("block_counts"));
  }

  /** Parses arch_kwargs (cursor on the object); {@code strides} were parsed by {@link Architecture}. */
  static ArchitectureHints parse(JsonCursor kw, List<List<Integer>> strides) throws ModelFormatException {
    int nChannels = kw.field("n_channels").integer(1);
    JsonCursor bc = kw.field("block_counts");
    List<Integer> blocks = bc.isMissing() ? Collections.nCopies(STAGES, DEFAULT_BLOCKS) : bc.intList();
    if (blocks.size() != STAGES) throw bc.failGot("expected a list of " + STAGES + " integers");
    for (int b : blocks) if (b < 0) throw bc.failGot("block counts must be >= 0");
    List<Integer> expR = expansion(kw.field("exp_r"));
    JsonCursor k = kw.field("kernel_size");
    int enc;
    int dec;
    if (k.isMissing() || !k.isAbsent()) {
      enc = k.isMissing() ? DEFAULT_KERNEL : kernel(k);
      dec = enc;
    } else {
      enc = kernel(kw.field("enc_kernel_size"));
      dec = kernel(kw.field("dec_kernel_size"));
    }
    String norm = choice(kw.field("norm_type"), "group", NORM_TYPES);
    String dim = choice(kw.field("dim"), "3d", DIMS);
    return new ArchitectureHints(nChannels, expR, enc, dec, blocks, kw.field("grn").bool(false),
        kw.field("grn_in_down_0").bool(false), kw.field("do_res").bool(false), kw.field("do_res_up_down").bool(false),
        norm, dim, strides);
  }

  private static List<Integer> expansion(JsonCursor c) throws ModelFormatException {
    if (c.isMissing()) return Collections.nCopies(STAGES, DEFAULT_EXP_R);
    JsonElement e = c.element();
    Integer scalar = JsonCursor.asInteger(e);
    List<Integer> values = scalar != null ? Collections.nCopies(STAGES, scalar) : null;
    if (values == null && e.isJsonArray()) {
      values = new ArrayList<>();
      for (JsonElement x : e.getAsJsonArray()) values.add(JsonCursor.asInteger(x));
    }
    if (values == null || values.size() != STAGES || values.contains(null)) {
      throw c.fail("expected an integer or a list of " + STAGES + " integers, got " + JsonCursor.describe(e));
    }
    for (int v : values) if (v < 1) throw c.fail("expansion ratios must be >= 1, got " + JsonCursor.describe(e));
    return values;
  }

  private static int kernel(JsonCursor c) throws ModelFormatException {
    if (c.isAbsent()) {
      throw c.failAlways("needs an odd integer when kernel_size is null (the reference constructor would fail)");
    }
    int v = c.integer();
    if (v < 1 || v % 2 == 0) throw c.fail("must be an odd integer >= 1, got " + v);
    return v;
  }

  private static String choice(JsonCursor c, String defaultValue, Set<String> allowed) throws ModelFormatException {
    if (c.isMissing()) return defaultValue;
    String v = c.string();
    if (!allowed.contains(v)) throw c.fail("expected one of " + new TreeSet<>(allowed) + ", got \"" + v + "\"");
    return v;
  }
}
