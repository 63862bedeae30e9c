package org.mednext.model;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.mednext.util.Checks;

/**
 * A trained nnU-Net v2 model folder ({@code <Trainer>__<Plans>__<configuration>}): its dataset.json and
 * plans.json, parsed and validated, and its {@code fold_N} / {@code fold_all} subfolders with their checkpoints.
 *
 * <p>Which configuration a model was trained with is stored in the checkpoint ({@code init_args.configuration}),
 * which this package does not read: callers pass it to {@link #configuration(String)}, or fall back on
 * {@link #nameParts()}.
 */
public final class ModelFolder {

  public static final String DATASET_JSON = "dataset.json";
  public static final String PLANS_JSON = "plans.json";
  public static final String CHECKPOINT_FINAL = "checkpoint_final.pth";
  public static final String CHECKPOINT_BEST = "checkpoint_best.pth";

  static final Pattern FOLD_FOLDER = Pattern.compile("fold_(all|0|[1-9][0-9]{0,8})");

  /**
   * The parts of a model folder name {@code <trainer>__<plans>__<configuration>}.
   *
   * @param trainerName e.g. {@code nnUNetTrainer}
   * @param plansName e.g. {@code nnUNetPlans}
   * @param configurationName e.g. {@code 3d_fullres}
   */
  public record NameParts(String trainerName, String plansName, String configurationName) {

    /** The parts of {@code folderName}, or empty unless it has exactly three non-empty parts. */
    public static Optional<NameParts> of(String folderName) {
      String[] p = folderName.split("__", -1);
      if (p.length != 3 || p[0].isEmpty() || p[1].isEmpty() || p[2].isEmpty()) return Optional.empty();
      return Optional.of(new NameParts(p[0], p[1], p[2]));
    }
  }

  private final Path path;
  private final DatasetJson datasetJson;
  private final Plans plans;

  private ModelFolder(Path path, DatasetJson datasetJson, Plans plans) {
    this.path = path;
    this.datasetJson = datasetJson;
    this.plans = plans;
  }

  /** Opens {@code folder}; warnings go to java.util.logging. */
  public static ModelFolder open(Path folder) throws IOException {
    return open(folder, JsonFiles::logWarning);
  }

  /**
   * Opens and validates {@code folder}: dataset.json and plans.json are parsed, at least one fold folder must
   * exist. A folder one level off (a dataset folder, a fold folder, a checkpoint file) fails with a message
   * naming the folder to pass instead.
   */
  public static ModelFolder open(Path folder, Consumer<String> warnings) throws IOException {
    Path f = folder.toAbsolutePath().normalize();
    if (!Files.exists(f)) throw new ModelFormatException("model folder not found: " + f);
    boolean hasJsons = Files.isRegularFile(f.resolve(DATASET_JSON)) && Files.isRegularFile(f.resolve(PLANS_JSON));
    if (!Files.isDirectory(f) || !hasJsons) throw new ModelFormatException(Diagnosis.notAModelFolder(f));
    DatasetJson ds = DatasetJson.read(f.resolve(DATASET_JSON), warnings);
    Plans plans = Plans.read(f.resolve(PLANS_JSON), warnings);
    ModelFolder m = new ModelFolder(f, ds, plans);
    if (m.availableFolds().isEmpty()) {
      throw new ModelFormatException(f + " has no fold_0, fold_1, ... or fold_all subfolder, so no trained network;"
          + " has training been run for this model?");
    }
    m.nameParts().filter(n -> !n.plansName().equals(plans.plansName())).ifPresent(n -> warnings.accept(
        f + ": the folder name says plans \"" + n.plansName() + "\" but plans.json says \"" + plans.plansName() + "\""));
    return m;
  }

  /** The folder, absolute. */
  public Path path() {
    return path;
  }

  public DatasetJson datasetJson() {
    return datasetJson;
  }

  public Plans plans() {
    return plans;
  }

  /** The parts of the folder name, if it has the {@code Trainer__Plans__configuration} form. */
  public Optional<NameParts> nameParts() {
    return NameParts.of(path.getFileName().toString());
  }

  /** A guess of the configuration from the folder name; the checkpoint's {@code init_args} is authoritative. */
  public Optional<String> configurationNameFromFolderName() {
    return nameParts().map(NameParts::configurationName);
  }

  /**
   * The resolved configuration {@code name}, cross-checked against dataset.json (one normalization scheme per
   * input channel).
   */
  public Configuration configuration(String name) throws ModelFormatException {
    Configuration c = plans.configuration(name);
    if (c.numInputChannels() != datasetJson.numChannels()) {
      throw new ModelFormatException(path + ": configuration " + name + " normalizes " + c.numInputChannels()
          + " channel(s) (normalization_schemes) but dataset.json declares " + datasetJson.numChannels()
          + " (channel_names); the two files do not belong together");
    }
    return c;
  }

  /** Every fold folder present ({@code fold_<n>}, {@code fold_all}), in nnU-Net's order (folder names sorted). */
  public List<Fold> availableFolds() throws IOException {
    return new ArrayList<>(foldFolders().values());
  }

  /**
   * The folds nnU-Net would use when none are given: every {@code fold_<n>} folder holding
   * {@code checkpointName}, in folder-name order (which is also the order fold predictions are summed); with
   * {@code includeAll} also {@code fold_all}.
   */
  public List<Fold> folds(String checkpointName, boolean includeAll) throws IOException {
    checkName(checkpointName);
    List<Fold> out = new ArrayList<>();
    for (Fold fold : foldFolders().values()) {
      if (fold.isAll() && !includeAll) continue;
      if (Files.isRegularFile(path.resolve(fold.folderName()).resolve(checkpointName))) out.add(fold);
    }
    return out;
  }

  /** {@link #folds(String, boolean)} without {@code fold_all}, as nnU-Net's auto-detection. */
  public List<Fold> folds(String checkpointName) throws IOException {
    return folds(checkpointName, false);
  }

  /**
   * The checkpoint file {@code checkpointName} (e.g. {@link #CHECKPOINT_FINAL}) of {@code fold}.
   *
   * @throws ModelFormatException if the fold folder or the file is missing, listing what is there
   */
  public Path checkpoint(Fold fold, String checkpointName) throws IOException {
    checkName(checkpointName);
    Path foldDir = path.resolve(fold.folderName());
    if (!Files.isDirectory(foldDir)) {
      String available = availableFolds().stream().map(Fold::toString).collect(Collectors.joining(", "));
      throw new ModelFormatException("fold " + fold + " not found in " + path + "; available: " + available);
    }
    Path file = foldDir.resolve(checkpointName);
    if (Files.isRegularFile(file)) return file;
    List<String> present = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(foldDir, "*.pth")) {
      for (Path p : s) present.add(p.getFileName().toString());
    }
    present.sort(null);
    throw new ModelFormatException(fold.folderName() + " in " + path + " has no " + checkpointName + "; "
        + (present.isEmpty() ? "it holds no .pth file (has training finished?)"
            : "available: " + String.join(", ", present)));
  }

  @Override
  public String toString() {
    return "ModelFolder[" + path + "]";
  }

  private TreeMap<String, Fold> foldFolders() throws IOException {
    TreeMap<String, Fold> folds = new TreeMap<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(path)) {
      for (Path p : s) {
        Matcher m = FOLD_FOLDER.matcher(p.getFileName().toString());
        if (m.matches() && Files.isDirectory(p)) folds.put(p.getFileName().toString(), Fold.parse(m.group(1)));
      }
    }
    return folds;
  }

  private static void checkName(String checkpointName) {
    boolean plain = !checkpointName.isEmpty() && !checkpointName.contains("/") && !checkpointName.contains("\\")
        && !checkpointName.equals(".") && !checkpointName.equals("..");
    Checks.argument(plain, "a checkpoint name is a plain file name like %s, got \"%s\"", CHECKPOINT_FINAL, checkpointName);
  }
}
