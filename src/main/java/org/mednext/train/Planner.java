package org.mednext.train;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.mednext.model.ModelFormatException;
import org.mednext.model.Plans;
import org.mednext.net.MedNeXtConfig;
import org.mednext.preprocess.Cropping;
import org.mednext.preprocess.Normalization;
import org.mednext.task.Progress;
import org.mednext.util.Checks;

/**
 * A small nnU-Net-style experiment planner for training from scratch (fine-tuning inherits the pretrained
 * model's plans instead, see {@link #withPatchSize}). From a dataset fingerprint it derives the target spacing
 * (median, with nnU-Net's rule for strongly anisotropic data), the transpose (largest spacing first), the
 * normalisation per channel (CT statistics of the foreground; z-score with the non-zero mask when cropping removes
 * much), and a patch size that is a multiple of 16 (MedNeXt's 4 stride-2 levels) no larger than the median image.
 */
public final class Planner {

  /** Default patch edge on a CPU: 128^3 is nnU-Net's GPU budget; 64^3 trains about 8x cheaper. */
  public static final int DEFAULT_PATCH_EDGE = 64;

  /** Foreground samples kept per case for the intensity statistics (nnU-Net draws 10e7 / n_cases). */
  static final int INTENSITY_SAMPLES_PER_CASE = 1_000_000;
  /**
   * The reader our plans name: training reads files as nnU-Net's SimpleITKIO does (see {@link TrainingData.Loaded}),
   * so that prediction reads them alike, here and in Python nnU-Net.
   */
  static final String IMAGE_READER_WRITER = "SimpleITKIO";

  private Planner() {}

  /**
   * Statistics of a dataset: per case spacing and cropped shape (nnU-Net order), foreground intensity samples.
   *
   * @param spacings (z, y, x) mm per case
   * @param croppedShapes shape after cropping to the non-zero box, per case
   * @param relativeSizeAfterCrop cropped voxels / original voxels per case
   * @param foreground per channel, a sample of intensities where the label is > 0
   */
  public record Fingerprint(List<double[]> spacings, List<int[]> croppedShapes, double[] relativeSizeAfterCrop,
      float[][] foreground) {}

  /** Reads every case once and collects the fingerprint. */
  public static Fingerprint fingerprint(TrainingData data, int threads, Progress progress) throws IOException {
    int n = data.cases().size();
    List<double[]> spacings = new ArrayList<>();
    List<int[]> shapes = new ArrayList<>();
    double[] relative = new double[n];
    int channels = data.dataset().numChannels();
    List<List<float[]>> samples = new ArrayList<>();
    for (int c = 0; c < channels; c++) samples.add(new ArrayList<>());
    progress.start("fingerprinting " + n + " cases", n);
    for (int i = 0; i < n; i++) {
      progress.checkCancelled();
      TrainingData.Loaded l = data.cases().get(i).load();
      spacings.add(l.spacing());
      Cropping.Result crop = Cropping.cropToNonzero(l.channels(), l.shape(), threads);
      shapes.add(crop.shapeAfter());
      relative[i] = (double) size(crop.shapeAfter()) / size(l.shape());
      SplittableRandom rnd = new SplittableRandom(1234 + i);
      for (int c = 0; c < channels; c++) samples.get(c).add(foregroundSample(l.channels()[c], l.labels(), rnd));
      progress.update(i + 1);
    }
    float[][] fg = new float[channels][];
    for (int c = 0; c < channels; c++) fg[c] = concat(samples.get(c));
    return new Fingerprint(spacings, shapes, relative, fg);
  }

  private static float[] foregroundSample(float[] image, short[] labels, SplittableRandom rnd) {
    int count = 0;
    for (short l : labels) if (l > 0) count++;
    float[] all = new float[count];
    int j = 0;
    for (int i = 0; i < labels.length; i++) if (labels[i] > 0) all[j++] = image[i];
    if (count <= INTENSITY_SAMPLES_PER_CASE) return all;
    float[] out = new float[INTENSITY_SAMPLES_PER_CASE]; // drawn with replacement, as nnU-Net
    for (int i = 0; i < out.length; i++) out[i] = all[rnd.nextInt(count)];
    return out;
  }

  /**
   * Plans for training {@code network} from scratch on a dataset with this fingerprint.
   *
   * @param patch patch size in the transposed order, or null for the default (64^3, capped at the median image
   *     size rounded up to 16)
   * @param spacing target spacing (z, y, x) mm in the images' array order, or null for the median
   */
  public static Plans plan(Fingerprint fp, org.mednext.model.DatasetJson dataset, String datasetName, MedNeXtConfig network,
      int[] patch, double[] spacing, int batchSize) throws ModelFormatException {
    if (spacing != null) {
      Checks.argument(spacing.length == 3 && spacing[0] > 0 && spacing[1] > 0 && spacing[2] > 0,
          "target spacing must be 3 positive values (z y x), got %s", Arrays.toString(spacing));
    }
    double[] target = spacing != null ? spacing.clone() : targetSpacing(fp);
    int[] transpose = transpose(target);
    double[] spacingT = permute(target, transpose);
    double[] medianShape = medianResampledShape(fp, target);
    double[] medianShapeT = permute(medianShape, transpose);
    int[] patchT = patch != null ? patch.clone() : defaultPatch(medianShapeT);
    for (int p : patchT) Checks.argument(p > 0 && p % 16 == 0, "patch size %s must be positive multiples of 16", Arrays.toString(patchT));
    JsonObject plans = new JsonObject();
    plans.addProperty("dataset_name", datasetName);
    plans.addProperty("plans_name", "nnUNetPlans");
    plans.add("original_median_spacing_after_transp", doubles(permute(median(fp.spacings()), transpose)));
    plans.add("original_median_shape_after_transp", ints(permute(medianOf(fp.croppedShapes()), transpose)));
    plans.addProperty("image_reader_writer", IMAGE_READER_WRITER);
    plans.add("transpose_forward", ints(transpose));
    plans.add("transpose_backward", ints(inverse(transpose)));
    JsonObject configurations = new JsonObject();
    JsonObject c = new JsonObject();
    c.addProperty("data_identifier", "nnUNetPlans_3d_fullres");
    c.addProperty("preprocessor_name", "DefaultPreprocessor");
    c.addProperty("batch_size", batchSize);
    c.add("patch_size", ints(patchT));
    c.add("median_image_size_in_voxels", doubles(medianShapeT));
    c.add("spacing", doubles(spacingT));
    JsonArray schemes = new JsonArray();
    JsonArray useMask = new JsonArray();
    double medianRelative = medianOf(fp.relativeSizeAfterCrop());
    for (String name : dataset.channelNames()) {
      String scheme = Normalization.schemeNameForChannel(name);
      schemes.add(scheme);
      useMask.add(scheme.equals("ZScoreNormalization") && medianRelative < 0.75);
    }
    c.add("normalization_schemes", schemes);
    c.add("use_mask_for_norm", useMask);
    addResampling(c, "data", false, 3);
    addResampling(c, "seg", true, 1);
    addResampling(c, "probabilities", false, 1);
    c.add("architecture", NetworkPlans.architecture(network));
    c.addProperty("batch_dice", false);
    configurations.add("3d_fullres", c);
    plans.add("configurations", configurations);
    plans.addProperty("experiment_planner_used", "MedNeXt for Fiji Planner (nnU-Net ExperimentPlanner conventions)");
    plans.addProperty("label_manager", "LabelManager");
    JsonObject fg = new JsonObject();
    for (int ch = 0; ch < fp.foreground().length; ch++) fg.add(Integer.toString(ch), intensityProperties(fp.foreground()[ch]));
    plans.add("foreground_intensity_properties_per_channel", fg);
    return Plans.parse(new GsonBuilder().serializeNulls().create().toJson(plans), "plans.json (planned)", w -> {});
  }

  /** A pretrained model's plans with another patch size (nnU-Net's plans otherwise carry over unchanged). */
  public static Plans withPatchSize(Plans plans, String configuration, int[] patch) throws ModelFormatException {
    for (int p : patch) Checks.argument(p > 0 && p % 16 == 0, "patch size %s must be positive multiples of 16", Arrays.toString(patch));
    return plans.withConfigurationValue(configuration, "patch_size", ints(patch));
  }

  /** nnU-Net's target spacing: per-axis median, with the 10th percentile for a strongly anisotropic worst axis. */
  static double[] targetSpacing(Fingerprint fp) {
    double[] target = median(fp.spacings());
    double[] medianShape = medianOf(fp.croppedShapes());
    int worst = argmax(target);
    double maxOther = 0;
    double minOtherSize = Double.MAX_VALUE;
    for (int d = 0; d < 3; d++) {
      if (d == worst) continue;
      maxOther = Math.max(maxOther, target[d]);
      minOtherSize = Math.min(minOtherSize, medianShape[d]);
    }
    if (target[worst] > 3 * maxOther && medianShape[worst] * 3 < minOtherSize) {
      double[] along = fp.spacings().stream().mapToDouble(s -> s[worst]).sorted().toArray();
      double p10 = percentile(along, 10);
      target[worst] = Math.max(p10, maxOther + 1e-5);
    }
    return target;
  }

  /** The axis with the largest spacing first, the others in order. */
  static int[] transpose(double[] target) {
    int first = argmax(target);
    int[] t = new int[3];
    t[0] = first;
    int j = 1;
    for (int d = 0; d < 3; d++) if (d != first) t[j++] = d;
    return t;
  }

  private static int[] defaultPatch(double[] medianShapeT) {
    int[] p = new int[3];
    for (int d = 0; d < 3; d++) {
      int roundedUp = (int) Math.ceil(medianShapeT[d] / 16.0) * 16;
      p[d] = Math.max(16, Math.min(DEFAULT_PATCH_EDGE, roundedUp));
    }
    return p;
  }

  private static double[] medianResampledShape(Fingerprint fp, double[] target) {
    double[][] shapes = new double[fp.croppedShapes().size()][3];
    for (int i = 0; i < shapes.length; i++) {
      for (int d = 0; d < 3; d++) shapes[i][d] = fp.croppedShapes().get(i)[d] * fp.spacings().get(i)[d] / target[d];
    }
    double[] out = new double[3];
    for (int d = 0; d < 3; d++) {
      final int axis = d;
      out[d] = medianOf(Arrays.stream(shapes).mapToDouble(s -> s[axis]).toArray());
    }
    return out;
  }

  static JsonObject intensityProperties(float[] values) {
    double[] v = new double[values.length];
    for (int i = 0; i < v.length; i++) v[i] = values[i];
    Arrays.sort(v);
    JsonObject o = new JsonObject();
    if (v.length == 0) throw new IllegalArgumentException("no foreground voxels to compute intensity statistics from");
    double sum = 0;
    for (double x : v) sum += x;
    double mean = sum / v.length;
    double ss = 0;
    for (double x : v) ss += (x - mean) * (x - mean);
    o.addProperty("max", v[v.length - 1]);
    o.addProperty("mean", mean);
    o.addProperty("median", percentile(v, 50));
    o.addProperty("min", v[0]);
    o.addProperty("percentile_00_5", percentile(v, 0.5));
    o.addProperty("percentile_99_5", percentile(v, 99.5));
    o.addProperty("std", Math.sqrt(ss / v.length));
    return o;
  }

  /** numpy's default (linear) percentile of sorted values. */
  static double percentile(double[] sorted, double q) {
    if (sorted.length == 1) return sorted[0];
    double pos = q / 100 * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  private static void addResampling(JsonObject c, String what, boolean isSeg, int order) {
    c.addProperty("resampling_fn_" + what, "resample_data_or_seg_to_shape");
    JsonObject kw = new JsonObject();
    kw.addProperty("is_seg", isSeg);
    kw.addProperty("order", order);
    kw.addProperty("order_z", 0);
    kw.add("force_separate_z", JsonNull.INSTANCE);
    c.add("resampling_fn_" + what + "_kwargs", kw);
  }

  private static double[] median(List<double[]> rows) {
    double[] out = new double[3];
    for (int d = 0; d < 3; d++) {
      final int axis = d;
      out[d] = medianOf(rows.stream().mapToDouble(r -> r[axis]).toArray());
    }
    return out;
  }

  private static double[] medianOf(List<int[]> rows) {
    double[] out = new double[3];
    for (int d = 0; d < 3; d++) {
      final int axis = d;
      out[d] = medianOf(rows.stream().mapToDouble(r -> r[axis]).toArray());
    }
    return out;
  }

  static double medianOf(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static int argmax(double[] v) {
    int best = 0;
    for (int d = 1; d < v.length; d++) if (v[d] > v[best]) best = d;
    return best;
  }

  private static double[] permute(double[] v, int[] axes) {
    double[] out = new double[axes.length];
    for (int i = 0; i < axes.length; i++) out[i] = v[axes[i]];
    return out;
  }

  private static int[] inverse(int[] axes) {
    int[] inv = new int[axes.length];
    for (int i = 0; i < axes.length; i++) inv[axes[i]] = i;
    return inv;
  }

  private static long size(int[] s) {
    return (long) s[0] * s[1] * s[2];
  }

  private static float[] concat(List<float[]> parts) {
    int n = 0;
    for (float[] p : parts) n += p.length;
    float[] out = new float[n];
    int o = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  static JsonArray ints(int[] v) {
    JsonArray a = new JsonArray();
    for (int x : v) a.add(x);
    return a;
  }

  private static JsonArray ints(double[] v) {
    JsonArray a = new JsonArray();
    for (double x : v) a.add((int) Math.round(x));
    return a;
  }

  private static JsonArray doubles(double[] v) {
    JsonArray a = new JsonArray();
    for (double x : v) a.add(x);
    return a;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "Planner[patch edge %d]", DEFAULT_PATCH_EDGE);
  }
}
