package org.mednext.predict;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.mednext.io.NiftiWriter;
import org.mednext.io.NpzWriter;
import org.mednext.task.CancelledException;
import org.mednext.task.Progress;
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
    return write(p, geometry, outputDir, id, threads, Progress.none());
  }

  /**
   * As above, reporting the classes of the probabilities as they are written (a many-class CT's archive takes half a
   * minute); a cancelled {@code progress} stops them between two classes with a {@link CancelledException}, and
   * nothing of the case is left in {@code outputDir}.
   */
  public static List<Path> write(Prediction p, Geometry geometry, Path outputDir, String id, int threads,
      Progress progress) throws IOException {
    Path labels = labelFile(outputDir, id);
    Path probs = null;
    if (p.probabilities() != null) {
      probs = probabilityFile(outputDir, id);
      long[] shape = {p.probabilities().classes(), p.shape()[0], p.shape()[1], p.shape()[2]};
      progress.start("writing probabilities", shape[0]);
      try (NpzWriter npz = NpzWriter.create(probs, true, threads)) {
        // one class's full-size map at a time
        npz.addFloat32("probabilities", shape, reported(p.probabilities().maps(), progress));
        npz.commit();
      }
    }
    progress.checkCancelled();
    new NiftiWriter().write(p.labelVolume(geometry), labels);
    return probs == null ? List.of(labels) : List.of(labels, probs);
  }

  /** {@code maps}, asking {@code progress} before each whether to stop and counting the ones taken as its steps. */
  private static Iterable<float[]> reported(Iterable<float[]> maps, Progress progress) {
    return () -> {
      Iterator<float[]> it = maps.iterator();
      return new Iterator<>() {
        private long taken;

        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public float[] next() {
          progress.checkCancelled();
          progress.update(taken++);
          return it.next();
        }
      };
    };
  }
}
