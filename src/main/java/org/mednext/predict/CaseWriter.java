package org.mednext.predict;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mednext.io.NiftiWriter;
import org.mednext.io.NpzWriter;
import org.mednext.volume.Geometry;

/**
 * Writes a prediction as nnUNetv2_predict does: {@code <case>.nii.gz} (labels on the input grid and geometry,
 * uint8 or uint16) and, on request, {@code <case>.npz} with {@code probabilities} (classes first, then nnU-Net's
 * (z, y, x) axis order, float32, compressed). Every file is written atomically.
 */
public final class CaseWriter {

  private CaseWriter() {}

  /** The label file of case {@code id} in {@code outputDir}. */
  public static Path labelFile(Path outputDir, String id) {
    return outputDir.resolve(id + ".nii.gz");
  }

  /** The probability file of case {@code id} in {@code outputDir}. */
  public static Path probabilityFile(Path outputDir, String id) {
    return outputDir.resolve(id + ".npz");
  }

  /**
   * Writes the files of one case, compressing the probabilities on {@code threads} threads; returns them. The label
   * file comes last, as in nnU-Net: it marks the case as done ({@code --continue_prediction}), so a case whose
   * probabilities could not be written is predicted again.
   */
  public static List<Path> write(Prediction p, Geometry geometry, Path outputDir, String id, int threads)
      throws IOException {
    Path labels = labelFile(outputDir, id);
    Path probs = null;
    if (p.probabilities() != null) {
      probs = probabilityFile(outputDir, id);
      long[] shape = {p.probabilities().classes(), p.shape()[0], p.shape()[1], p.shape()[2]};
      try (NpzWriter npz = NpzWriter.create(probs, true, threads)) {
        npz.addFloat32("probabilities", shape, p.probabilities().maps()); // one class's full-size map at a time
        npz.commit();
      }
    }
    new NiftiWriter().write(p.labelVolume(geometry), labels);
    return probs == null ? List.of(labels) : List.of(labels, probs);
  }
}
