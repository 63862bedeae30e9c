package org.mednext.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.mednext.io.CaseFiles;
import org.mednext.io.VolumeFormatException;
import org.mednext.model.DatasetJson;
import org.mednext.predict.CaseInput;
import org.mednext.predict.ImageReaderWriter;
import org.mednext.volume.Volume;
import org.mednext.volume.VolumeArrays;

/**
 * The labelled cases to train on: an nnU-Net raw dataset folder ({@code dataset.json}, {@code imagesTr/
 * CASE_XXXX<ending>}, {@code labelsTr/CASE<ending>}) or volumes held in memory (what the Fiji commands pass).
 * Every case is checked before any training starts ({@link #validate}).
 */
public final class TrainingData {

  /** One labelled case; {@link #load} reads it (files are read lazily, one case at a time). */
  public interface Case {
    String id();

    Loaded load() throws IOException;

    /** What the case is made of (files, sizes, dates) for the preprocessing cache; null = do not cache. */
    default String sourceKey() throws IOException {
      return null;
    }
  }

  /**
   * A loaded case in nnU-Net array order.
   *
   * @param channels image channels, (z, y, x) C order
   * @param labels label map, same shape
   * @param shape (z, y, x)
   * @param spacing (z, y, x) in mm, as the SimpleITKIO reader that our plans name reports it (a NIfTI file's pixdim
   *     in its xyzt_units)
   */
  public record Loaded(float[][] channels, short[] labels, int[] shape, double[] spacing) {}

  private final DatasetJson dataset;
  private final List<Case> cases;
  private final Path source;

  private TrainingData(DatasetJson dataset, List<Case> cases, Path source) {
    this.dataset = dataset;
    this.cases = List.copyOf(cases);
    this.source = source;
  }

  /** The dataset description (channels, labels, file ending). */
  public DatasetJson dataset() {
    return dataset;
  }

  public List<Case> cases() {
    return cases;
  }

  /** The raw dataset folder, or null for in-memory data. */
  public Path source() {
    return source;
  }

  /**
   * Opens an nnU-Net raw dataset folder.
   *
   * @throws IOException if dataset.json is missing or malformed, or imagesTr/labelsTr do not pair up
   */
  public static TrainingData open(Path folder) throws IOException {
    Path json = folder.resolve("dataset.json");
    if (!Files.isRegularFile(json)) {
      throw new NoSuchFileException(json.toString(), null,
          "not an nnU-Net raw dataset folder (dataset.json, imagesTr/, labelsTr/)");
    }
    DatasetJson dataset = DatasetJson.read(json);
    Path images = folder.resolve("imagesTr");
    Path labels = folder.resolve("labelsTr");
    if (!Files.isDirectory(images)) throw new NoSuchFileException(images.toString(), null, "missing imagesTr folder");
    if (!Files.isDirectory(labels)) throw new NoSuchFileException(labels.toString(), null, "missing labelsTr folder");
    List<Case> cases = new ArrayList<>();
    for (CaseFiles.Case c : CaseFiles.discover(images, dataset.fileEnding(), dataset.numChannels())) {
      Path label = labels.resolve(c.id() + dataset.fileEnding());
      if (!Files.isRegularFile(label)) {
        throw new VolumeFormatException(label, "case " + c.id() + " has images but no label file in labelsTr");
      }
      cases.add(new FileCase(c.id(), c.channels(), label));
    }
    return new TrainingData(dataset, cases, folder);
  }

  /** Cases held in memory (image volumes with all channels, label volumes on the same grid). */
  public static TrainingData of(DatasetJson dataset, List<String> ids, List<Volume<?>> images, List<Volume<?>> labels) {
    if (ids.size() != images.size() || images.size() != labels.size()) {
      throw new IllegalArgumentException("need as many ids, images and label images: " + ids.size() + ", "
          + images.size() + ", " + labels.size());
    }
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) cases.add(new MemoryCase(ids.get(i), images.get(i), labels.get(i)));
    return new TrainingData(dataset, cases, null);
  }

  /**
   * Loads every case once and checks it: channel count, image/label size and spacing, label values known to
   * dataset.json, labels not empty. Throws on the first bad case, naming it and what to do.
   */
  public void validate() throws IOException {
    if (cases.isEmpty()) throw new IllegalArgumentException("the dataset has no training cases");
    Set<Integer> allowed = new TreeSet<>(dataset.labels().allLabels());
    dataset.labels().ignoreLabel().ifPresent(allowed::add);
    for (Case c : cases) check(c, c.load(), allowed);
  }

  static void check(Case c, Loaded l, Set<Integer> allowed) {
    int voxels = l.shape()[0] * l.shape()[1] * l.shape()[2];
    if (l.labels().length != voxels) {
      throw new IllegalArgumentException("case " + c.id() + ": the label map does not have the image's size");
    }
    boolean[] seen = new boolean[65536];
    boolean foreground = false;
    for (short v : l.labels()) {
      seen[v & 0xffff] = true;
      if (v != 0) foreground = true;
    }
    TreeSet<Integer> unknown = new TreeSet<>();
    for (int v = 0; v < seen.length; v++) if (seen[v] && !allowed.contains((int) (short) v)) unknown.add((int) (short) v);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "case %s: label values %s are not in dataset.json's labels %s; fix the label map or dataset.json",
          c.id(), unknown, allowed));
    }
    if (!foreground) {
      throw new IllegalArgumentException("case " + c.id() + ": the label map is empty (background only); "
          + "label at least one structure or leave the case out");
    }
  }

  /** A case from files; channels and labels must share size and spacing. */
  private record FileCase(String id, List<Path> channels, Path labelFile) implements Case {
    @Override
    public String sourceKey() throws IOException {
      StringBuilder b = new StringBuilder();
      List<Path> all = new ArrayList<>(channels);
      all.add(labelFile);
      for (Path p : all) {
        b.append(p.toAbsolutePath()).append(' ').append(Files.size(p)).append(' ')
            .append(Files.getLastModifiedTime(p).toMillis()).append('\n');
      }
      return b.toString();
    }

    @Override
    public Loaded load() throws IOException {
      CaseInput.Loaded image = new CaseInput(id, channels).load(ImageReaderWriter.SIMPLE_ITK_IO);
      Volume<?> lv = ImageReaderWriter.SIMPLE_ITK_IO.read(labelFile); // scl_slope/scl_inter as ITK takes them
      // the label's spacing as the reader sees it too: a label written by ITK tools is in mm where its image may be
      // in micrometres
      CaseInput.requireSameGrid(labelFile, image.shape(), image.spacing(), VolumeArrays.shapeZyx(lv),
          ImageReaderWriter.SIMPLE_ITK_IO.view(labelFile, lv.geometry()).spacing(),
          "the image " + channels.get(0).getFileName());
      return new Loaded(image.channels(), VolumeArrays.integerLabels(lv, labelFile.toString()), image.shape(), image.spacing());
    }
  }

  private record MemoryCase(String id, Volume<?> image, Volume<?> labelImage) implements Case {
    @Override
    public Loaded load() throws IOException {
      int[] shape = VolumeArrays.shapeZyx(image);
      if (!Arrays.equals(shape, VolumeArrays.shapeZyx(labelImage))) {
        throw new IllegalArgumentException("case " + id + ": the label image's size " + Arrays.toString(labelImage.spatialSize())
            + " differs from the image's " + Arrays.toString(image.spatialSize()));
      }
      return new Loaded(VolumeArrays.channels(image), VolumeArrays.integerLabels(labelImage, "case " + id), shape,
          image.geometry().spacingNnUnetOrder());
    }
  }
}
