package org.mednext.predict;

import org.mednext.io.NiftiHeader;
import org.mednext.volume.Geometry;
import org.mednext.volume.Reorientation;

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
 *   <li>any other class (Tiff3DIO, custom ones): the geometry's spacing in the file's voxel order.
 * </ul>
 */
public enum ImageReaderWriter {
  NIBABEL_IO("NibabelIO"),
  NIBABEL_IO_WITH_REORIENT("NibabelIOWithReorient"),
  SIMPLE_ITK_IO("SimpleITKIO"),
  SIMPLE_ITK_IO_WITH_REORIENT("SimpleITKIOWithReorient"),
  OTHER("");

  private static final int NIFTI_UNITS_METER = 1;
  private static final int NIFTI_UNITS_MICRON = 3;

  private final String className;

  ImageReaderWriter(String className) {
    this.className = className;
  }

  /** The reader of a plans.json {@code image_reader_writer} class name; {@link #OTHER} for the rest. */
  public static ImageReaderWriter of(String className) {
    for (ImageReaderWriter r : values()) if (r != OTHER && r.className.equals(className)) return r;
    return OTHER;
  }

  /** Whether the reader reorders voxels to RAS (and its writer puts the labels back). */
  public boolean reorients() {
    return this == NIBABEL_IO_WITH_REORIENT || this == SIMPLE_ITK_IO_WITH_REORIENT;
  }

  /** What this reader does to the voxel order of a volume with {@code geometry}. */
  public Reorientation reorientation(Geometry geometry) {
    return reorients() ? Reorientation.toRas(geometry) : Reorientation.none();
  }

  /**
   * The spacing (z, y, x) this reader reports, in the order of the voxels after {@code r}.
   *
   * @param header the file's NIfTI header, or null where there is none (other formats, images in memory): then the
   *     geometry's spacing counts as millimetres, and a reoriented spacing is rounded as a NIfTI-1 header holds it
   */
  public double[] spacingNnUnetOrder(Geometry geometry, Reorientation r, NiftiHeader header) {
    return switch (this) {
      case NIBABEL_IO_WITH_REORIENT -> r.spacingNnUnetOrder(geometry, header == null || header.version() == 1);
      case SIMPLE_ITK_IO -> scaled(geometry.spacingNnUnetOrder(), header);
      case SIMPLE_ITK_IO_WITH_REORIENT -> r.permuted(scaled(geometry.spacingNnUnetOrder(), header));
      default -> geometry.spacingNnUnetOrder();
    };
  }

  /** ITK's spacing: pixdim times the scale of the header's spatial unit to millimetres. */
  private static double[] scaled(double[] spacing, NiftiHeader header) {
    int unit = header == null ? 0 : header.xyztUnits() & 0x07;
    double scale = unit == NIFTI_UNITS_METER ? 1e3 : unit == NIFTI_UNITS_MICRON ? 1e-3 : 1;
    if (scale == 1) return spacing;
    double[] out = new double[3];
    for (int d = 0; d < 3; d++) out[d] = spacing[d] * scale;
    return out;
  }
}
