package org.mednext.io;

import ij.ImagePlus;
import ij.io.Opener;
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
 * {@link ImagePlusVolumes#toImagePlus} is restored (see {@link ImagePlusVolumes#toVolume}).
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

  @Override
  public Volume<?> read(Path path) throws IOException {
    if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString(), null, "no such file");
    Path absolute = path.toAbsolutePath();
    ImagePlus imp = new Opener().openTiff(absolute.getParent().toString() + java.io.File.separator,
        absolute.getFileName().toString());
    if (imp == null || imp.getWidth() == 0) {
      throw new VolumeFormatException(path, "ImageJ could not read this file as a TIFF (corrupt, or a TIFF variant "
          + "ImageJ does not support; try opening it with Bio-Formats and saving it as NIfTI)");
    }
    try {
      return ImagePlusVolumes.toVolume(imp);
    } catch (IllegalArgumentException e) {
      throw new VolumeFormatException(path, e.getMessage(), e);
    }
  }
}
