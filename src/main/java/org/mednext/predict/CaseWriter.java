package org.mednext.predict;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.mednext.io.NiftiReader;
import org.mednext.io.NiftiWriter;
import org.mednext.io.NpzWriter;
import org.mednext.io.VolumeFormatException;
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
   * Whether case {@code id} is done in {@code outputDir}, as nnUNetv2_predict's {@code --continue_prediction} decides:
   * its label file exists and, when probabilities are asked for, its .npz too.
   */
  public static boolean isDone(Path outputDir, String id, boolean probabilities) {
    return Files.isRegularFile(labelFile(outputDir, id))
        && (!probabilities || Files.isRegularFile(probabilityFile(outputDir, id)));
  }

  /**
   * Refuses, before anything is predicted, outputs that would replace an input: a file {@code x.nii.gz} segmented
   * into its own folder is written as {@code x.nii.gz}.
   *
   * @throws VolumeFormatException naming the input and what to do
   */
  public static void requireInputsKept(List<CaseInput> cases, Path outputDir) throws IOException {
    Set<Path> inputs = new HashSet<>();
    for (CaseInput c : cases) for (Path p : c.channels()) inputs.add(canonical(p));
    for (CaseInput c : cases) {
      for (Path out : List.of(labelFile(outputDir, c.id()), probabilityFile(outputDir, c.id()))) {
        if (inputs.contains(canonical(out))) {
          throw new VolumeFormatException(out, "the output of case " + c.id()
              + " would replace this input file: choose another output folder");
        }
      }
    }
  }

  /** The real path where the file exists (links resolved), else the normalised absolute path. */
  private static Path canonical(Path p) throws IOException {
    return Files.exists(p) ? p.toRealPath() : p.toAbsolutePath().normalize();
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
    return write(p, geometry, null, outputDir, id, threads, progress);
  }

  /**
   * As above, for a prediction of the image in file {@code source} (its channel 0): a NIfTI source's sform and qform
   * go into the label file as they stand in it, so that every viewer places labels and image alike.
   */
  public static List<Path> write(Prediction p, Geometry geometry, Path source, Path outputDir, String id, int threads,
      Progress progress) throws IOException {
    Path labels = labelFile(outputDir, id);
    Path probs = null;
    if (p.probabilities() != null) {
      probs = probabilityFile(outputDir, id);
      int[] grid = p.probabilities().shape(); // the labels' grid, or the one nnU-Net reoriented to
      long[] shape = {p.probabilities().classes(), grid[0], grid[1], grid[2]};
      progress.start("writing probabilities", shape[0]);
      try (NpzWriter npz = NpzWriter.create(probs, true, threads)) {
        // one class's full-size map at a time
        npz.addFloat32("probabilities", shape, reported(p.probabilities().maps(), progress));
        npz.commit();
      }
    }
    progress.checkCancelled();
    labelWriter(p.imageReaderWriter(), source).write(p.labelVolume(geometry), labels);
    return probs == null ? List.of(labels) : List.of(labels, probs);
  }

  /**
   * The label file's writer. For a NIfTI source: its transforms as they stand (nnU-Net's writers instead put the one
   * affine their reader chose into both, so that where the source's sform and qform disagree, programs that prefer
   * the other one would place image and labels apart). Otherwise the header codes nnU-Net's writer gives: nibabel's
   * new images have sform_code 2 (aligned) and qform_code 0 (the qform fields filled all the same), ITK writes both
   * codes 1 (scanner); the affine is the input's either way.
   */
  static NiftiWriter labelWriter(String imageReaderWriter, Path source) throws IOException {
    if (source != null && Files.isRegularFile(source) && NiftiReader.hasNiftiExtension(source)) {
      return NiftiWriter.builder().transformsFrom(NiftiReader.readHeader(source)).build();
    }
    if (imageReaderWriter.startsWith("Nibabel")) return NiftiWriter.builder().sformCode(2).qformCode(0).build();
    if (imageReaderWriter.startsWith("SimpleITK")) return NiftiWriter.builder().sformCode(1).qformCode(1).build();
    return new NiftiWriter();
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
