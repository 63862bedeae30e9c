package org.mednext.preprocess;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.mednext.model.Configuration;
import org.mednext.model.ModelFormatException;
import org.mednext.model.Plans;
import org.mednext.util.Checks;

/**
 * nnU-Net's {@code DefaultPreprocessor} for inference, driven by a model's plans: transpose -> crop to the
 * non-zero box -> normalise per channel (on the cropped, original-resolution grid) -> resample to the
 * configuration's spacing. Input and output arrays are in nnU-Net's axis order (z, y, x of the file), one
 * {@code float[]} per channel, C order; spacing in the same order, mm.
 */
public final class Preprocessor {

  /** Beyond this factor between an image's spacing and the plans' the voxel size is in another unit. */
  static final double MAX_SPACING_FACTOR = 100;

  private final int[] transposeForward;
  private final double[] targetSpacing;
  private final List<Normalization> normalizations;
  private final ResamplingOptions dataResampling;
  private final ResamplingOptions segResampling;
  private final boolean withLabels;
  private final int threads;

  private Preprocessor(int[] transposeForward, double[] targetSpacing, List<Normalization> normalizations,
      ResamplingOptions dataResampling, ResamplingOptions segResampling, boolean withLabels, int threads) {
    this.transposeForward = transposeForward;
    this.targetSpacing = targetSpacing;
    this.normalizations = normalizations;
    this.dataResampling = dataResampling;
    this.segResampling = segResampling;
    this.withLabels = withLabels;
    this.threads = threads;
  }

  /**
   * The preprocessor of one configuration of the plans, for images and their label maps (training).
   *
   * @throws ModelFormatException for an unsupported resampling function
   * @throws IllegalArgumentException for a non-3-D configuration, an unknown normalisation scheme, or CT
   *     normalisation without intensity properties
   */
  public static Preprocessor forConfiguration(Plans plans, Configuration configuration, int threads)
      throws ModelFormatException {
    return create(plans, configuration, threads, true);
  }

  /**
   * As {@link #forConfiguration}, for images alone (prediction): the plans' {@code resampling_fn_seg} is not used, so
   * it need not be one this code implements, and {@link #runWithLabels} is refused.
   */
  public static Preprocessor forImages(Plans plans, Configuration configuration, int threads)
      throws ModelFormatException {
    return create(plans, configuration, threads, false);
  }

  private static Preprocessor create(Plans plans, Configuration configuration, int threads, boolean withLabels)
      throws ModelFormatException {
    Checks.argument(configuration.dimension() == 3, "configuration %s is %d-D; only 3-D configurations are supported",
        configuration.name(), configuration.dimension());
    configuration.requireSupportedResampling(withLabels);
    int channels = configuration.normalizationSchemes().size();
    Normalization[] norms = new Normalization[channels];
    for (int c = 0; c < channels; c++) {
      String scheme = configuration.normalizationSchemes().get(c);
      IntensityProperties props = plans.intensityProperties(c)
          .map(p -> new IntensityProperties(p.mean(), p.std(), p.percentile005(), p.percentile995()))
          .orElse(null);
      Checks.argument(props != null || !scheme.equals("CTNormalization"),
          "plans.json has no foreground_intensity_properties_per_channel[\"%d\"], which CTNormalization needs", c);
      norms[c] = Normalization.forSchemeName(scheme, configuration.useMaskForNorm().get(c), props);
    }
    int[] transpose = plans.transposeForward().stream().mapToInt(Integer::intValue).toArray();
    double[] spacing = configuration.spacing().stream().mapToDouble(Double::doubleValue).toArray();
    return new Preprocessor(Transposition.checkAxes(transpose), spacing, List.of(norms),
        ResamplingSettings.of(configuration.resamplingData()),
        withLabels ? ResamplingSettings.of(configuration.resamplingSeg()) : null, withLabels, threads);
  }

  /** Number of input channels this configuration expects. */
  public int channels() {
    return normalizations.size();
  }

  /**
   * Preprocesses one case.
   *
   * @param channels one array per channel, shape {@code shape}, nnU-Net order; not modified
   * @param shape spatial shape (z, y, x)
   * @param spacing voxel spacing (z, y, x) in mm
   */
  public PreprocessedCase run(float[][] channels, int[] shape, double[] spacing) {
    return preprocess(channels, null, shape, spacing).image();
  }

  /**
   * Refuses a spacing that differs from the plans' by more than {@link #MAX_SPACING_FACTOR} along an axis: the voxel
   * size is then in another unit than the model's (a file in micrometres for a model in millimetres), and resampling
   * would shrink the image to nothing or grow it beyond any memory.
   */
  private void requirePlausibleSpacing(double[] spacing) {
    for (int d = 0; d < 3; d++) {
      double f = spacing[d] / targetSpacing[d];
      if (f > MAX_SPACING_FACTOR || f < 1 / MAX_SPACING_FACTOR) {
        String factor = f > 1 ? String.format(Locale.ROOT, "%.0f times", f)
            : String.format(Locale.ROOT, "1/%.0f of", 1 / f);
        throw new IllegalArgumentException(String.format(Locale.ROOT, "the image's voxel spacing %s is %s the"
            + " model's %s along axis %d (both in the model's axis order): the voxel size is in another unit than the"
            + " model was trained with. NIfTI files count in the unit their header gives (xyzt_units) for SimpleITKIO"
            + " models and as stored for NibabelIO ones, Tiff3DIO models take a TIFF's <case>.json, other TIFF and Fiji"
            + " calibrations count in mm; give the image the unit of the training images", Arrays.toString(spacing), factor, Arrays.toString(targetSpacing), d));
      }
    }
  }

  /**
   * Refuses an image that resampling to the plans' spacing would leave without a voxel along an axis: nnU-Net's
   * {@code compute_new_shape} rounds that axis to 0 voxels as well, so there is no prediction to be faithful to.
   */
  private void requireThickEnough(int[] cropped, int[] beforeCropping, double[] spacing) {
    for (int d = 0; d < 3; d++) {
      if (Resampling.resampledLength(cropped[d], spacing[d], targetSpacing[d]) >= 1) continue;
      String axis = "zyx".charAt(transposeForward[d]) + "";
      // rint(n * s / t) >= 1 needs n * s / t > 0.5 (0.5 rounds to even, 0)
      long needed = (long) Math.floor(0.5 * targetSpacing[d] / spacing[d]) + 1;
      throw new IllegalArgumentException(String.format(Locale.ROOT, "the image is too thin along %s for the model's "
          + "spacing: %d voxel(s) of %s mm%s give fewer than one voxel at the model's %s mm; nnU-Net's resampling "
          + "leaves it empty too, so nnU-Net cannot predict it either: give at least %d voxels along %s", axis,
          cropped[d], mm(spacing[d]), cropped[d] == beforeCropping[d] ? ""
              : " (of " + beforeCropping[d] + ", cropped to the non-zero region)", mm(targetSpacing[d]), needed, axis));
    }
  }

  /** A spacing to 4 significant digits, without trailing zeros. */
  private static String mm(double v) {
    return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", v)).stripTrailingZeros().toPlainString();
  }

  /**
   * The shape of the image after resampling to the plans' spacing, before cropping to the non-zero region (at most
   * this large after it); for messages about memory.
   *
   * @param shape (z, y, x)
   * @param spacing (z, y, x) in mm
   */
  public int[] resampledShapeBound(int[] shape, double[] spacing) {
    int[] t = Transposition.shape(shape, transposeForward);
    if (dataResampling == null) return t;
    double[] s = Transposition.spacing(spacing, transposeForward);
    int[] out = new int[3];
    for (int d = 0; d < 3; d++) out[d] = (int) Math.min(Integer.MAX_VALUE, Resampling.resampledLength(t[d], s[d], targetSpacing[d]));
    return out;
  }

  /**
   * The steps of nnU-Net's {@code run_case_npy}; with {@code labels} (a training label map or a cascade's previous
   * stage) these are transposed and cropped with the image, set to -1 where they are 0 outside its non-zero mask,
   * give the z-score's mask ({@code seg >= 0}, so labelled voxels outside the image's mask count, as in nnU-Net) and
   * are resampled with the plans' segmentation settings.
   *
   * @param labels (z, y, x) C order, shape {@code shape}, or null
   */
  private Labelled preprocess(float[][] channels, short[] labels, int[] shape, double[] spacing) {
    Checks.argument(channels.length == channels(), "the image has %d channel(s), the model expects %d",
        channels.length, channels());
    if (labels != null) {
      Checks.state(withLabels, "this preprocessor is for images alone (forImages); use forConfiguration for labels");
      Checks.argument(labels.length == channels[0].length, "label map has %d voxels, the image %d", labels.length,
          channels[0].length);
    }
    float[][] transposed = new float[channels.length][];
    for (int c = 0; c < channels.length; c++) {
      float[] t = Transposition.apply(channels[c], shape, transposeForward, threads);
      transposed[c] = t == channels[c] ? t.clone() : t; // normalisation works in place; keep the caller's data
    }
    int[] tShape = Transposition.shape(shape, transposeForward);
    double[] tSpacing = Transposition.spacing(spacing, transposeForward);
    if (dataResampling != null) requirePlausibleSpacing(tSpacing);
    Cropping.Result crop = Cropping.cropToNonzero(transposed, tShape, threads);
    byte[] normalizationSeg = crop.helperSeg();
    short[] seg = null;
    if (labels != null) {
      seg = Cropping.crop(Transposition.apply(labels, shape, transposeForward, threads), tShape, crop.boundingBox(),
          threads);
      Cropping.markBackgroundOutsideMask(seg, crop.helperSeg());
      normalizationSeg = Cropping.normalizationSeg(seg);
    }
    float[][] data = crop.channels();
    for (int c = 0; c < data.length; c++) {
      if (data[c] == transposed[c] && data[c] == channels[c]) data[c] = data[c].clone();
      normalizations.get(c).apply(data[c], normalizationSeg, threads);
    }
    int[] cropped = crop.shapeAfter();
    int[] newShape = cropped;
    if (dataResampling != null) { // null: the plans' no_resampling_hack keeps the grid
      requireThickEnough(cropped, tShape, tSpacing);
      newShape = Resampling.targetShape(cropped, tSpacing, targetSpacing);
      for (int c = 0; c < data.length; c++) {
        data[c] = Resampling.resample(data[c], cropped, newShape, tSpacing, targetSpacing, dataResampling, threads);
      }
    }
    if (seg != null && segResampling != null) {
      seg = Resampling.resampleLabels(seg, cropped, newShape, tSpacing, targetSpacing, segResampling, threads);
    }
    return new Labelled(new PreprocessedCase(data, newShape, tShape, crop.boundingBox(), cropped, tSpacing,
        targetSpacing.clone(), transposeForward.clone()), seg);
  }

  /**
   * Preprocesses a case with a label map (a training case, or a cascade's previous stage): the image as {@link #run},
   * and its label map transposed, cropped to the same box, set to -1 where it is 0 outside the image's non-zero mask
   * (where labelled, it joins the z-score's mask) and resampled with the plans' segmentation settings, as nnU-Net's
   * {@code run_case_npy} does with a seg.
   *
   * @param labels (z, y, x) C order, shape {@code shape}
   * @return the case and its labels on the preprocessed grid
   */
  public Labelled runWithLabels(float[][] channels, short[] labels, int[] shape, double[] spacing) {
    Checks.notNull(labels, "labels");
    return preprocess(channels, labels, shape, spacing);
  }

  /** A preprocessed training case: image and labels on the same grid. */
  public record Labelled(PreprocessedCase image, short[] labels) {}

  @Override
  public String toString() {
    return "Preprocessor[transpose " + Arrays.toString(transposeForward) + ", spacing " + Arrays.toString(targetSpacing)
        + ", " + normalizations + "]";
  }
}
