package org.mednext.fiji;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;
import org.mednext.util.Checks;
import org.mednext.volume.ImagePlusVolumes;
import org.mednext.volume.Volume;

/**
 * Per-label measurements of a label image: voxel count, volume in mL from the calibration, and the mean and
 * sample standard deviation (n - 1, as ImageJ's Measure) of an intensity image's true values (signed 16-bit and
 * calibrated data converted as {@link ImagePlusVolumes} does). One row per foreground label (value &gt;= 1) that
 * occurs in the image or is named in dataset.json.
 */
final class LabelStatistics {

  /** Column headings, in order (multi-channel intensity images get "Mean C1", "SD C1", ...). */
  static final String LABEL = "Label";
  static final String NAME = "Name";
  static final String VOXELS = "Voxels";
  static final String VOLUME = "Volume (mL)";
  static final String MEAN = "Mean";
  static final String SD = "SD";

  private LabelStatistics() {}

  /**
   * The statistics table.
   *
   * @param labels 8- or 16-bit label image (one channel)
   * @param intensity image of the same x, y, z size, or null for counts and volumes only
   * @param names label names (value to name); unnamed labels are called "label N"
   */
  static ResultsTable compute(ImagePlus labels, ImagePlus intensity, Map<Integer, String> names) {
    Checks.argument(labels.getType() == ImagePlus.GRAY8 || labels.getType() == ImagePlus.GRAY16,
        "%s is not a label image: labels are 8-bit or 16-bit integers", labels.getTitle());
    Volume<?> lv = ImagePlusVolumes.toVolume(labels);
    Checks.argument(lv.channels() == 1, "%s has %d channels; a label image has one", labels.getTitle(), lv.channels());
    long[] size = lv.spatialSize();
    Volume<?> iv = null;
    if (intensity != null) {
      iv = ImagePlusVolumes.toVolume(intensity);
      Checks.argument(Arrays.equals(iv.spatialSize(), size), "the intensity image %s (%s) and the label image %s (%s) "
          + "differ in size", intensity.getTitle(), text(iv.spatialSize()), labels.getTitle(), text(size));
    }
    int[] values = labelValues(lv.channel(0));
    int maxLabel = 0;
    for (int v : values) maxLabel = Math.max(maxLabel, v);
    for (int v : names.keySet()) maxLabel = Math.max(maxLabel, v);
    long[] counts = new long[maxLabel + 1];
    for (int v : values) counts[v]++;
    int channels = iv == null ? 0 : iv.channels();
    double[][] mean = new double[channels][maxLabel + 1];
    double[][] m2 = new double[channels][maxLabel + 1];
    for (int c = 0; c < channels; c++) accumulate(iv.channel(c), values, mean[c], m2[c]);

    double voxelMl = voxelMillilitres(labels, lv);
    TreeSet<Integer> rows = new TreeSet<>(names.keySet());
    for (int v = 1; v <= maxLabel; v++) if (counts[v] > 0) rows.add(v);
    rows.remove(0);
    ResultsTable table = new ResultsTable();
    for (int v : rows) {
      table.incrementCounter();
      table.addValue(LABEL, v);
      table.addValue(NAME, names.getOrDefault(v, "label " + v));
      table.addValue(VOXELS, counts[v]);
      table.addValue(VOLUME, counts[v] * voxelMl);
      for (int c = 0; c < channels; c++) {
        String suffix = channels == 1 ? "" : " C" + (c + 1);
        table.addValue(MEAN + suffix, counts[v] == 0 ? Double.NaN : mean[c][v]);
        table.addValue(SD + suffix, counts[v] < 2 ? Double.NaN : Math.sqrt(m2[c][v] / (counts[v] - 1)));
      }
    }
    return table;
  }

  /** mL per voxel: the calibrated voxel volume in mm^3 / 1000; NaN for an uncalibrated image (unit "pixel"). */
  private static double voxelMillilitres(ImagePlus labels, Volume<?> lv) {
    if (!labels.getCalibration().scaled()) return Double.NaN;
    double[] s = lv.geometry().spacing();
    return s[0] * s[1] * s[2] / 1000.0;
  }

  /** The labels in flat-iteration order (x fastest). */
  private static int[] labelValues(RandomAccessibleInterval<? extends RealType<?>> channel) {
    long n = channel.dimension(0) * channel.dimension(1) * channel.dimension(2);
    Checks.argument(n <= Integer.MAX_VALUE - 8, "label image of %d voxels is too large", n);
    int[] out = new int[(int) n];
    Cursor<? extends RealType<?>> cursor = Views.flatIterable(channel).cursor();
    int i = 0;
    while (cursor.hasNext()) {
      double d = cursor.next().getRealDouble();
      out[i++] = (int) d;
    }
    return out;
  }

  /** Welford's running mean and sum of squared deviations per label, in the same order as the labels. */
  private static void accumulate(RandomAccessibleInterval<? extends RealType<?>> channel, int[] labels,
      double[] mean, double[] m2) {
    long[] n = new long[mean.length];
    Cursor<? extends RealType<?>> cursor = Views.flatIterable(channel).cursor();
    for (int label : labels) {
      double x = cursor.next().getRealDouble();
      long k = ++n[label];
      double delta = x - mean[label];
      mean[label] += delta / k;
      m2[label] += delta * (x - mean[label]);
    }
  }

  private static String text(long[] size) {
    return size[0] + "x" + size[1] + "x" + size[2];
  }
}
