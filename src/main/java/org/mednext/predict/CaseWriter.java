package org.mednext.predict;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mednext.io.NiftiHeader;
import org.mednext.io.NiftiReader;
import org.mednext.io.NiftiWriter;
import org.mednext.io.NpzWriter;
import org.mednext.io.VolumeFormatException;
import org.mednext.model.Fold;
import org.mednext.model.ModelFolder;
import org.mednext.task.CancelledException;
import org.mednext.task.Progress;
import org.mednext.torch.NumpyArray;
import org.mednext.torch.PyTuple;
import org.mednext.torch.PythonPickle;
import org.mednext.util.AtomicFiles;
import org.mednext.volume.Geometry;

/**
 * Writes a prediction as nnUNetv2_predict does: {@code <case>.nii.gz} (labels on the input grid and geometry,
 * uint8 or uint16) and, on request, {@code <case>.npz} with {@code probabilities} (classes first, then nnU-Net's
 * (z, y, x) axis order, float32, compressed) with {@code <case>.pkl}, nnU-Net's properties of the case. Every file is
 * written atomically.
 */
public final class CaseWriter {

  private CaseWriter() {}

  /** What nnU-Net's predict_from_files writes beside the cases' files: the run's arguments. */
  public static final String ARGUMENTS_JSON = "predict_from_raw_data_args.json";

  /**
   * Writes what nnU-Net's {@code predict_from_files} writes into its output folder before the first case: the model's
   * {@code dataset.json} and {@code plans.json} (its tools read them from a folder of predictions:
   * {@code nnUNetv2_ensemble}, {@code nnUNetv2_apply_postprocessing}) and the run's arguments in
   * {@value #ARGUMENTS_JSON}, under nnU-Net's names where it has them and this program's settings under
   * {@code "mednext"}. Each file atomically, and a {@code dataset.json} or {@code plans.json} that already holds the
   * same bytes is left alone (jobs of one {@code -num_parts} run write the same ones). The folder must exist.
   *
   * @param input the input file or folder
   * @param previousStage a cascade's previous-stage folder, or null
   * @throws OutputException when a file cannot be written, or the folder is a model folder or an nnU-Net dataset
   *     whose own dataset.json or plans.json would be replaced
   * @throws IOException when the model's files cannot be read (naming them)
   */
  public static void writeRunFiles(Path outputDir, Predictor predictor, Path input, Path previousStage,
      boolean overwrite, int numParts, int partId) throws IOException {
    Path model = predictor.model().path();
    for (String name : List.of(ModelFolder.DATASET_JSON, ModelFolder.PLANS_JSON)) {
      byte[] bytes = Files.readAllBytes(model.resolve(name));
      Path target = outputDir.resolve(name);
      if (Files.isRegularFile(target) && Arrays.equals(bytes, Files.readAllBytes(target))) continue;
      if (Files.exists(target) && holdsModelOrDataset(outputDir)) {
        throw new OutputException(outputDir, "holds a model (fold_N folders) or an nnU-Net dataset (imagesTr), whose "
            + name + " the predictions' copy of the model's would replace: give the output another folder");
      }
      writeOrSay(target, out -> out.write(bytes));
    }
    PredictorOptions o = predictor.options();
    JsonObject args = new JsonObject();
    args.addProperty("list_of_lists_or_source_folder", input.toAbsolutePath().toString());
    args.addProperty("output_folder_or_list_of_truncated_output_files", outputDir.toAbsolutePath().toString());
    args.addProperty("save_probabilities", o.probabilities());
    args.addProperty("overwrite", overwrite);
    args.addProperty("folder_with_segs_from_prev_stage", previousStage == null ? null
        : previousStage.toAbsolutePath().toString());
    args.addProperty("num_parts", numParts);
    args.addProperty("part_id", partId);
    JsonObject ours = new JsonObject();
    ours.addProperty("model_folder", model.toString());
    ours.addProperty("configuration", predictor.configurationName());
    JsonArray folds = new JsonArray();
    for (Fold f : predictor.folds()) folds.add(f.toString());
    ours.add("folds", folds);
    ours.addProperty("checkpoint_name", o.checkpointName());
    ours.addProperty("tile_step_size", o.stepSize());
    ours.addProperty("use_mirroring", o.mirroring());
    ours.addProperty("threads", o.threads());
    ours.addProperty("device", o.device());
    args.add("mednext", ours);
    byte[] json = new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(args)
        .getBytes(StandardCharsets.UTF_8);
    writeOrSay(outputDir.resolve(ARGUMENTS_JSON), out -> out.write(json));
  }

  /** A folder of a model (fold_N sub-folders) or of an nnU-Net raw dataset (imagesTr). */
  private static boolean holdsModelOrDataset(Path folder) throws IOException {
    if (Files.isDirectory(folder.resolve("imagesTr"))) return true;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder,
        p -> p.getFileName().toString().startsWith("fold_") && Files.isDirectory(p))) {
      return ds.iterator().hasNext();
    }
  }

  private static void writeOrSay(Path target, AtomicFiles.Body body) throws OutputException {
    try {
      AtomicFiles.write(target, body);
    } catch (IOException e) {
      throw new OutputException(target, "cannot be written (" + e.getMessage() + "): allow writing there, or choose "
          + "another output folder", e);
    }
  }

  /** The label file of case {@code id} in {@code outputDir}. */
  public static Path labelFile(Path outputDir, String id) {
    return outputDir.resolve(id + ".nii.gz");
  }

  /** The probability file of case {@code id} in {@code outputDir}. */
  public static Path probabilityFile(Path outputDir, String id) {
    return outputDir.resolve(id + ".npz");
  }

  /** nnU-Net's properties file of case {@code id}, written beside the probabilities. */
  public static Path propertiesFile(Path outputDir, String id) {
    return outputDir.resolve(id + ".pkl");
  }

  /**
   * What nnU-Net's {@code <case>.pkl} holds, for its tools that take the probabilities with it (nnUNetv2_ensemble
   * writes labels from them through the reader's part): null for a reader class whose part we do not write
   * (NaturalImage2DIO, custom ones), or a prediction without properties.
   *
   * @param geometry where the model's reader places the input ({@link ImageReaderWriter#placement})
   */
  static Map<String, Object> nnUnetProperties(Prediction p, Geometry geometry) {
    Prediction.CaseProperties c = p.properties();
    if (c == null) return null;
    Map<String, Object> d = new LinkedHashMap<>();
    String io = p.imageReaderWriter();
    if (io.equals("NibabelIO") || io.equals("NibabelIOWithReorient")) {
      Map<String, Object> nibabel = new LinkedHashMap<>();
      nibabel.put("original_affine", new NumpyArray(geometry.affine(), new long[] {4, 4}));
      if (io.equals("NibabelIOWithReorient")) {
        double[] reoriented = c.reorientation().affine(geometry, p.shape()); // p is on the file's grid
        nibabel.put("reoriented_affine", new NumpyArray(reoriented, new long[] {4, 4}));
      }
      d.put("nibabel_stuff", nibabel);
    } else if (io.equals("SimpleITKIO") || io.equals("SimpleITKIOWithReorient")) {
      // ITK's spacing is the reader's (pixdim in mm, moved with the voxels); the origin and direction are those of the
      // image it read: for the reorienting form the reoriented one, with the file's orientation to go back to (ITK's
      // letters name where each axis points, as nibabel's do)
      boolean reoriented = io.equals("SimpleITKIOWithReorient");
      double[] xyz = {c.spacing()[2], c.spacing()[1], c.spacing()[0]};
      double[] affine = reoriented ? c.reorientation().affine(geometry, p.shape()) : geometry.affine();
      Map<String, Object> itk = itkGeometry(Geometry.of(xyz, affine));
      if (reoriented) itk.put("original_orientation", c.reorientation().toString());
      d.put("sitk_stuff", itk);
    } else if (!io.equals("Tiff3DIO")) { // Tiff3DIO adds nothing of its own: its writer needs only the spacing
      return null;
    }
    List<Object> spacing = new ArrayList<>();
    for (double v : c.spacing()) spacing.add(v);
    List<Object> box = new ArrayList<>();
    for (int a = 0; a < 3; a++) {
      box.add(new ArrayList<>(List.of((long) c.boundingBox().start(a), (long) c.boundingBox().end(a))));
    }
    d.put("spacing", spacing);
    d.put("shape_before_cropping", tuple(c.shapeBeforeCropping()));
    d.put("bbox_used_for_cropping", box);
    d.put("shape_after_cropping_and_before_resampling", tuple(c.shapeAfterCropping()));
    return d;
  }

  /**
   * SimpleITK's spacing, origin and direction of a geometry: ITK's world is LPS where ours is RAS, so x and y change
   * sign, and the direction's columns are the affine's divided by their lengths.
   */
  private static Map<String, Object> itkGeometry(Geometry geometry) {
    double[] a = geometry.affine();
    double[] sign = {-1, -1, 1};
    List<Object> direction = new ArrayList<>();
    double[] norm = geometry.axisLengths();
    for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) direction.add(sign[i] * a[4 * i + j] / norm[j]);
    double[] s = geometry.spacing();
    Map<String, Object> itk = new LinkedHashMap<>();
    itk.put("spacing", PyTuple.of(s[0], s[1], s[2]));
    itk.put("origin", PyTuple.of(-a[3], -a[7], a[11]));
    itk.put("direction", new PyTuple(direction));
    return itk;
  }

  private static PyTuple tuple(int[] values) {
    return PyTuple.of(Arrays.stream(values).mapToObj(v -> (Object) (long) v).toArray());
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

  /**
   * Checks a cascade's previous-stage folder before the first case: it must be a folder, and not the output folder,
   * where the second stage's segmentations would replace the first stage's (and a rerun would read them as its input).
   *
   * @param option how the user named the folder, for the message
   * @throws FileNotFoundException when it is missing or a file
   * @throws IllegalArgumentException when it is the output folder
   */
  public static void requirePreviousStageKept(Path previousStage, Path outputDir, String option) throws IOException {
    if (!Files.isDirectory(previousStage)) {
      throw new FileNotFoundException(option + " " + previousStage + ": " + (Files.exists(previousStage)
          ? "is a file" : "no such folder") + "; give the folder that the first stage's segmentations were written to");
    }
    if (Files.isDirectory(outputDir) && canonical(previousStage).equals(canonical(outputDir))) {
      throw new IllegalArgumentException(option + " " + previousStage + " is the output folder: the second stage's "
          + "segmentations would replace the first stage's; give the output another folder");
    }
  }

  /**
   * Refuses, before case {@code id} is predicted, a folder where one of its output files must go, or an earlier output
   * that cannot be replaced (read-only, immutable): the rename that puts a file in place would fail only after the
   * prediction, and maybe after another file of the case was replaced.
   *
   * @throws OutputException naming the folder or file in the way and what to do
   */
  public static void requireWritable(Path outputDir, String id, boolean probabilities) throws OutputException {
    List<Path> files = probabilities
        ? List.of(labelFile(outputDir, id), probabilityFile(outputDir, id), propertiesFile(outputDir, id))
        : List.of(labelFile(outputDir, id));
    for (Path f : files) {
      if (Files.isDirectory(f)) {
        throw new OutputException(f, "a folder is where the output file of case " + id + " must be written: move or "
            + "rename the folder, or choose another output folder");
      }
      if (Files.isRegularFile(f) && !Files.isWritable(f)) {
        throw new OutputException(f, "is read-only, so the output of case " + id + " cannot replace it: make it "
            + "writable or move it away, or choose another output folder");
      }
    }
  }

  /** The real path where the file exists (links resolved), else the normalised absolute path. */
  private static Path canonical(Path p) throws IOException {
    return Files.exists(p) ? p.toRealPath() : p.toAbsolutePath().normalize();
  }

  /**
   * Writes the files of one case, compressing the probabilities on {@code threads} threads; returns them. Each file
   * is written to its temporary file first; only when all are written are they renamed into place, the label file
   * last, as in nnU-Net: it marks the case as done ({@code --continue_prediction}). A failure before that leaves the
   * case's files of an earlier run as they were.
   */
  public static List<Path> write(Prediction p, Geometry geometry, Path outputDir, String id, int threads)
      throws IOException {
    return write(p, geometry, outputDir, id, threads, Progress.none());
  }

  /**
   * As above, reporting the classes of the probabilities as they are written (a many-class CT's archive takes half a
   * minute); a cancelled {@code progress} stops them between two classes, or once every file is written, with a
   * {@link CancelledException}: nothing of the case is written then, and its files of an earlier run are kept.
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
    Path probs = p.probabilities() == null ? null : probabilityFile(outputDir, id);
    NiftiHeader sourceHeader = source != null && Files.isRegularFile(source) && NiftiReader.hasNiftiExtension(source)
        ? NiftiReader.readHeader(source) : null;
    Map<String, Object> properties = p.probabilities() == null ? null
        : nnUnetProperties(p, ImageReaderWriter.of(p.imageReaderWriter()).placement(sourceHeader, geometry));
    Path pickle = properties == null ? null : propertiesFile(outputDir, id);
    requireWritable(outputDir, id, probs != null); // a rename that fails after another would leave a mixed case
    // closing what is not committed deletes its temporary file: a failure or a cancel leaves nothing of this run
    try (NpzWriter npz = probs == null ? null : NpzWriter.create(probs, true, threads)) {
      if (npz != null) {
        int[] grid = p.probabilities().shape(); // the labels' grid, or the one nnU-Net reoriented to
        long[] shape = {p.probabilities().classes(), grid[0], grid[1], grid[2]};
        progress.start("writing probabilities", shape[0]);
        // one class's full-size map at a time
        npz.addFloat32("probabilities", shape, reported(p.probabilities().maps(), progress));
        npz.finish();
      }
      try (AtomicFiles.Pending pickled = pickle == null ? null : PythonPickle.prepare(pickle, properties);
          AtomicFiles.Pending labelled = labelWriter(p.imageReaderWriter(), sourceHeader)
              .prepare(p.labelVolume(geometry), labels)) {
        progress.checkCancelled(); // the last chance: the renames below are not interrupted, so no case is half-new
        // the label file marks a case done: gone before the other renames, a rename that fails between them leaves a
        // case that --continue_prediction predicts again, not new probabilities beside old labels
        if (npz != null) Files.deleteIfExists(labels);
        if (npz != null) npz.commit();
        if (pickled != null) pickled.commit();
        labelled.commit();
      }
    }
    List<Path> written = new ArrayList<>(List.of(labels));
    if (probs != null) written.add(probs);
    if (pickle != null) written.add(pickle);
    return written;
  }

  /**
   * The label file's writer. For a NIfTI source (its header; null for other inputs): its transforms as they stand (nnU-Net's writers instead put the one
   * affine their reader chose into both, so that where the source's sform and qform disagree, programs that prefer
   * the other one would place image and labels apart). Otherwise the header codes nnU-Net's writer gives: nibabel's
   * new images have sform_code 2 (aligned) and qform_code 0 (the qform fields filled all the same), ITK writes both
   * codes 1 (scanner); the affine is the input's either way.
   */
  static NiftiWriter labelWriter(String imageReaderWriter, NiftiHeader source) {
    if (source != null) return NiftiWriter.builder().transformsFrom(source).build();
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
