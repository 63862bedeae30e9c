package org.mednext.predict;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.logging.Logger;
import org.mednext.io.ItkNiftiGeometry;
import org.mednext.io.NiftiHeader;
import org.mednext.io.NiftiReader;
import org.mednext.io.TiffReader;
import org.mednext.io.VolumeFormatException;
import org.mednext.io.VolumeFormats;
import org.mednext.io.VolumeReader;
import org.mednext.volume.Geometry;
import org.mednext.volume.ImagePlusVolumes;
import org.mednext.volume.Reorientation;
import org.mednext.volume.Volume;

/**
 * nnU-Net's image reader/writer classes (plans.json's {@code image_reader_writer}) as far as they decide what the
 * pipeline sees of a file: the voxel order and the spacing. The spacing is where they differ most quietly:
 * <ul>
 *   <li>{@code NibabelIO}: pixdim as stored ({@code header.get_zooms()}), whatever {@code xyzt_units} says;
 *   <li>{@code NibabelIOWithReorient}: the voxels reordered to RAS, the spacing then the norms of the affine's
 *       columns (nibabel writes them into the reoriented image's header: float for NIfTI-1);
 *   <li>{@code SimpleITKIO}: |pixdim| in millimetres (ITK's NIfTI reader multiplies by 1000 for metres, by 0.001
 *       for micrometres);
 *   <li>{@code SimpleITKIOWithReorient}: the voxels reordered to RAS and that spacing permuted with them
 *       ({@code DICOMOrient} moves the spacing, it does not recompute it from the affine);
 *   <li>{@code Tiff3DIO}: the TIFF's calibration is ignored (values are the stored numbers, see {@link #read}); the
 *       spacing is the {@code "spacing"} (z, y, x) of the case's {@code <case>.json} beside its
 *       {@code <case>_0000.tif}, or (1, 1, 1) without one;
 *   <li>any other class (custom ones): the geometry's spacing in the file's voxel order.
 * </ul>
 */
public enum ImageReaderWriter {
  NIBABEL_IO("NibabelIO"),
  NIBABEL_IO_WITH_REORIENT("NibabelIOWithReorient"),
  SIMPLE_ITK_IO("SimpleITKIO"),
  SIMPLE_ITK_IO_WITH_REORIENT("SimpleITKIOWithReorient"),
  TIFF_3D_IO("Tiff3DIO"),
  OTHER("");

  private static final Logger LOG = Logger.getLogger("org.mednext.predict");
  /** A spacing file holds three numbers; anything much larger is not one. */
  private static final long MAX_SPACING_FILE_BYTES = 1 << 16;

  private final String className;

  ImageReaderWriter(String className) {
    this.className = className;
  }

  /** The reader of a plans.json {@code image_reader_writer} class name; {@link #OTHER} for the rest. */
  public static ImageReaderWriter of(String className) {
    for (ImageReaderWriter r : values()) if (r != OTHER && r.className.equals(className)) return r;
    return OTHER;
  }

  /** How this reader reads a file, in a few words (for {@code mednext info}). */
  public String describe() {
    return switch (this) {
      case NIBABEL_IO -> "voxels in the file's order; spacing pixdim as stored";
      case NIBABEL_IO_WITH_REORIENT -> "voxels reordered to RAS; spacing the affine's column lengths";
      case SIMPLE_ITK_IO -> "voxels in the file's order; spacing |pixdim| in mm by the header's unit";
      case SIMPLE_ITK_IO_WITH_REORIENT -> "voxels reordered to RAS as ITK places the file; spacing |pixdim| in mm,"
          + " moved with the axes";
      case TIFF_3D_IO -> "voxels in the file's order, the stored numbers; spacing from <case>.json, else (1, 1, 1); "
          + "calibration ignored";
      case OTHER -> "not one this program knows: voxels in the file's order, spacing as read";
    };
  }

  /** Whether the reader reorders voxels to RAS (and its writer puts the labels back). */
  public boolean reorients() {
    return this == NIBABEL_IO_WITH_REORIENT || this == SIMPLE_ITK_IO_WITH_REORIENT;
  }

  /**
   * How the reader sees a channel.
   *
   * @param reorientation what it does to the voxel order (none for the readers that keep the file's order)
   * @param spacing (z, y, x), in the voxel order after {@code reorientation}
   */
  public record View(Reorientation reorientation, double[] spacing) {}

  /**
   * Reads {@code file} (a channel of a case) with the voxel values this reader's library gives where they differ from
   * {@link VolumeFormats#read}'s: the SimpleITK readers scale a NIfTI file by ITK's rule
   * ({@link NiftiReader#withItkScaling}); Tiff3DIO, which reads with tifffile, takes a TIFF's stored numbers, an ImageJ
   * calibration ignored ({@link TiffReader#storedValues}). The other readers get a TIFF's values as Fiji shows them:
   * nnU-Net would not read a TIFF for them at all.
   */
  public Volume<?> read(Path file) throws IOException {
    VolumeReader r = VolumeFormats.readerFor(file);
    if (r instanceof NiftiReader && (this == SIMPLE_ITK_IO || this == SIMPLE_ITK_IO_WITH_REORIENT)) {
      r = NiftiReader.withItkScaling();
    } else if (r instanceof TiffReader && this == TIFF_3D_IO) {
      r = TiffReader.storedValues();
    }
    return r.read(file);
  }

  /**
   * How this reader sees {@code file} (a channel of a case, a label file) as read into {@code geometry}, its NIfTI
   * header read once for both.
   *
   * @throws VolumeFormatException for a Tiff3DIO spacing file that does not hold three positive numbers
   */
  public View view(Path file, Geometry geometry) throws IOException {
    NiftiHeader header = NiftiReader.hasNiftiExtension(file) ? NiftiReader.readHeader(file) : null;
    Reorientation r = reorientation(placement(header, geometry));
    if (this != TIFF_3D_IO && TiffReader.hasTiffExtension(file)) warnIfUncalibrated(file, geometry);
    return new View(r, this == TIFF_3D_IO ? tiffSpacing(file) : spacing(geometry, r, header));
  }

  /**
   * How this reader sees an image in memory (a Fiji image) with {@code geometry}: its millimetres, a reoriented
   * spacing rounded as a NIfTI-1 header would hold it.
   */
  public View view(Geometry geometry) {
    Reorientation r = reorientation(geometry);
    return new View(r, spacing(geometry, r, null));
  }

  /**
   * A TIFF without a length unit in its calibration (ImageJ's "pixel" when it has none) is read with its numbers as
   * millimetres, 1 x 1 x 1 for most: the model then sees the image at a size it may never have been trained on. One with
   * a length unit but no slice spacing (a plain TIFF's x/y resolution in cm or inch) gets ImageJ's default depth of 1
   * unit, 10 or 25.4 mm, which changes the resampling along z as much as a wrong unit would.
   */
  private static void warnIfUncalibrated(Path file, Geometry geometry) throws IOException {
    TiffReader.StoredCalibration cal = TiffReader.storedCalibration(file);
    String unit = cal.unit();
    double[] s = geometry.spacing();
    if (!ImagePlusVolumes.isLengthUnit(unit)) {
      LOG.warning(String.format(Locale.ROOT, "%s: the TIFF's calibration has no length unit (%s), so its voxel size "
          + "%s x %s x %s is taken as mm; if that is wrong, set the size in Fiji (Image > Properties) and save the "
          + "stack again", file, unit == null ? "none" : "\"" + unit + "\"", s[0], s[1], s[2]));
    } else if (!cal.sliceSpacingStored()) {
      LOG.warning(String.format(Locale.ROOT, "%s: the TIFF stores no slice spacing (a plain TIFF's resolution is x "
          + "and y only), so ImageJ's default depth of 1 %s is taken: %s mm along z, against %s x %s mm in x and y. "
          + "If that is wrong, set the voxel depth in Fiji (Image > Properties) and save the stack again, or convert "
          + "the image to NIfTI with its spacing", file, unit, s[2], s[0], s[1]));
    }
  }

  /** What this reader does to the voxel order of an image it places at {@code geometry}. */
  private Reorientation reorientation(Geometry geometry) {
    return switch (this) {
      case NIBABEL_IO_WITH_REORIENT -> Reorientation.toRasAsNibabel(geometry);
      case SIMPLE_ITK_IO_WITH_REORIENT -> Reorientation.toRasAsItk(geometry);
      default -> Reorientation.none();
    };
  }

  private double[] spacing(Geometry geometry, Reorientation r, NiftiHeader header) {
    return switch (this) {
      case NIBABEL_IO_WITH_REORIENT -> r.spacingNnUnetOrder(geometry, header == null || header.version() == 1);
      case SIMPLE_ITK_IO -> itkSpacing(geometry, header);
      case SIMPLE_ITK_IO_WITH_REORIENT -> r.permuted(itkSpacing(geometry, header));
      default -> geometry.spacingNnUnetOrder();
    };
  }

  /** ITK's spacing (z, y, x): pixdim in mm by the header's unit; the geometry's mm without a header. */
  private static double[] itkSpacing(Geometry geometry, NiftiHeader header) {
    if (header == null) return geometry.spacingNnUnetOrder();
    double[] xyz = ItkNiftiGeometry.spacing(header);
    return new double[] {xyz[2], xyz[1], xyz[0]};
  }

  /**
   * Where this reader places a file with this NIfTI {@code header} (null: no NIfTI file), read into {@code geometry}:
   * for the SimpleITK readers ITK's choice between the sform and the qform (see {@link ItkNiftiGeometry}), which
   * decides how a reorienting one reorders the voxels and what nnU-Net's properties record; else the geometry itself
   * (nibabel's choice, this project's reader's).
   */
  Geometry placement(NiftiHeader header, Geometry geometry) {
    boolean itk = this == SIMPLE_ITK_IO || this == SIMPLE_ITK_IO_WITH_REORIENT;
    if (!itk || header == null) return geometry;
    return ItkNiftiGeometry.of(header).orElse(geometry);
  }

  /** The spacing file nnU-Net's Tiff3DIO reads for a case's channel file: its name without the channel and ending. */
  static Path spacingFile(Path channelFile) {
    String name = channelFile.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot < 0 ? name : name.substring(0, dot);
    if (stem.matches(".*_\\d{4}")) stem = stem.substring(0, stem.length() - 5);
    return channelFile.resolveSibling(stem + ".json");
  }

  private static double[] tiffSpacing(Path channelFile) throws IOException {
    Path json = spacingFile(channelFile);
    if (!Files.isRegularFile(json)) {
      LOG.warning(channelFile + ": no spacing file " + json.getFileName() + " beside it; the model's Tiff3DIO reader"
          + " then takes the spacing as (1, 1, 1), as nnU-Net does (the TIFF's calibration is not used)");
      return new double[] {1, 1, 1};
    }
    String what = "a Tiff3DIO spacing file holds {\"spacing\": [z, y, x]} with three positive numbers";
    if (Files.size(json) > MAX_SPACING_FILE_BYTES) throw new VolumeFormatException(json, "too large; " + what);
    try {
      JsonElement root = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8));
      JsonElement v = root.isJsonObject() ? root.getAsJsonObject().get("spacing") : null;
      if (v == null || !v.isJsonArray() || v.getAsJsonArray().size() != 3) {
        throw new VolumeFormatException(json, "no \"spacing\" of three numbers; " + what);
      }
      JsonArray a = v.getAsJsonArray();
      double[] out = new double[3];
      for (int d = 0; d < 3; d++) {
        if (!a.get(d).isJsonPrimitive() || !a.get(d).getAsJsonPrimitive().isNumber()) {
          throw new VolumeFormatException(json, "spacing " + a + " holds something other than numbers; " + what);
        }
        out[d] = a.get(d).getAsDouble();
        if (!(out[d] > 0) || Double.isInfinite(out[d])) {
          throw new VolumeFormatException(json, "spacing " + a + " is not positive; " + what);
        }
      }
      return out;
    } catch (JsonParseException e) {
      throw new VolumeFormatException(json, "not readable as JSON (" + e.getMessage() + "); " + what);
    }
  }
}
