package org.mednext.model;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Explains why a path is not a model folder and, when it is one level off, which folder to pass instead. */
final class Diagnosis {

  private static final int MAX_LISTED = 8;
  private static final String WHAT = "a model folder (<Trainer>__<Plans>__<configuration>) holds dataset.json,"
      + " plans.json and fold_N subfolders";

  private Diagnosis() {}

  static String notAModelFolder(Path f) throws IOException {
    Path parent = f.getParent();
    if (Files.isRegularFile(f)) {
      String name = f.getFileName().toString();
      if (name.endsWith(".pth") && parent != null && isFoldFolder(parent) && isModelFolder(parent.getParent())) {
        return f + " is a checkpoint file; pass the model folder " + parent.getParent()
            + " (the fold and the checkpoint are chosen separately)";
      }
      if ((name.equals(ModelFolder.DATASET_JSON) || name.equals(ModelFolder.PLANS_JSON)) && isModelFolder(parent)) {
        return f + " is a file; pass the model folder that holds it: " + parent;
      }
      return f + " is a file, not a model folder; " + WHAT;
    }
    if (isFoldFolder(f) && isModelFolder(parent)) {
      return f + " is a fold folder; pass the model folder above it: " + parent + " (folds are chosen separately)";
    }
    List<String> below = modelFoldersBelow(f);
    if (!below.isEmpty()) {
      boolean direct = below.stream().noneMatch(s -> s.contains(f.getFileSystem().getSeparator()));
      return f + (direct ? " is a dataset folder, not a model folder; pass one of its model folders: "
          : " is not a model folder but contains some; pass one of: ") + String.join(", ", below);
    }
    boolean hasDataset = Files.isRegularFile(f.resolve(ModelFolder.DATASET_JSON));
    if (hasDataset && Files.isDirectory(f.resolve("imagesTr"))) {
      return f + " is a raw dataset folder (imagesTr); pass a trained model folder from nnUNet_results instead; " + WHAT;
    }
    if (hasDataset && hasFileStartingWith(f, "nnUNetPlans")) {
      return f + " is a preprocessed dataset folder (nnUNet_preprocessed); pass a trained model folder from"
          + " nnUNet_results instead; " + WHAT;
    }
    List<String> missing = new ArrayList<>();
    if (!hasDataset) missing.add(ModelFolder.DATASET_JSON);
    if (!Files.isRegularFile(f.resolve(ModelFolder.PLANS_JSON))) missing.add(ModelFolder.PLANS_JSON);
    return f + " is not an nnU-Net model folder: " + String.join(" and ", missing) + " missing; " + WHAT;
  }

  private static boolean isFoldFolder(Path p) {
    return p.getFileName() != null && ModelFolder.FOLD_FOLDER.matcher(p.getFileName().toString()).matches();
  }

  static boolean isModelFolder(Path p) {
    return p != null && Files.isRegularFile(p.resolve(ModelFolder.DATASET_JSON))
        && Files.isRegularFile(p.resolve(ModelFolder.PLANS_JSON));
  }

  /** Model folders one or two levels below {@code f}, relative to it, sorted, at most {@value #MAX_LISTED}. */
  private static List<String> modelFoldersBelow(Path f) throws IOException {
    List<String> out = new ArrayList<>();
    for (Path child : sortedSubfolders(f)) {
      if (isModelFolder(child)) {
        out.add(f.relativize(child).toString());
      } else {
        for (Path grandchild : sortedSubfolders(child)) {
          if (isModelFolder(grandchild)) out.add(f.relativize(grandchild).toString());
        }
      }
    }
    if (out.size() > MAX_LISTED) {
      int more = out.size() - MAX_LISTED;
      out = new ArrayList<>(out.subList(0, MAX_LISTED));
      out.add("... (" + more + " more)");
    }
    return out;
  }

  /** The folders in {@code f}, sorted; none when {@code f} is not a folder. */
  static List<Path> sortedSubfolders(Path f) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(f)) return out;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(f, Files::isDirectory)) {
      for (Path p : s) out.add(p);
    }
    out.sort(null);
    return out;
  }

  private static boolean hasFileStartingWith(Path f, String prefix) throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(f, prefix + "*.json")) {
      return s.iterator().hasNext();
    }
  }
}
