package org.mednext.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * nnU-Net's tree of trained models, {@code $nnUNet_results/Dataset<ID>_<Name>/<trainer>__<plans>__<configuration>}:
 * finds the model folder that nnUNetv2_predict's {@code -d}, {@code -tr}, {@code -p} and {@code -c} name, so that
 * its users can keep their habits. A dataset is named by its folder ({@code Dataset981_Liver}) or by its ID
 * ({@code 981}, matched as {@code Dataset981_*}, three digits at least, as nnU-Net pads it).
 */
public final class ResultsFolder {

  /** The environment variable nnU-Net reads the results folder from. */
  public static final String ENVIRONMENT_VARIABLE = "nnUNet_results";
  /** nnUNetv2_predict's default {@code -tr}. */
  public static final String DEFAULT_TRAINER = "nnUNetTrainer";
  /** nnUNetv2_predict's default {@code -p}. */
  public static final String DEFAULT_PLANS = "nnUNetPlans";

  private static final String DATASET_PREFIX = "Dataset";
  private static final int MAX_LISTED = 8;

  private ResultsFolder() {}

  /**
   * The model folder {@code results/<dataset>/<trainer>__<plans>__<configuration>}; it is not opened here.
   *
   * @param results the results folder ({@code $nnUNet_results}); null or blank when the variable is not set
   * @throws ModelFormatException naming what is missing and what is there instead (the datasets, or the model
   *     folders of the dataset with the {@code -tr}/{@code -p}/{@code -c} that would select them)
   */
  public static Path modelFolder(String results, String dataset, String trainer, String plans, String configuration)
      throws IOException {
    if (results == null || results.isBlank()) {
      throw new ModelFormatException("-d needs the environment variable " + ENVIRONMENT_VARIABLE
          + " (the folder of your trained nnU-Net models, as for nnUNetv2_predict); set it, or give the model folder"
          + " itself with -m");
    }
    Path root = Path.of(results).toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new ModelFormatException(ENVIRONMENT_VARIABLE + "=" + results + " is not a folder; set it to the folder of"
          + " your trained nnU-Net models, or give the model folder itself with -m");
    }
    Path datasetFolder = root.resolve(datasetName(root, dataset));
    String name = trainer + "__" + plans + "__" + configuration;
    Path model = datasetFolder.resolve(name);
    if (Files.isDirectory(model)) return model;
    List<String> present = new ArrayList<>();
    for (Path p : Diagnosis.sortedSubfolders(datasetFolder)) {
      ModelFolder.NameParts.of(p.getFileName().toString()).ifPresent(n -> present.add(options(n)));
    }
    throw new ModelFormatException(datasetFolder + " has no model folder " + name + (present.isEmpty()
        ? " and no other; train one first, or give the model folder with -m"
        : "; present: " + listed(present)));
  }

  /** The dataset's folder name under {@code root}. */
  private static String datasetName(Path root, String dataset) throws IOException {
    if (dataset.startsWith(DATASET_PREFIX)) {
      if (Files.isDirectory(root.resolve(dataset))) return dataset;
      throw new ModelFormatException(root + " has no dataset folder " + dataset + "; present: " + datasets(root));
    }
    int id;
    try {
      id = Integer.parseInt(dataset);
    } catch (NumberFormatException e) {
      throw new ModelFormatException("-d takes a dataset ID (e.g. 981) or a dataset folder name starting with "
          + DATASET_PREFIX + " (e.g. Dataset981_Liver); got \"" + dataset + "\"");
    }
    if (id < 0) throw new ModelFormatException("-d: a dataset ID is not negative; got " + id);
    String prefix = String.format(Locale.ROOT, "%s%03d_", DATASET_PREFIX, id);
    List<String> matches = new ArrayList<>();
    for (Path p : Diagnosis.sortedSubfolders(root)) {
      if (p.getFileName().toString().startsWith(prefix)) matches.add(p.getFileName().toString());
    }
    if (matches.size() == 1) return matches.get(0);
    if (matches.isEmpty()) {
      throw new ModelFormatException(root + " has no dataset with the ID " + id + " (a folder " + prefix
          + "<Name>); present: " + datasets(root));
    }
    throw new ModelFormatException(root + " has several datasets with the ID " + id + ": " + listed(matches)
        + "; give the folder name with -d instead of the ID");
  }

  /** How nnUNetv2_predict's options select a model folder with these name parts. */
  private static String options(ModelFolder.NameParts n) {
    return "-tr " + n.trainerName() + " -p " + n.plansName() + " -c " + n.configurationName();
  }

  private static String datasets(Path root) throws IOException {
    List<String> names = new ArrayList<>();
    for (Path p : Diagnosis.sortedSubfolders(root)) {
      if (p.getFileName().toString().startsWith(DATASET_PREFIX)) names.add(p.getFileName().toString());
    }
    return names.isEmpty() ? "none" : listed(names);
  }

  private static String listed(List<String> items) {
    if (items.size() <= MAX_LISTED) return String.join(", ", items);
    return String.join(", ", items.subList(0, MAX_LISTED)) + " ... (" + (items.size() - MAX_LISTED) + " more)";
  }
}
