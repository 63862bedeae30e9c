package org.mednext.io;

import java.io.IOException;
import java.nio.file.Path;
import org.mednext.volume.Volume;

/** Writes a {@link Volume} in one file format, atomically (a crash never leaves a partial file at the target). */
public interface VolumeWriter {

  /** The format's short name, e.g. "NIfTI". */
  String formatName();

  /**
   * Writes {@code volume} to {@code path}, replacing any existing file.
   *
   * @throws IllegalArgumentException if the volume cannot be stored in this format as configured (e.g. a voxel
   *     value that the chosen datatype cannot hold)
   * @throws IOException if writing fails
   */
  void write(Volume<?> volume, Path path) throws IOException;
}
