package org.mednext.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.mednext.volume.Volume;

/**
 * The one place that maps a path to a reader or writer. Reading: NIfTI by extension (.nii, .nii.gz,
 * .hdr/.img[.gz]); DICOM for a folder of DICOM files, or a file with the "DICM" marker or a .dcm name (its
 * series is read from its folder); TIFF by extension (.tif, .tiff). Writing: NIfTI (.nii, .nii.gz) only.
 */
public final class VolumeFormats {

  /** What the error messages list as supported. */
  static final String SUPPORTED = "NIfTI (.nii, .nii.gz, .hdr/.img), a DICOM series (a folder of .dcm files, or "
      + "one of its files), TIFF stacks (.tif, .tiff)";

  private VolumeFormats() {}

  /**
   * The reader for {@code path}.
   *
   * @throws NoSuchFileException if nothing is there
   * @throws VolumeFormatException if no reader handles it; the message lists the supported formats
   */
  public static VolumeReader readerFor(Path path) throws IOException {
    if (!Files.exists(path)) throw new NoSuchFileException(path.toString(), null, "no such file or folder");
    if (Files.isDirectory(path)) {
      if (DicomSeriesReader.isDicomFolder(path)) return new DicomSeriesReader();
      throw new VolumeFormatException(path, "a folder is read as a DICOM series, but this one has no DICOM files. "
          + "Supported: " + SUPPORTED);
    }
    if (NiftiReader.hasNiftiExtension(path)) return new NiftiReader();
    if (TiffReader.hasTiffExtension(path)) return new TiffReader();
    if (DicomSeriesReader.isDicomFile(path)) return new DicomSeriesReader();
    throw new VolumeFormatException(path, "unknown volume format. Supported: " + SUPPORTED);
  }

  /** Reads {@code path} with {@link #readerFor}'s reader. */
  public static Volume<?> read(Path path) throws IOException {
    return readerFor(path).read(path);
  }

  /**
   * The writer for {@code path} with default settings (see {@link NiftiWriter}).
   *
   * @throws IllegalArgumentException if the name does not end in .nii or .nii.gz
   */
  public static VolumeWriter writerFor(Path path) {
    String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".nii") || n.endsWith(".nii.gz")) return new NiftiWriter();
    throw new IllegalArgumentException("cannot write " + path + ": volumes are written as NIfTI (.nii or .nii.gz)");
  }
}
