package org.mednext.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.mednext.net.ArchitectureInference;
import org.mednext.net.MedNeXtConfig;
import org.mednext.torch.OrderedDict;
import org.mednext.torch.PyTuple;
import org.mednext.torch.TensorData;
import org.mednext.torch.TorchCheckpoint;

/**
 * Writes a small, valid nnU-Net model folder of a tiny MedNeXt-v2 network (C = 4, one block per stage, expansion
 * 2, kernel 3, GRN, deep supervision, 1 input channel, 3 classes: background, a, b), so that tests need no shared
 * data. Layout: {@code <root>/Dataset999_Tiny/nnUNetTrainer_MedNeXtV2__nnUNetPlans__3d_fullres/} with
 * dataset.json, plans.json (3d_fullres, patch 32^3, spacing 1 mm, z-score normalization) and
 * {@code fold_0/checkpoint_final.pth} (plus {@code fold_1/} when asked for two folds).
 *
 * <p>Two kinds of weights:
 * <ul>
 *   <li>{@link Weights#RANDOM}: seeded random values; a deterministic but meaningless segmentation.
 *   <li>{@link Weights#THRESHOLD}: every block's last convolution is zero, so each block is the identity (or zero
 *       for the resampling paths) and the network reduces to {@code out_0(stem(x))}: a per-voxel linear function of
 *       the normalized intensity z. The head gives logits (0, 4z - 2, 8z - 8): label 0 for z &lt; 0.5, label 1
 *       (a) for 0.5 &lt; z &lt; 1.5 and label 2 (b) above, which tests can compute independently.
 * </ul>
 */
public final class TinyModelFolder {

  /** How the weights are chosen. */
  public enum Weights {
    RANDOM,
    THRESHOLD,
    /** RANDOM with NaN in two values of {@code stem.weight}: a damaged checkpoint. */
    DAMAGED,
    /**
     * For a cascade's second stage ({@link #writeCascade}): as THRESHOLD, but the logits are (0, 4h1 - 2, 4h2 - 2)
     * from the one-hot channels h1, h2 of the previous stage's labels 1 and 2, so the network gives back the previous
     * stage's segmentation on its grid, whatever the image holds.
     */
    PREVIOUS_STAGE
  }

  /** The network of every tiny model. */
  public static final MedNeXtConfig CONFIG = config(1);

  /** Normalized-intensity thresholds of {@link Weights#THRESHOLD}: label 1 from the first, label 2 from the second. */
  public static final double[] THRESHOLDS = {0.5, 1.5};

  private TinyModelFolder() {}

  /** Writes a one-fold model under {@code root}; returns the model folder. */
  public static Path write(Path root, Weights weights) throws IOException {
    return write(root, weights, 1);
  }

  /** Writes a model with {@code folds} folds (fold_0, fold_1, ...) under {@code root}; returns the model folder. */
  public static Path write(Path root, Weights weights, int folds) throws IOException {
    Path model = root.resolve("Dataset999_Tiny").resolve("nnUNetTrainer_MedNeXtV2__nnUNetPlans__3d_fullres");
    Files.createDirectories(model);
    Files.writeString(model.resolve("dataset.json"), DATASET_JSON);
    Files.writeString(model.resolve("plans.json"), PLANS_JSON);
    for (int f = 0; f < folds; f++) {
      Path fold = model.resolve("fold_" + f);
      Files.createDirectories(fold);
      TorchCheckpoint.write(fold.resolve("checkpoint_final.pth"), checkpoint(CONFIG, weights, 17 + f));
    }
    return model;
  }

  /**
   * Writes a one-fold model whose network reads one input channel per name (each z-scored); with
   * {@link Weights#THRESHOLD} it segments by channel 0 alone, whatever the others hold.
   */
  public static Path write(Path root, Weights weights, String... channelNames) throws IOException {
    Path model = write(root, weights, 1);
    String names = "";
    String schemes = "";
    String masks = "";
    for (int c = 0; c < channelNames.length; c++) {
      String sep = c == 0 ? "" : ", ";
      names += sep + "\"" + c + "\": \"" + channelNames[c] + "\"";
      schemes += sep + "\"ZScoreNormalization\"";
      masks += sep + "false";
    }
    Files.writeString(model.resolve("dataset.json"), DATASET_JSON.replace("{\"0\": \"MR\"}", "{" + names + "}"));
    Files.writeString(model.resolve("plans.json"), PLANS_JSON
        .replace("[\"ZScoreNormalization\"]", "[" + schemes + "]").replace("[false]", "[" + masks + "]"));
    TorchCheckpoint.write(model.resolve("fold_0/checkpoint_final.pth"),
        checkpoint(config(channelNames.length), weights, 17));
    return model;
  }

  /**
   * Writes the second stage of a cascade: plans with nnU-Net's 3d_lowres (2 mm) and 3d_cascade_fullres (inherits
   * 3d_fullres, previous_stage 3d_lowres) configurations, a checkpoint of that configuration whose network takes the
   * image's channel and one per foreground label (3 in all), in
   * {@code <root>/Dataset999_Tiny/nnUNetTrainer_MedNeXtV2__nnUNetPlans__3d_cascade_fullres/}.
   *
   * @param channels the network's input channels (3 for a faithful model; others make a mismatched one)
   */
  public static Path writeCascade(Path root, Weights weights, int channels) throws IOException {
    Path model = root.resolve("Dataset999_Tiny").resolve("nnUNetTrainer_MedNeXtV2__nnUNetPlans__3d_cascade_fullres");
    Files.createDirectories(model.resolve("fold_0"));
    Files.writeString(model.resolve("dataset.json"), DATASET_JSON);
    Files.writeString(model.resolve("plans.json"), PLANS_JSON.replace("\n    }\n  },", "\n    },\n"
        + "    \"3d_lowres\": {\"inherits_from\": \"3d_fullres\", \"data_identifier\": \"nnUNetPlans_3d_lowres\", "
        + "\"spacing\": [2.0, 2.0, 2.0], \"next_stage\": \"3d_cascade_fullres\"},\n"
        + "    \"3d_cascade_fullres\": {\"inherits_from\": \"3d_fullres\", \"previous_stage\": \"3d_lowres\"}\n  },"));
    Map<String, Object> ckpt = checkpoint(config(channels), weights, 17);
    @SuppressWarnings("unchecked")
    Map<String, Object> initArgs = (Map<String, Object>) ckpt.get("init_args");
    initArgs.put("configuration", "3d_cascade_fullres");
    TorchCheckpoint.write(model.resolve("fold_0/checkpoint_final.pth"), ckpt);
    return model;
  }

  /** The root object of an nnU-Net checkpoint: network_weights in state-dict order plus trainer fields. */
  static Map<String, Object> checkpoint(MedNeXtConfig config, Weights weights, long seed) {
    OrderedDict state = new OrderedDict();
    Random random = new Random(seed);
    for (Map.Entry<String, long[]> e : ArchitectureInference.expectedShapes(config).entrySet()) {
      state.put(e.getKey(), TensorData.ofFloats(e.getValue(), values(e.getKey(), e.getValue(), weights, random)));
    }
    Map<String, Object> initArgs = new LinkedHashMap<>();
    initArgs.put("configuration", "3d_fullres");
    initArgs.put("fold", 0L);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("network_weights", state);
    root.put("trainer_name", "nnUNetTrainer_MedNeXtV2");
    root.put("init_args", initArgs);
    root.put("inference_allowed_mirroring_axes", PyTuple.of(0L, 1L, 2L));
    root.put("current_epoch", 1000L);
    return root;
  }

  private static float[] values(String key, long[] shape, Weights weights, Random random) {
    long n = 1;
    for (long s : shape) n *= s;
    float[] v = new float[(int) n];
    if (weights == Weights.PREVIOUS_STAGE) {
      if (key.endsWith(".norm.weight") || key.equals("dummy_tensor")) java.util.Arrays.fill(v, 1f);
      int in = (int) (shape.length > 1 ? shape[1] : 1);
      if (key.equals("stem.weight") && in == 3) { // (C, 3, 1, 1, 1): channel k reads input k (the one-hot of label k)
        v[1 * in + 1] = 1f;
        v[2 * in + 2] = 1f;
      }
      if (key.equals("out_0.conv_out.weight")) { // (classes, C, 1, 1, 1): class k reads channel k
        v[1 * in + 1] = 4f;
        v[2 * in + 2] = 4f;
      }
      if (key.equals("out_0.conv_out.bias")) {
        v[1] = -2f;
        v[2] = -2f;
      }
      return v;
    }
    if (weights == Weights.THRESHOLD) {
      if (key.endsWith(".norm.weight") || key.equals("dummy_tensor")) java.util.Arrays.fill(v, 1f);
      if (key.equals("stem.weight")) v[0] = 1f; // channel 0 = the normalized input; other channels 0
      if (key.equals("out_0.conv_out.weight")) { // (in = C, out = classes, 1, 1, 1): class k reads channel 0
        v[1] = 4f;
        v[2] = 8f;
      }
      if (key.equals("out_0.conv_out.bias")) {
        v[1] = -2f;
        v[2] = -8f;
      }
      return v;
    }
    long fanIn = 1;
    for (int d = 1; d < shape.length; d++) fanIn *= shape[d];
    double scale = shape.length >= 2 ? 1 / Math.sqrt(fanIn) : 0.1;
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (random.nextGaussian() * scale + (key.endsWith(".norm.weight") ? 1 : 0));
    }
    if (weights == Weights.DAMAGED && key.equals("stem.weight")) {
      v[0] = Float.NaN;
      v[1] = Float.NaN;
    }
    return v;
  }

  /**
   * The labels {@link Weights#THRESHOLD} gives for intensities {@code x}: z-scored over the whole image (nnU-Net's
   * ZScoreNormalization without mask: mean and standard deviation in double, ddof 0), then thresholded.
   */
  public static short[] thresholdLabels(float[] x) {
    double sum = 0;
    for (float f : x) sum += f;
    double mean = sum / x.length;
    double ss = 0;
    for (float f : x) ss += (f - mean) * (f - mean);
    double std = Math.sqrt(ss / x.length);
    short[] out = new short[x.length];
    for (int i = 0; i < x.length; i++) {
      double z = (x[i] - mean) / Math.max(std, 1e-8);
      out[i] = (short) (z > THRESHOLDS[1] ? 2 : z > THRESHOLDS[0] ? 1 : 0);
    }
    return out;
  }

  /** The tiny network with {@code channels} input channels. */
  private static MedNeXtConfig config(int channels) {
    return new MedNeXtConfig(channels, 3, 4, filled(2), filled(1), 3, 3, true, false, true);
  }

  private static int[] filled(int value) {
    int[] a = new int[9];
    java.util.Arrays.fill(a, value);
    return a;
  }

  private static final String DATASET_JSON = String.join("\n",
      "{",
      "  \"channel_names\": {\"0\": \"MR\"},",
      "  \"labels\": {\"background\": 0, \"a\": 1, \"b\": 2},",
      "  \"numTraining\": 4,",
      "  \"file_ending\": \".nii.gz\",",
      "  \"name\": \"Tiny\",",
      "  \"description\": \"tiny test model written by TinyModelFolder; NOT a trained model\"",
      "}", "");

  private static final String RESAMPLING = "\"resample_data_or_seg_to_shape\"";

  private static final String PLANS_JSON = String.format(Locale.ROOT, String.join("\n",
      "{",
      "  \"dataset_name\": \"Dataset999_Tiny\",",
      "  \"plans_name\": \"nnUNetPlans\",",
      "  \"original_median_spacing_after_transp\": [1.0, 1.0, 1.0],",
      "  \"original_median_shape_after_transp\": [40, 40, 40],",
      "  \"image_reader_writer\": \"NibabelIO\",",
      "  \"transpose_forward\": [0, 1, 2],",
      "  \"transpose_backward\": [0, 1, 2],",
      "  \"configurations\": {",
      "    \"3d_fullres\": {",
      "      \"data_identifier\": \"nnUNetPlans_3d_fullres\",",
      "      \"preprocessor_name\": \"DefaultPreprocessor\",",
      "      \"batch_size\": 2,",
      "      \"patch_size\": [32, 32, 32],",
      "      \"median_image_size_in_voxels\": [40.0, 40.0, 40.0],",
      "      \"spacing\": [1.0, 1.0, 1.0],",
      "      \"normalization_schemes\": [\"ZScoreNormalization\"],",
      "      \"use_mask_for_norm\": [false],",
      "      \"resampling_fn_data\": %1$s,",
      "      \"resampling_fn_seg\": %1$s,",
      "      \"resampling_fn_data_kwargs\": {\"is_seg\": false, \"order\": 3, \"order_z\": 0, "
          + "\"force_separate_z\": null},",
      "      \"resampling_fn_seg_kwargs\": {\"is_seg\": true, \"order\": 1, \"order_z\": 0, "
          + "\"force_separate_z\": null},",
      "      \"resampling_fn_probabilities\": %1$s,",
      "      \"resampling_fn_probabilities_kwargs\": {\"is_seg\": false, \"order\": 1, \"order_z\": 0, "
          + "\"force_separate_z\": null},",
      "      \"architecture\": {",
      "        \"network_class_name\": \"nnunet_mednext.network_architecture.mednextv1.MedNextV1.MedNeXt\",",
      "        \"arch_kwargs\": {",
      "          \"n_channels\": 4,",
      "          \"exp_r\": [2, 2, 2, 2, 2, 2, 2, 2, 2],",
      "          \"kernel_size\": 3,",
      "          \"enc_kernel_size\": null,",
      "          \"dec_kernel_size\": null,",
      "          \"do_res\": true,",
      "          \"do_res_up_down\": true,",
      "          \"block_counts\": [1, 1, 1, 1, 1, 1, 1, 1, 1],",
      "          \"checkpoint_style\": null,",
      "          \"norm_type\": \"group\",",
      "          \"dim\": \"3d\",",
      "          \"grn\": true,",
      "          \"strides\": [[1, 1, 1], [2, 2, 2], [2, 2, 2], [2, 2, 2], [2, 2, 2]]",
      "        },",
      "        \"_kw_requires_import\": []",
      "      },",
      "      \"batch_dice\": false",
      "    }",
      "  },",
      "  \"experiment_planner_used\": \"hand-written (TinyModelFolder)\",",
      "  \"label_manager\": \"LabelManager\",",
      "  \"foreground_intensity_properties_per_channel\": {",
      "    \"0\": {\"max\": 255.0, \"mean\": 100.0, \"median\": 100.0, \"min\": 0.0, \"percentile_00_5\": 1.0,",
      "           \"percentile_99_5\": 250.0, \"std\": 40.0}",
      "  }",
      "}", ""), RESAMPLING);
}
