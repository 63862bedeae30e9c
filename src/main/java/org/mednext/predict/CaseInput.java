package org.mednext.predict;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mednext.io.CaseFiles;
import org.mednext.io.DicomSeriesReader;
import org.mednext.io.NiftiReader;
import org.mednext.io.TiffReader;
import org.mednext.io.VolumeFormatException;
import org.mednext.volume.Geometry;
import org.mednext.volume.Reorientation;
import org.mednext.volume.Volume;
import org.mednext.volume.VolumeArrays;

/**
 * One case to segment: an identifier (used for the output name) and its channel inputs (files or DICOM
 * folders), as the command line and the Fiji batch command find them.
 *
 * @param id output name without extension
 * @param channels one input per channel, in channel order
 * @param problem why the case cannot be predicted (its channel files do not match the model's channels), or null;
 *     {@link #load} throws it, so that such a case fails alone
 */
public record CaseInput(String id, List<Path> channels, String problem) {

  private static final Pattern CHANNEL_SUFFIX = Pattern.compile("(.+)_(\\d{4})$");
  private static final Logger LOG = Logger.getLogger("org.mednext.predict");
  /** Volume formats we do not read, whose files a folder's cases leave out with a warning. */
  private static final List<String> OTHER_VOLUME_EXTENSIONS = List.of(".mha", ".mhd", ".nrrd", ".nhdr", ".mgz",
      ".mgh", ".gipl", ".gipl.gz");

  public CaseInput {
    channels = List.copyOf(channels);
  }

  /** A case that can be loaded. */
  public CaseInput(String id, List<Path> channels) {
    this(id, channels, null);
  }

  /**
   * The cases an input path holds, for a model with {@code modelChannels} channels and nnU-Net file ending
   * {@code fileEnding}:
   * <ul>
   *   <li>a volume file (NIfTI, TIFF, DICOM) or a DICOM series folder: one case; a file named
   *       {@code CASE_0000<ending>} of a multi-channel model brings its sibling channels;
   *   <li>a folder in nnU-Net's layout ({@code CASE_XXXX<ending>}): one case per CASE;
   *   <li>for single-channel models, any other folder: every volume file and DICOM series sub-folder in it (an
   *       Analyze/NIfTI pair counts once, by its .hdr); image files of other formats (.mha, .nrrd) are named in a
   *       warning.
   * </ul>
   * The nnU-Net layout is recognised by the model's file ending, or, where no file has it (a model trained on .mha
   * files, say), by .nii.gz or .nii. As in nnU-Net, only files with that ending are read there; the image files
   * left out are named in a warning, logged.
   *
   * @throws VolumeFormatException when two inputs would be written under the same case name
   */
  public static List<CaseInput> discover(Path input, String fileEnding, int modelChannels) throws IOException {
    return discover(input, fileEnding, modelChannels, LOG::warning);
  }

  /**
   * As {@link #discover(Path, String, int)}, giving its warnings (image files an nnU-Net folder leaves out) to
   * {@code warnings}. A case of an nnU-Net folder whose channel files do not match the model's channels is returned
   * with its {@link #problem}: it fails alone, the others still run.
   */
  public static List<CaseInput> discover(Path input, String fileEnding, int modelChannels, Consumer<String> warnings)
      throws IOException {
    if (!Files.exists(input)) throw new NoSuchFileException(input.toString(), null, "no such file or folder");
    if (Files.isRegularFile(input) || DicomSeriesReader.isDicomFolder(input)) {
      return List.of(single(input, modelChannels));
    }
    String layoutEnding = nnUnetLayoutEnding(input, fileEnding, modelChannels);
    if (layoutEnding != null) return layoutCases(input, layoutEnding, fileEnding, modelChannels, warnings);
    if (modelChannels != 1) {
      throw new VolumeFormatException(input, "the model takes " + modelChannels + " channels: name the files "
          + "CASE_0000.nii.gz, CASE_0001.nii.gz, ... as nnU-Net does");
    }
    List<CaseInput> out = new ArrayList<>();
    List<Path> others = new ArrayList<>();
    for (Path p : sortedEntries(input)) {
      if (p.getFileName().toString().startsWith(".") || isImageOfPair(p)) continue;
      boolean volume = Files.isRegularFile(p) && (NiftiReader.hasNiftiExtension(p) || TiffReader.hasTiffExtension(p));
      if (volume || (Files.isDirectory(p) && DicomSeriesReader.isDicomFolder(p))) out.add(new CaseInput(stem(p), List.of(p)));
      else if (Files.isRegularFile(p)) others.add(p);
    }
    warnLeftOut(input, others, "in a format not read here (only NIfTI, TIFF and DICOM series folders are)",
        "convert them to NIfTI (.nii.gz) to predict them", warnings);
    if (out.isEmpty()) {
      throw new VolumeFormatException(input, "no NIfTI/TIFF files or DICOM series found in this folder");
    }
    requireDistinctNames(input, out);
    return out;
  }

  /**
   * The cases of a folder in nnU-Net's layout ({@link CaseFiles#list}), each with its problem where its channel files
   * do not match the model's, where {@link CaseFiles#discover} refuses the whole folder.
   */
  private static List<CaseInput> layoutCases(Path folder, String ending, String fileEnding, int modelChannels,
      Consumer<String> warnings) throws IOException {
    CaseFiles.Listing listing = CaseFiles.list(folder, ending);
    // nnU-Net reads only the file ending's files, so a case saved as .nii among .nii.gz ones would vanish unnoticed;
    // under the folder's own ending (not the model's) nnU-Net would read other files, so it is not cited there
    String why = ending.equals(fileEnding) ? "the file_ending of the model's dataset.json), as nnUNetv2_predict "
        + "ignores them" : "the ending of this folder's CASE_0000 files; the model's dataset.json has file_ending "
        + fileEnding + ")";
    warnLeftOut(folder, listing.others(), "not ending in " + ending + " (" + why, "give them that ending to predict "
        + "them", warnings);
    List<CaseInput> out = new ArrayList<>();
    for (Map.Entry<String, SortedMap<Integer, Path>> e : listing.cases().entrySet()) {
      out.add(new CaseInput(e.getKey(), new ArrayList<>(e.getValue().values()),
          channelProblem(e.getKey(), e.getValue(), ending, modelChannels)));
    }
    return out;
  }

  /** What is wrong with a case's channel files against the model's channels _0000 .. _N-1; null if nothing. */
  private static String channelProblem(String id, SortedMap<Integer, Path> byIndex, String ending, int modelChannels) {
    List<String> missing = new ArrayList<>();
    for (int c = 0; c < modelChannels; c++) {
      if (!byIndex.containsKey(c)) missing.add(String.format(Locale.ROOT, "%s_%04d%s", id, c, ending));
    }
    List<String> extra = byIndex.tailMap(modelChannels).values().stream().map(p -> p.getFileName().toString())
        .toList();
    if (missing.isEmpty() && extra.isEmpty()) return null;
    List<String> present = byIndex.values().stream().map(p -> p.getFileName().toString()).toList();
    String range = modelChannels == 1 ? "_0000" : String.format(Locale.ROOT, "_0000 to _%04d", modelChannels - 1);
    List<String> wrong = new ArrayList<>();
    if (!missing.isEmpty()) wrong.add(String.join(", ", missing) + " missing");
    if (!extra.isEmpty()) wrong.add(String.join(", ", extra) + " extra");
    return String.format(Locale.ROOT, "case %s has %s, but the model takes %d channel(s) (%s, dataset.json "
        + "channel_names): %s; %s", id, String.join(", ", present), modelChannels, range, String.join(", ", wrong),
        missing.isEmpty() ? "move the extra file(s) out of the folder"
            : extra.isEmpty() ? "add the missing file(s), or move the case's files out of the folder"
            : "give the case exactly one file per channel");
  }

  /**
   * Warns about the files among {@code others} (those a folder's cases leave out) that look like images, naming them:
   * "{@code folder}: ignored N file(s) {@code which}: NAMES; {@code advice}".
   */
  private static void warnLeftOut(Path folder, List<Path> others, String which, String advice,
      Consumer<String> warnings) {
    List<String> ignored = new ArrayList<>();
    for (Path f : others) if (looksLikeImage(f.getFileName().toString())) ignored.add(f.getFileName().toString());
    if (ignored.isEmpty()) return;
    warnings.accept(String.format(Locale.ROOT, "%s: ignored %d file(s) %s: %s; %s", folder, ignored.size(), which,
        names(ignored), advice));
  }

  /**
   * An image by its name: a NIfTI/TIFF extension, another volume format's (ITK's, FreeSurfer's), or nnU-Net's
   * CASE_XXXX before any other (not Tiff3DIO's .json).
   */
  private static boolean looksLikeImage(String name) {
    Path p = Path.of(name);
    if (NiftiReader.hasNiftiExtension(p) || TiffReader.hasTiffExtension(p)) return true;
    String lower = name.toLowerCase(Locale.ROOT);
    for (String ext : OTHER_VOLUME_EXTENSIONS) if (lower.endsWith(ext)) return true;
    return name.matches(".+_\\d{4}\\.[A-Za-z0-9.]+") && !lower.endsWith(".json");
  }

  /** Up to five names, then how many more. */
  private static String names(List<String> names) {
    int shown = Math.min(names.size(), 5);
    return String.join(", ", names.subList(0, shown))
        + (names.size() > shown ? String.format(Locale.ROOT, " and %d more", names.size() - shown) : "");
  }

  private static List<Path> sortedEntries(Path folder) throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
      ds.forEach(entries::add);
    }
    entries.sort(null);
    return entries;
  }

  /** Two inputs whose names differ only by extension (x.nii.gz and x.tif) would overwrite each other's output. */
  private static void requireDistinctNames(Path folder, List<CaseInput> cases) throws VolumeFormatException {
    Map<String, Path> seen = new HashMap<>();
    for (CaseInput c : cases) {
      Path before = seen.putIfAbsent(c.id(), c.channels().get(0));
      if (before != null) {
        throw new VolumeFormatException(folder, before.getFileName() + " and " + c.channels().get(0).getFileName()
            + " would both be written as case " + c.id() + ": rename one of them or put it in another folder");
      }
    }
  }

  /** The .img (.img.gz) of an Analyze/NIfTI pair whose .hdr is beside it: read through the .hdr. */
  private static boolean isImageOfPair(Path p) {
    String n = p.getFileName().toString();
    String lower = n.toLowerCase(Locale.ROOT);
    for (String ext : new String[] {".img.gz", ".img"}) {
      if (lower.endsWith(ext)) {
        String base = n.substring(0, n.length() - ext.length());
        for (String h : new String[] {".hdr", ".hdr.gz", ".HDR", ".HDR.GZ"}) {
          if (Files.isRegularFile(p.resolveSibling(base + h))) return true;
        }
      }
    }
    return false;
  }

  private static CaseInput single(Path input, int modelChannels) throws IOException {
    String stem = stem(input.toAbsolutePath().normalize()); // "-i ." is named after the folder, not "."
    Matcher m = CHANNEL_SUFFIX.matcher(stem);
    // only one of the model's channel indices names a channel: scan_0001 of a one-channel model is a case of its own,
    // as in a folder, and must not be written over scan_0002's output
    boolean channel = m.matches() && Integer.parseInt(m.group(2)) < modelChannels;
    if (modelChannels > 1 && channel && Files.isRegularFile(input)) {
      String ending = input.getFileName().toString().substring(stem.length()); // the siblings' ending is this one's
      List<Path> channels = new ArrayList<>();
      for (int c = 0; c < modelChannels; c++) {
        Path p = input.resolveSibling(String.format(Locale.ROOT, "%s_%04d%s", m.group(1), c, ending));
        if (!Files.exists(p)) {
          throw new VolumeFormatException(input, "channel " + c + " of case " + m.group(1) + " is missing (" + p.getFileName() + ")");
        }
        channels.add(p);
      }
      return new CaseInput(m.group(1), channels);
    }
    String id = channel && modelChannels == 1 ? m.group(1) : stem;
    return new CaseInput(id, List.of(input));
  }

  /**
   * The file ending under which {@code folder} holds nnU-Net's CASE_XXXX files: the model's, else .nii.gz or .nii
   * (a model trained on .mha files, say, given NIfTI copies); null if none. For a single-channel model, files numbered
   * without a _0000 among them (scan_0001.nii.gz, scan_0002.nii.gz, ...) are cases of their own, not channels.
   */
  private static String nnUnetLayoutEnding(Path folder, String fileEnding, int modelChannels) throws IOException {
    for (String ending : new String[] {fileEnding, ".nii.gz", ".nii"}) {
      boolean any = false;
      boolean firstChannels = false;
      boolean otherChannels = false;
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
        for (Path p : ds) {
          String n = p.getFileName().toString();
          if (!n.endsWith(ending) || !Files.isRegularFile(p)) continue;
          Matcher m = CHANNEL_SUFFIX.matcher(n.substring(0, n.length() - ending.length()));
          if (!m.matches()) continue;
          any = true;
          if (m.group(2).equals("0000")) firstChannels = true;
          else otherChannels = true;
        }
      }
      if (modelChannels == 1 && otherChannels && !firstChannels) return null; // numbered files, no nnU-Net case
      if (ending.equals(fileEnding) ? any : firstChannels) return ending;
    }
    return null;
  }

  /** File name without the volume extension (.nii.gz, .nii, .hdr, .img (also gzipped), .tif, .tiff, .dcm). */
  static String stem(Path p) {
    String n = p.getFileName().toString();
    for (String ext : new String[] {".nii.gz", ".hdr.gz", ".img.gz", ".nii", ".hdr", ".img", ".tiff", ".tif", ".dcm"}) {
      if (n.toLowerCase(Locale.ROOT).endsWith(ext)) return n.substring(0, n.length() - ext.length());
    }
    return n;
  }

  /**
   * The loaded channels, as the model's nnU-Net reader gives them to the pipeline.
   *
   * @param channels per channel, (z, y, x) C order, reoriented to RAS where the reader does that
   * @param shape (z, y, x) of the channels
   * @param spacing (z, y, x) of the channels, in mm
   * @param geometry the file's geometry (channel 0's), for the output
   * @param reorientation what was done to channel 0's voxels; identity for readers that keep the file's order
   */
  public record Loaded(float[][] channels, int[] shape, double[] spacing, Geometry geometry,
      Reorientation reorientation) {

    /** A prediction on the channels' grid moved to the file's voxel order (the labels; see {@link #load}). */
    public Prediction onFileGrid(Prediction p) {
      return p.movedBack(reorientation, reorientation.fileShape(shape));
    }
  }

  /** Reads every channel in the file's voxel order with its spacing as stored (nnU-Net's NibabelIO). */
  public Loaded load() throws IOException {
    return load(ImageReaderWriter.NIBABEL_IO);
  }

  /**
   * Reads every channel as the model's nnU-Net {@code reader} would: a reorienting reader reorders each channel's
   * voxels to RAS ({@link Loaded#onFileGrid} moves the labels back, as its writer does; probabilities stay on the
   * reordered grid, as nnU-Net saves them), and the spacing is the one that reader reports (see
   * {@link ImageReaderWriter}). The channels must share shape and spacing as the reader sees them (nnU-Net's rule;
   * differing origins or directions are accepted).
   */
  public Loaded load(ImageReaderWriter reader) throws IOException {
    return load(reader, null);
  }

  /**
   * As {@link #load(ImageReaderWriter)}, checking that the files hold the model's channels.
   *
   * @param modelChannels dataset.json's {@code channel_names}; null: no check
   * @throws VolumeFormatException for a case with a {@link #problem}, or another number of channels than the model's,
   *     naming the file(s)
   */
  public Loaded load(ImageReaderWriter reader, List<String> modelChannels) throws IOException {
    if (problem != null) throw new VolumeFormatException(channels.get(0).toAbsolutePath().getParent(), problem);
    List<float[]> data = new ArrayList<>();
    List<Integer> perFile = new ArrayList<>();
    Volume<?> first = null;
    Reorientation firstOrientation = null;
    int[] firstShape = null;
    double[] firstSpacing = null;
    for (Path p : channels) {
      Volume<?> v = reader.read(p);
      ImageReaderWriter.View view = reader.view(p, v.geometry());
      Reorientation r = view.reorientation();
      int[] shape = r.shape(VolumeArrays.shapeZyx(v));
      double[] spacing = view.spacing();
      if (first == null) {
        first = v;
        firstOrientation = r;
        firstShape = shape;
        firstSpacing = spacing;
      } else if (!Arrays.equals(shape, firstShape) || !sameSpacing(spacing, firstSpacing)) {
        throw new VolumeFormatException(p, "shape " + Arrays.toString(shape) + " and spacing "
            + Arrays.toString(spacing) + " (z, y, x" + (reader.reorients() ? ", reordered to RAS" : "")
            + ") differ from channel 0's (" + channels.get(0).getFileName() + ") " + Arrays.toString(firstShape)
            + " and " + Arrays.toString(firstSpacing) + ": the channels of a case must share their grid");
      }
      float[][] fileChannels = VolumeArrays.channels(v);
      perFile.add(fileChannels.length);
      for (float[] c : fileChannels) data.add(r.apply(c, VolumeArrays.shapeZyx(v)));
    }
    if (modelChannels != null && data.size() != modelChannels.size()) throw channelCount(perFile, modelChannels);
    return new Loaded(data.toArray(new float[0][]), firstShape, firstSpacing, first.geometry(), firstOrientation);
  }

  /**
   * The previous stage's segmentation of this case for the second stage of a cascade, as nnU-Net finds it:
   * {@code <folder>/<case><file ending>}, or {@code <case>.nii.gz} where that is missing (this program writes its
   * segmentations as NIfTI whatever the model's file ending). Its voxels are reordered as the image's are by
   * {@code reader}; it must have the image's shape (nnU-Net's one check: a spacing is not compared, as a Tiff3DIO
   * image's comes from its .json and the segmentation's from its own header). Values that are not the model's labels
   * are warned about, naming the file (nnU-Net counts them as background: such a file is not the first stage's
   * output).
   *
   * @param predictor the cascade's model: its file ending, reader and labels
   * @param image this case as {@link #load} gave it
   * @return the labels in the order of the image's channels
   * @throws FileNotFoundException naming the file(s) looked for
   * @throws VolumeFormatException for another shape than the image's, more than one channel, or non-integer values
   */
  public short[] loadPreviousStage(Path folder, Predictor predictor, Loaded image) throws IOException {
    String fileEnding = predictor.model().datasetJson().fileEnding();
    ImageReaderWriter reader = predictor.imageReaderWriter();
    Path file = folder.resolve(id + fileEnding);
    if (!Files.isRegularFile(file) && !fileEnding.equals(".nii.gz")) {
      Path nifti = folder.resolve(id + ".nii.gz");
      if (Files.isRegularFile(nifti)) file = nifti;
    }
    if (!Files.isRegularFile(file)) {
      throw new FileNotFoundException(file + ": the previous stage's segmentation of case " + id + " is missing"
          + (fileEnding.equals(".nii.gz") ? "" : " (nor is there a " + id + ".nii.gz)")
          + ": predict the case with the first stage's model into " + folder);
    }
    Volume<?> v = reader.read(file);
    Reorientation r = reader.view(v.geometry()).reorientation();
    int[] fileShape = VolumeArrays.shapeZyx(v);
    if (!Arrays.equals(r.shape(fileShape), image.shape())) {
      throw new VolumeFormatException(file, "the previous stage's segmentation has shape " + Arrays.toString(
          r.shape(fileShape)) + " (z, y, x), the image " + channels.get(0).getFileName() + " " + Arrays.toString(
          image.shape()) + ": give the first stage's output for this very image");
    }
    if (v.channels() != 1) {
      throw new VolumeFormatException(file, "has " + v.channels() + " volumes; a segmentation has one");
    }
    short[] out;
    try {
      out = r.apply(VolumeArrays.integerLabels(v, "a segmentation"), fileShape);
    } catch (IllegalArgumentException e) {
      throw new VolumeFormatException(file, e.getMessage());
    }
    String unknown = Predictor.unknownLabels(out, predictor.model().datasetJson().labels().allLabels());
    if (unknown != null) LOG.warning(file + ": " + unknown);
    return out;
  }

  /** The files hold {@code perFile} channels each, in all not the model's number. */
  private VolumeFormatException channelCount(List<Integer> perFile, List<String> modelChannels) {
    int n = modelChannels.size();
    String model = String.format(Locale.ROOT, "the model takes %d (dataset.json channel_names: %s)", n,
        String.join(", ", modelChannels));
    if (channels.size() == 1) {
      int k = perFile.get(0);
      return new VolumeFormatException(channels.get(0), String.format(Locale.ROOT, "the image has %d channel(s) (%s), "
          + "but %s: %s", k, k == 1 ? "a 3-D file" : "a 4-D file with " + k + " volumes", model, n == 1
          ? "give a 3-D file, or a 4-D file with one volume"
          : "give one file per channel, named CASE_0000 to CASE_" + String.format(Locale.ROOT, "%04d", n - 1)
              + " as nnU-Net does, or a 4-D file with " + n + " volumes"));
    }
    List<String> counts = new ArrayList<>();
    for (int i = 0; i < channels.size(); i++) counts.add(channels.get(i).getFileName() + " " + perFile.get(i));
    return new VolumeFormatException(channels.get(0).toAbsolutePath().getParent(), String.format(Locale.ROOT,
        "case %s's files hold %d channels (%s), but %s: give one 3-D file per channel", id,
        perFile.stream().mapToInt(Integer::intValue).sum(), String.join(", ", counts), model));
  }

  /** Equal to 0.1 %, as file headers round differently. */
  private static boolean sameSpacing(double[] a, double[] b) {
    for (int d = 0; d < 3; d++) if (Math.abs(a[d] - b[d]) > 1e-3 * Math.max(a[d], b[d])) return false;
    return true;
  }

  /**
   * Checks that a file of shape {@code otherShape} and spacing {@code otherSpacing} (both (z, y, x), the spacing as the
   * model's reader reports it) has the reference's shape and spacing (to 0.1 %, as file headers round differently).
   *
   * @throws VolumeFormatException naming the file, both shapes and spacings
   */
  public static void requireSameGrid(Path file, int[] shape, double[] spacing, int[] otherShape, double[] otherSpacing,
      String referenceName) throws VolumeFormatException {
    if (!Arrays.equals(shape, otherShape) || !sameSpacing(spacing, otherSpacing)) {
      throw new VolumeFormatException(file, "shape " + Arrays.toString(otherShape) + " and spacing "
          + Arrays.toString(otherSpacing) + " (z, y, x) differ from " + referenceName + "'s " + Arrays.toString(shape)
          + " and " + Arrays.toString(spacing));
    }
  }


}
