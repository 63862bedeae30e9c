package org.mednext.io;

import java.io.IOException;
import java.nio.file.Path;
import org.mednext.volume.Volume;

/** Reads one volume file format into a {@link Volume} ((x, y, z, c), spacing in mm, voxel-to-RAS affine). */
public interface VolumeReader {

  /** The format's short name, e.g. "NIfTI". */
  String formatName();

  /**
   * Reads the volume at {@code path} (a file, or a folder for formats stored as one).
   *
   * @throws VolumeFormatException if the file is corrupt, truncated or uses an unsupported feature
   * @throws IOException if it cannot be read
   */
  Volume<?> read(Path path) throws IOException;
}
