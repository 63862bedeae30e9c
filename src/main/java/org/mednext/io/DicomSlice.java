package org.mednext.io;

import ij.ImagePlus;
import ij.Prefs;
import ij.io.FileInfo;
import ij.plugin.DICOM;
import ij.util.DicomTools;
import java.io.IOException;
import java.nio.file.Path;

/** One DICOM file decoded by ImageJ 1.x, with the tags the series reader needs and its true pixel values. */
final class DicomSlice {

  private static final Object PREFS_LOCK = new Object();

  final Path file;
  final int width;
  final int height;
  final String seriesUid; // SeriesInstanceUID as ImageJ decodes it, for files the header scan cannot follow
  final String seriesDescription;
  final double[] position; // ImagePositionPatient (LPS, mm) or null
  final double[] orientation; // ImageOrientationPatient: row direction, column direction; or null
  final double[] pixelSpacing; // (x = between columns, y = between rows) in mm
  final double sliceSpacing; // SpacingBetweenSlices, else SliceThickness, else NaN
  final double slope;
  final double intercept;
  /** Stored pixel values as ImageJ decoded them: short[] (16-bit, offset by 32768 when signed), byte[] or float[]. */
  final Object pixels;
  final boolean signed;

  private DicomSlice(Path file, ImagePlus imp) throws VolumeFormatException {
    this.file = file;
    this.width = imp.getWidth();
    this.height = imp.getHeight();
    this.seriesUid = tag(imp, "0020,000E");
    this.seriesDescription = tag(imp, "0008,103E");
    this.position = numbers(imp, "0020,0032", 3);
    this.orientation = numbers(imp, "0020,0037", 6);
    double[] ps = numbers(imp, "0028,0030", 2); // row spacing (y), column spacing (x)
    this.pixelSpacing = ps != null ? new double[] {ps[1], ps[0]}
        : new double[] {imp.getCalibration().pixelWidth, imp.getCalibration().pixelHeight};
    double between = number(imp, "0018,0088", Double.NaN);
    this.sliceSpacing = Double.isNaN(between) ? number(imp, "0018,0050", Double.NaN) : Math.abs(between);
    this.slope = number(imp, "0028,1053", 1);
    this.intercept = number(imp, "0028,1052", 0);
    this.signed = number(imp, "0028,0103", 0) == 1;
    this.pixels = imp.getStack().getPixels(1);
  }

  /**
   * Decodes one file with ImageJ's DICOM reader. ImageJ's own rescale handling is switched off for the call
   * (its float conversion runs menu commands that fail headless, and it drops the slope in some cases); the
   * slope and intercept are applied by {@link #values}.
   */
  static DicomSlice read(Path file) throws IOException {
    DicomFiles.checkReadable(file);
    ImagePlus imp;
    synchronized (PREFS_LOCK) {
      boolean asFloat = Prefs.openDicomsAsFloat;
      boolean fixed = Prefs.fixedDicomScaling;
      try {
        Prefs.openDicomsAsFloat = false;
        Prefs.fixedDicomScaling = true;
        DICOM dicom = new DICOM();
        dicom.open(file.toString());
        imp = dicom;
      } finally {
        Prefs.openDicomsAsFloat = asFloat;
        Prefs.fixedDicomScaling = fixed;
      }
    }
    if (imp.getWidth() == 0 || imp.getStack() == null) {
      throw new VolumeFormatException(file, "ImageJ could not decode this DICOM file (no image data found)");
    }
    if (number(imp, "0028,0100", 16) == 8 && number(imp, "0028,0103", 0) == 1) {
      // ImageJ takes PixelRepresentation 1 for 16-bit signed whatever BitsAllocated says: pairs of bytes, one value
      throw new VolumeFormatException(file, "signed 8-bit DICOM (BitsAllocated 8, PixelRepresentation 1) is not "
          + "supported: ImageJ 1.x decodes it as 16-bit, which gives wrong values. " + DicomFiles.convertAdvice(file));
    }
    FileInfo decoded = imp.getOriginalFileInfo();
    if (decoded != null) ImageJData.requireComplete(file, new FileInfo[] {decoded}, "DICOM");
    if (imp.getStackSize() > 1) {
      throw new VolumeFormatException(file, "multi-frame DICOM (" + imp.getStackSize() + " frames in one file) is not "
          + "supported; convert it to NIfTI first, e.g. with dcm2niix");
    }
    if (imp.getType() == ImagePlus.COLOR_RGB) {
      throw new VolumeFormatException(file, "colour (RGB) DICOM images are not supported");
    }
    return new DicomSlice(file, imp);
  }

  /** Whether the rescaled values are whole numbers that fit a signed 16-bit type. */
  boolean fitsShort() {
    if (slope != Math.rint(slope) || intercept != Math.rint(intercept)) return false;
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    for (int i = 0; i < width * height; i++) {
      double v = value(i);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return lo >= Short.MIN_VALUE && hi <= Short.MAX_VALUE && lo == Math.rint(lo) && hi == Math.rint(hi);
  }

  /** Pixel {@code i} (x fastest): stored value * RescaleSlope + RescaleIntercept. */
  double value(int i) {
    double stored;
    if (pixels instanceof short[]) {
      int v = ((short[]) pixels)[i] & 0xffff;
      stored = signed ? v - 32768 : v; // ImageJ adds 32768 to signed data
    } else if (pixels instanceof byte[]) {
      stored = ((byte[]) pixels)[i] & 0xff;
    } else {
      stored = ((float[]) pixels)[i];
    }
    return stored * slope + intercept;
  }

  private static String tag(ImagePlus imp, String tag) {
    String v = DicomTools.getTag(imp, tag);
    return v == null ? null : v.trim();
  }

  private static double number(ImagePlus imp, String tag, double fallback) {
    double[] v = numbers(imp, tag, 1);
    return v == null ? fallback : v[0];
  }

  private static double[] numbers(ImagePlus imp, String tag, int count) {
    String v = tag(imp, tag);
    if (v == null || v.isEmpty()) return null;
    String[] parts = v.split("\\\\");
    if (parts.length < count) return null;
    double[] out = new double[count];
    try {
      for (int i = 0; i < count; i++) out[i] = Double.parseDouble(parts[i].trim());
    } catch (NumberFormatException e) {
      return null;
    }
    return out;
  }
}
