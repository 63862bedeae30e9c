package org.mednext.model;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.mednext.util.Checks;

/**
 * One configuration of a plans.json (e.g. {@code 3d_fullres}) with {@code inherits_from} resolved.
 *
 * <p>Every per-axis list ({@link #patchSize}, {@link #spacing}, strides) is in nnU-Net's transposed array
 * order, i.e. after {@code transpose_forward}; spacing in mm.
 *
 * @param name configuration name
 * @param dataIdentifier preprocessed-data folder name
 * @param preprocessorName preprocessing class, normally {@code DefaultPreprocessor}
 * @param batchSize training batch size
 * @param patchSize network input size per axis, also the sliding-window tile (2 or 3 entries)
 * @param spacing target spacing per axis in mm
 * @param medianImageSizeInVoxels informational; empty when absent
 * @param normalizationSchemes one normalization class name per input channel
 * @param useMaskForNorm per channel: normalize inside the non-zero mask only
 * @param resamplingData image resampling
 * @param resamplingSeg label resampling (training, cascade)
 * @param resamplingProbabilities logit resampling at export
 * @param architecture the network block
 * @param batchDice Dice over the whole batch instead of per sample
 * @param inheritsFrom the parent configuration, if any
 * @param previousStage the cascade's previous stage, if any
 * @param nextStages the cascade's next stages (empty if none)
 * @param resolved the configuration as nnU-Net resolves it (parent's keys updated by the child's; a copy is
 *     returned)
 */
public record Configuration(String name, String dataIdentifier, String preprocessorName, int batchSize,
    List<Integer> patchSize, List<Double> spacing, List<Double> medianImageSizeInVoxels,
    List<String> normalizationSchemes, List<Boolean> useMaskForNorm, Resampling resamplingData,
    Resampling resamplingSeg, Resampling resamplingProbabilities, Architecture architecture, boolean batchDice,
    Optional<String> inheritsFrom, Optional<String> previousStage, List<String> nextStages, JsonObject resolved) {

  /** Keys nnU-Net writes into a configuration; others are warned about. */
  static final Set<String> KNOWN_KEYS = Set.of(
      "data_identifier", "preprocessor_name", "batch_size", "patch_size", "median_image_size_in_voxels", "spacing",
      "normalization_schemes", "use_mask_for_norm", "resampling_fn_data", "resampling_fn_seg",
      "resampling_fn_data_kwargs", "resampling_fn_seg_kwargs", "resampling_fn_probabilities",
      "resampling_fn_probabilities_kwargs", "architecture", "batch_dice", "inherits_from", "previous_stage",
      "next_stage");

  /** The key whose presence marks plans from before nnU-Net had an "architecture" block. */
  private static final String OLD_FORMAT_KEY = "UNet_class_name";

  public Configuration {
    Objects.requireNonNull(name, "name == null");
    patchSize = List.copyOf(patchSize);
    spacing = List.copyOf(spacing);
    medianImageSizeInVoxels = List.copyOf(medianImageSizeInVoxels);
    normalizationSchemes = List.copyOf(normalizationSchemes);
    useMaskForNorm = List.copyOf(useMaskForNorm);
    nextStages = List.copyOf(nextStages);
    Checks.argument(patchSize.size() == spacing.size(), "patch size %s and spacing %s differ in length", patchSize, spacing);
    Checks.argument(normalizationSchemes.size() == useMaskForNorm.size(),
        "%d normalization schemes but %d use_mask_for_norm flags", normalizationSchemes.size(), useMaskForNorm.size());
    resolved = resolved.deepCopy();
  }

  /** A copy of the resolved configuration JSON. */
  @Override
  public JsonObject resolved() {
    return resolved.deepCopy();
  }

  /** Number of spatial axes: 2 or 3. */
  public int dimension() {
    return patchSize.size();
  }

  /** Number of input image channels the configuration normalizes (one scheme per channel). */
  public int numInputChannels() {
    return normalizationSchemes.size();
  }

  /** nnU-Net's {@code pool_op_kernel_sizes} = {@code architecture.arch_kwargs.strides}; empty when absent. */
  public List<List<Integer>> poolOpKernelSizes() {
    return architecture.strides();
  }

  /** The patch size as an int array (transposed array order). */
  public int[] patchSizeArray() {
    return patchSize.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Checks that the resampling functions a task uses are implemented here: the image's and the probabilities' for
   * prediction, and for training also the label maps' ({@code resampling_fn_seg}, which prediction never calls).
   *
   * @param withLabels whether label maps are resampled (training)
   * @throws ModelFormatException naming the configuration, the key and what is not implemented (a torch resampling
   *     mode other than nnU-Net's defaults)
   */
  public void requireSupportedResampling(boolean withLabels) throws ModelFormatException {
    check("resampling_fn_data", resamplingData);
    if (withLabels) check("resampling_fn_seg", resamplingSeg);
    check("resampling_fn_probabilities", resamplingProbabilities);
  }

  private void check(String key, Resampling r) throws ModelFormatException {
    if (r.isSupported()) return;
    // only the torch resampler has arguments this code does not implement
    throw new ModelFormatException("configuration " + name + ": " + key + "_kwargs of " + r.functionName() + ": "
        + ((Resampling.Torch) r).unsupported() + "; nnU-Net's planners write mode \"linear\" with aniso_axis_mode"
        + " \"nearest-exact\" (the defaults)");
  }

  /**
   * Parses a resolved configuration (cursor on it, path {@code configurations.<name>}).
   *
   * @param intensity the plans' foreground intensity properties by channel, to check CT normalization needs
   */
  static Configuration parse(String name, JsonCursor c, Map<Integer, IntensityProperties> intensity,
      Consumer<String> warnings) throws ModelFormatException {
    JsonObject o = c.object();
    if (!o.has("architecture") && o.has(OLD_FORMAT_KEY)) {
      throw c.field("architecture").failAlways("required key is missing: this plans.json has the old format (\""
          + OLD_FORMAT_KEY + "\"), which is not supported; plan the dataset again with a current nnU-Net"
          + " (nnUNetv2_plan_experiment)");
    }
    String dataId = c.field("data_identifier").string();
    String preprocessor = c.field("preprocessor_name").string();
    int batchSize = c.field("batch_size").integer(1);
    JsonCursor ps = c.field("patch_size");
    List<Integer> patch = ps.intList();
    if (patch.size() != 2 && patch.size() != 3) throw ps.failGot("expected 2 or 3 entries");
    for (int v : patch) if (v < 1) throw ps.failGot("entries must be >= 1");
    List<Double> spacing = positives(c.field("spacing"), patch.size());
    JsonCursor median = c.field("median_image_size_in_voxels");
    List<Double> medianSize = median.isAbsent() ? List.of() : median.numberList();
    JsonCursor ns = c.field("normalization_schemes");
    List<String> schemes = ns.stringList();
    if (schemes.isEmpty()) throw ns.fail("needs one entry per input channel, got []");
    JsonCursor um = c.field("use_mask_for_norm");
    List<Boolean> useMask = um.boolList();
    if (useMask.size() != schemes.size()) {
      throw um.fail("has " + useMask.size() + " entries but normalization_schemes has " + schemes.size());
    }
    for (int ch = 0; ch < schemes.size(); ch++) {
      if (schemes.get(ch).equals("CTNormalization") && !intensity.containsKey(ch)) {
        throw ns.list().get(ch).failAlways(
            "CTNormalization needs foreground_intensity_properties_per_channel \"" + ch + "\", which plans.json lacks");
      }
    }
    Resampling data = Resampling.parse(c.field("resampling_fn_data"), c.field("resampling_fn_data_kwargs"), warnings);
    Resampling seg = Resampling.parse(c.field("resampling_fn_seg"), c.field("resampling_fn_seg_kwargs"), warnings);
    Resampling prob = Resampling.parse(c.field("resampling_fn_probabilities"),
        c.field("resampling_fn_probabilities_kwargs"), warnings);
    Architecture arch = Architecture.parse(c.field("architecture"), patch.size());
    boolean batchDice = c.field("batch_dice").bool();
    Optional<String> parent = c.field("inherits_from").optString();
    Optional<String> previous = c.field("previous_stage").optString();
    JsonCursor next = c.field("next_stage");
    List<String> nextStages = next.isAbsent() ? List.of()
        : JsonCursor.isString(next.element()) ? List.of(next.string()) : next.stringList();
    return new Configuration(name, dataId, preprocessor, batchSize, patch, spacing, medianSize, schemes, useMask, data,
        seg, prob, arch, batchDice, parent, previous, nextStages, o);
  }

  private static List<Double> positives(JsonCursor c, int n) throws ModelFormatException {
    List<Double> v = c.numberList();
    if (v.size() != n) throw c.failGot("expected " + n + " entries (as patch_size)");
    for (double x : v) {
      if (!(x > 0) || Double.isInfinite(x)) throw c.failGot("entries must be finite and > 0");
    }
    return new ArrayList<>(v);
  }
}
