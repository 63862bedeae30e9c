package org.mednext.predict;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mednext.io.CaseFiles;
import org.mednext.io.DicomSeriesReader;
import org.mednext.io.NiftiReader;
import org.mednext.io.TiffReader;
import org.mednext.io.VolumeFormatException;
import org.mednext.io.VolumeFormats;
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
 */
public record CaseInput(String id, List<Path> channels) {

  private static final Pattern CHANNEL_SUFFIX = Pattern.compile("(.+)_(\\d{4})$");

  public CaseInput {
    channels = List.copyOf(channels);
  }

  /**
   * The cases an input path holds, for a model with {@code modelChannels} channels and nnU-Net file ending
   * {@code fileEnding}:
   * <ul>
   *   <li>a volume file (NIfTI, TIFF, DICOM) or a DICOM series folder: one case; a file named
   *       {@code CASE_0000<ending>} of a multi-channel model brings its sibling channels;
   *   <li>a folder in nnU-Net's layout ({@code CASE_XXXX<ending>}): one case per CASE;
   *   <li>for single-channel models, any other folder: every volume file and DICOM series sub-folder in it (an
   *       Analyze/NIfTI pair counts once, by its .hdr).
   * </ul>
   * The nnU-Net layout is recognised by the model's file ending, or, where no file has it (a model trained on .mha
   * files, say), by .nii.gz or .nii.
   *
   * @throws VolumeFormatException when two inputs would be written under the same case name
   */
  public static List<CaseInput> discover(Path input, String fileEnding, int modelChannels) throws IOException {
    if (!Files.exists(input)) throw new NoSuchFileException(input.toString(), null, "no such file or folder");
    if (Files.isRegularFile(input) || DicomSeriesReader.isDicomFolder(input)) {
      return List.of(single(input, modelChannels));
    }
    String layoutEnding = nnUnetLayoutEnding(input, fileEnding, modelChannels);
    if (layoutEnding != null) {
      List<CaseInput> out = new ArrayList<>();
      for (CaseFiles.Case c : CaseFiles.discover(input, layoutEnding, modelChannels)) out.add(new CaseInput(c.id(), c.channels()));
      return out;
    }
    if (modelChannels != 1) {
      throw new VolumeFormatException(input, "the model takes " + modelChannels + " channels: name the files "
          + "CASE_0000.nii.gz, CASE_0001.nii.gz, ... as nnU-Net does");
    }
    List<CaseInput> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(input)) {
      List<Path> entries = new ArrayList<>();
      ds.forEach(entries::add);
      entries.sort(null);
      for (Path p : entries) {
        if (p.getFileName().toString().startsWith(".") || isImageOfPair(p)) continue;
        boolean volume = Files.isRegularFile(p) && (NiftiReader.hasNiftiExtension(p) || TiffReader.hasTiffExtension(p));
        if (volume || (Files.isDirectory(p) && DicomSeriesReader.isDicomFolder(p))) out.add(new CaseInput(stem(p), List.of(p)));
      }
    }
    if (out.isEmpty()) {
      throw new VolumeFormatException(input, "no NIfTI/TIFF files or DICOM series found in this folder");
    }
    requireDistinctNames(input, out);
    return out;
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
    String stem = stem(input);
    Matcher m = CHANNEL_SUFFIX.matcher(stem);
    if (modelChannels > 1 && m.matches() && Files.isRegularFile(input)) {
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
    String id = m.matches() && modelChannels == 1 ? m.group(1) : stem;
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
    List<float[]> data = new ArrayList<>();
    Volume<?> first = null;
    Reorientation firstOrientation = null;
    int[] firstShape = null;
    double[] firstSpacing = null;
    for (Path p : channels) {
      Volume<?> v = VolumeFormats.read(p);
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
      for (float[] c : VolumeArrays.channels(v)) data.add(r.apply(c, VolumeArrays.shapeZyx(v)));
    }
    return new Loaded(data.toArray(new float[0][]), firstShape, firstSpacing, first.geometry(), firstOrientation);
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
