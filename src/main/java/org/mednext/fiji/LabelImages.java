package org.mednext.fiji;

import ij.ImagePlus;
import ij.ImageStack;
import ij.WindowManager;
import ij.measure.Calibration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.mednext.util.Checks;
import org.mednext.volume.ImagePlusVolumes;

/**
 * Label images as ImageJ shows them: a stack of the predicted labels on the source image's grid, with its
 * calibration, the {@link LabelLut label LUT}, and the label names from dataset.json in image properties (so that
 * Label Statistics and Show Preview can name labels, and macros can read them with {@code getInfo}).
 */
final class LabelImages {

  /** Image property: one {@code value=name} line per label, from dataset.json. */
  static final String NAMES_PROPERTY = "mednext.labels";
  /** Image property: the title of the image the labels were predicted from. */
  static final String SOURCE_TITLE_PROPERTY = "mednext.source";
  /** Object property holding the source ImagePlus itself (not saved with the image). */
  private static final String SOURCE_OBJECT_PROPERTY = "mednext.source.image";

  private LabelImages() {}

  /**
   * A label image for {@code labels} ((z, y, x) C order, the source's memory order): 8-bit when every value is
   * below 256, else 16-bit; one slice per z; the source's spatial calibration (without its value calibration) and
   * geometry properties; title {@code <source title without extension>-labels}.
   *
   * @param names label value to name (dataset.json's labels)
   */
  static ImagePlus create(short[] labels, int[] shapeZyx, ImagePlus source, Map<Integer, String> names) {
    int nz = shapeZyx[0];
    int ny = shapeZyx[1];
    int nx = shapeZyx[2];
    Checks.argument(labels.length == (long) nz * ny * nx, "%d labels do not fill a %dx%dx%d volume", labels.length,
        nx, ny, nz);
    Checks.argument(source.getWidth() == nx && source.getHeight() == ny && source.getNSlices() == nz,
        "labels %dx%dx%d do not match image %s (%dx%dx%d)", nx, ny, nz, source.getTitle(), source.getWidth(),
        source.getHeight(), source.getNSlices());
    int max = 0;
    for (short s : labels) max = Math.max(max, s & 0xffff);
    int plane = nx * ny;
    ImageStack stack = new ImageStack(nx, ny);
    for (int z = 0; z < nz; z++) {
      int offset = z * plane;
      if (max < 256) {
        byte[] p = new byte[plane];
        for (int i = 0; i < plane; i++) p[i] = (byte) labels[offset + i];
        stack.addSlice(null, p);
      } else {
        stack.addSlice(null, Arrays.copyOfRange(labels, offset, offset + plane));
      }
    }
    ImagePlus imp = new ImagePlus(labelTitle(source.getTitle()), stack);
    Calibration cal = source.getCalibration().copy();
    cal.disableDensityCalibration();
    cal.setValueUnit("label");
    imp.setCalibration(cal);
    for (String key : new String[] {ImagePlusVolumes.AFFINE_PROPERTY, ImagePlusVolumes.SPACING_PROPERTY}) {
      if (source.getProp(key) != null) imp.setProp(key, source.getProp(key));
    }
    imp.setProp(NAMES_PROPERTY, encodeNames(names));
    imp.setProp(SOURCE_TITLE_PROPERTY, source.getTitle());
    imp.setProperty(SOURCE_OBJECT_PROPERTY, source);
    imp.setProperty("Info", info(names, source.getTitle()));
    imp.getProcessor().setLut(LabelLut.lut());
    imp.setDisplayRange(0, LabelLut.SIZE - 1);
    return imp;
  }

  /** The label names stored in {@code labels}, value to name; empty when the image has none. */
  static Map<Integer, String> names(ImagePlus labels) {
    Map<Integer, String> out = new TreeMap<>();
    String text = labels.getProp(NAMES_PROPERTY);
    if (text == null) return out;
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq <= 0) continue;
      try {
        out.put(Integer.parseInt(line.substring(0, eq).trim()), line.substring(eq + 1));
      } catch (NumberFormatException e) {
        // a hand-edited property: skip the line
      }
    }
    return out;
  }

  /**
   * The intensity image that goes with {@code labels}: the image titled {@code title} when given, else the image
   * the labels were predicted from (if it is still open), else null.
   *
   * @throws IllegalArgumentException when {@code title} names no open image
   */
  static ImagePlus intensityImage(ImagePlus labels, String title) {
    if (title != null && !title.isBlank()) return openImage(title, "the intensity image for " + labels.getTitle());
    Object linked = labels.getProperty(SOURCE_OBJECT_PROPERTY);
    if (linked instanceof ImagePlus source && source.getStack() != null && source.getStackSize() > 0
        && source.getProcessor() != null) {
      return source;
    }
    String sourceTitle = labels.getProp(SOURCE_TITLE_PROPERTY);
    return sourceTitle == null ? null : WindowManager.getImage(sourceTitle);
  }

  /**
   * The open image titled {@code title}, or null when the title is blank.
   *
   * @param role what the image is for, in the message when none has that title
   */
  static ImagePlus openImage(String title, String role) {
    if (title == null || title.isBlank()) return null;
    ImagePlus named = WindowManager.getImage(title.trim());
    Checks.argument(named != null, "no open image is titled '%s' (%s)", title.trim(), role);
    return named;
  }

  static String labelTitle(String sourceTitle) {
    String t = sourceTitle == null || sourceTitle.isBlank() ? "image" : sourceTitle;
    for (String ext : new String[] {".nii.gz", ".nii", ".tiff", ".tif", ".dcm"}) {
      if (t.toLowerCase(java.util.Locale.ROOT).endsWith(ext)) {
        t = t.substring(0, t.length() - ext.length());
        break;
      }
    }
    return t + "-labels";
  }

  private static String encodeNames(Map<Integer, String> names) {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<Integer, String> e : new TreeMap<>(names).entrySet()) {
      if (s.length() > 0) s.append('\n');
      s.append(e.getKey()).append('=').append(e.getValue().replace('\n', ' '));
    }
    return s.toString();
  }

  private static String info(Map<Integer, String> names, String sourceTitle) {
    StringBuilder s = new StringBuilder("MedNeXt-v2 segmentation of ").append(sourceTitle).append('\n');
    for (Map.Entry<Integer, String> e : new TreeMap<>(names).entrySet()) {
      s.append(String.format(java.util.Locale.ROOT, "label %d: %s%n", e.getKey(), e.getValue()));
    }
    return s.toString();
  }
}
