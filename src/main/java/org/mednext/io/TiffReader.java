package org.mednext.io;

import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.FileOpener;
import ij.io.Opener;
import ij.io.TiffDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.mednext.volume.ImagePlusVolumes;
import org.mednext.volume.Volume;

/**
 * Reads TIFF stacks (8, 16 or 32-bit; ImageJ hyperstacks included) through ImageJ 1.x's TIFF reader, headless.
 * The volume shares the stack's arrays; spacing comes from the calibration and a geometry stored by
 * {@link ImagePlusVolumes#toImagePlus} is restored (see {@link ImagePlusVolumes#toVolume}). A file shorter than its
 * directories say is refused (ImageJ would return the slices it could read).
 */
public final class TiffReader implements VolumeReader {

  @Override
  public String formatName() {
    return "TIFF";
  }

  /** Whether the name ends in .tif or .tiff. */
  public static boolean hasTiffExtension(Path path) {
    String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".tif") || n.endsWith(".tiff");
  }

  /**
   * The unit of a TIFF's calibration as ImageJ decodes it from the file's first directory (null when it has none),
   * without reading the pixels.
   */
  public static String calibrationUnit(Path path) throws IOException {
    Path absolute = path.toAbsolutePath();
    FileInfo[] info = new TiffDecoder(absolute.getParent().toString() + java.io.File.separator,
        absolute.getFileName().toString()).getTiffInfo();
    if (info == null || info.length == 0) return null;
    FileInfo fi = info[0];
    new FileOpener(fi).decodeDescriptionString(fi); // an ImageJ TIFF keeps its unit in the description
    String unit = fi.unit == null ? "" : fi.unit.trim();
    return unit.isEmpty() ? null : unit;
  }

  @Override
  public Volume<?> read(Path path) throws IOException {
    if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString(), null, "no such file");
    Path absolute = path.toAbsolutePath();
    String dir = absolute.getParent().toString() + java.io.File.separator;
    String name = absolute.getFileName().toString();
    FileInfo[] info;
    try {
      info = new TiffDecoder(dir, name).getTiffInfo();
    } catch (IOException | RuntimeException e) {
      info = null; // reported below, as a file ImageJ cannot read
    }
    ImagePlus imp = info == null ? null : new Opener().openTiff(dir, name);
    if (imp == null || imp.getWidth() == 0) {
      throw new VolumeFormatException(path, "ImageJ could not read this file as a TIFF (corrupt, or a TIFF variant "
          + "ImageJ does not support; try opening it with Bio-Formats and saving it as NIfTI)");
    }
    ImageJData.requireComplete(path, info, "TIFF");
    try {
      return ImagePlusVolumes.toVolume(imp);
    } catch (IllegalArgumentException e) {
      throw new VolumeFormatException(path, e.getMessage(), e);
    }
  }
}
