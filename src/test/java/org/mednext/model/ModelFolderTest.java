package org.mednext.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.testutil.SharedData;

/** {@link ModelFolder}: the shared fixture folders, fold detection, checkpoints and misplaced folders. */
class ModelFolderTest {

  private static final String CT_DATASET = "fixtures/nnunet_pipeline/models/Dataset981_MedNeXtV2RefCT";
  private static final String NAME = "nnUNetTrainer_MedNeXtV2Ref__nnUNetPlans__3d_fullres";

  private final TestResources.Warnings warnings = new TestResources.Warnings();

  @TempDir Path tmp;

  @Test
  void opensTheCtFixture() throws IOException {
    Path folder = SharedData.require(CT_DATASET + "/" + NAME);
    ModelFolder m = ModelFolder.open(folder, warnings);
    assertEquals(folder.toAbsolutePath().normalize(), m.path());
    assertEquals(List.of(Fold.of(0), Fold.of(1)), m.folds(ModelFolder.CHECKPOINT_FINAL));
    assertEquals(List.of(Fold.of(0), Fold.of(1)), m.availableFolds());
    assertEquals(folder.resolve("fold_1/checkpoint_final.pth").toAbsolutePath().normalize(),
        m.checkpoint(Fold.of(1), ModelFolder.CHECKPOINT_FINAL));
    assertEquals(Optional.of(new ModelFolder.NameParts("nnUNetTrainer_MedNeXtV2Ref", "nnUNetPlans", "3d_fullres")), m.nameParts());
    assertEquals(Optional.of("3d_fullres"), m.configurationNameFromFolderName());
    assertEquals(List.of(48, 80, 64), m.configuration("3d_fullres").patchSize());
    assertEquals(List.of("CT"), m.datasetJson().channelNames());
    assertEquals("Dataset981_MedNeXtV2RefCT", m.plans().datasetName());
    assertEquals(List.of(), warnings.messages);
  }

  @Test
  void opensTheMrFixtureWithItsSingleFold() throws IOException {
    Path folder = SharedData.require("fixtures/nnunet_pipeline/models/Dataset982_MedNeXtV2RefMR/" + NAME);
    ModelFolder m = ModelFolder.open(folder, warnings);
    assertEquals(List.of(Fold.of(0)), m.folds(ModelFolder.CHECKPOINT_FINAL));
    assertEquals(List.of(true), m.configuration("3d_fullres").useMaskForNorm());
    assertEquals(List.of("T1"), m.datasetJson().channelNames());
  }

  @Test
  void namesAvailableFoldsForAMissingOne() throws IOException {
    Path folder = SharedData.require(CT_DATASET + "/" + NAME);
    ModelFolder m = ModelFolder.open(folder, warnings);
    assertEquals("fold 3 not found in " + m.path() + "; available: 0, 1",
        assertThrows(ModelFormatException.class, () -> m.checkpoint(Fold.of(3), ModelFolder.CHECKPOINT_FINAL)).getMessage());
    assertEquals("fold_0 in " + m.path() + " has no checkpoint_best.pth; available: checkpoint_final.pth",
        assertThrows(ModelFormatException.class, () -> m.checkpoint(Fold.of(0), ModelFolder.CHECKPOINT_BEST)).getMessage());
  }

  @Test
  void detectsFoldsLikeNnUNet() throws IOException {
    Path m = modelFolder(tmp.resolve(NAME));
    for (String f : List.of("fold_0", "fold_2", "fold_10", "fold_all")) checkpoint(m, f, "checkpoint_final.pth");
    checkpoint(m, "fold_1", "checkpoint_latest.pth"); // training not finished
    checkpoint(m, "fold_x", "checkpoint_final.pth"); // not a fold folder
    Files.createFile(m.resolve("fold_3")); // a file, not a folder
    ModelFolder folder = ModelFolder.open(m, warnings);
    // folder-name order, as nnU-Net's sorted subdirs: fold_10 before fold_2
    assertEquals(List.of(Fold.of(0), Fold.of(10), Fold.of(2)), folder.folds(ModelFolder.CHECKPOINT_FINAL));
    assertEquals(List.of(Fold.of(0), Fold.of(10), Fold.of(2), Fold.ALL), folder.folds(ModelFolder.CHECKPOINT_FINAL, true));
    assertEquals(List.of(Fold.of(0), Fold.of(1), Fold.of(10), Fold.of(2), Fold.ALL), folder.availableFolds());
    assertEquals("fold_1 in " + folder.path() + " has no checkpoint_final.pth; available: checkpoint_latest.pth",
        assertThrows(ModelFormatException.class, () -> folder.checkpoint(Fold.of(1), ModelFolder.CHECKPOINT_FINAL)).getMessage());
    assertEquals(m.resolve("fold_all/checkpoint_final.pth"), folder.checkpoint(Fold.ALL, ModelFolder.CHECKPOINT_FINAL));
  }

  @Test
  void anEmptyFoldFolderSaysTrainingHasNotFinished() throws IOException {
    Path m = modelFolder(tmp.resolve(NAME));
    Files.createDirectories(m.resolve("fold_0"));
    ModelFolder folder = ModelFolder.open(m, warnings);
    assertEquals("fold_0 in " + folder.path() + " has no checkpoint_final.pth; it holds no .pth file (has training finished?)",
        assertThrows(ModelFormatException.class, () -> folder.checkpoint(Fold.of(0), ModelFolder.CHECKPOINT_FINAL)).getMessage());
  }

  @Test
  void rejectsCheckpointNamesThatAreNotPlainFileNames() throws IOException {
    Path m = modelFolder(tmp.resolve(NAME));
    checkpoint(m, "fold_0", "checkpoint_final.pth");
    ModelFolder folder = ModelFolder.open(m, warnings);
    assertEquals("a checkpoint name is a plain file name like checkpoint_final.pth, got \"../plans.json\"",
        assertThrows(IllegalArgumentException.class, () -> folder.checkpoint(Fold.of(0), "../plans.json")).getMessage());
  }

  @Test
  void requiresAFoldFolder() throws IOException {
    Path m = modelFolder(tmp.resolve(NAME));
    assertEquals(m + " has no fold_0, fold_1, ... or fold_all subfolder, so no trained network; has training been run"
        + " for this model?", assertThrows(ModelFormatException.class, () -> ModelFolder.open(m, warnings)).getMessage());
  }

  @Test
  void saysWhichFolderToPassForADatasetFolder() throws IOException {
    Path dataset = tmp.resolve("Dataset001_X");
    checkpoint(modelFolder(dataset.resolve(NAME)), "fold_0", "checkpoint_final.pth");
    checkpoint(modelFolder(dataset.resolve("nnUNetTrainer__nnUNetPlans__2d")), "fold_0", "checkpoint_final.pth");
    Files.createDirectories(dataset.resolve("other"));
    assertEquals(dataset + " is a dataset folder, not a model folder; pass one of its model folders: "
        + NAME + ", nnUNetTrainer__nnUNetPlans__2d", openError(dataset));
    assertEquals(tmp + " is not a model folder but contains some; pass one of: Dataset001_X/" + NAME
        + ", Dataset001_X/nnUNetTrainer__nnUNetPlans__2d", openError(tmp));
  }

  @Test
  void saysWhichFolderToPassForAFoldFolderOrACheckpoint() throws IOException {
    Path m = modelFolder(tmp.resolve(NAME));
    checkpoint(m, "fold_0", "checkpoint_final.pth");
    assertEquals(m.resolve("fold_0") + " is a fold folder; pass the model folder above it: " + m
        + " (folds are chosen separately)", openError(m.resolve("fold_0")));
    assertEquals(m.resolve("fold_0/checkpoint_final.pth") + " is a checkpoint file; pass the model folder " + m
        + " (the fold and the checkpoint are chosen separately)", openError(m.resolve("fold_0/checkpoint_final.pth")));
    assertEquals(m.resolve("plans.json") + " is a file; pass the model folder that holds it: " + m,
        openError(m.resolve("plans.json")));
  }

  @Test
  void recognisesRawAndPreprocessedDatasetFolders() throws IOException {
    Path raw = Files.createDirectories(tmp.resolve("raw/Dataset001_X"));
    Files.writeString(raw.resolve("dataset.json"), TestResources.text("dataset_base.json"));
    Files.createDirectories(raw.resolve("imagesTr"));
    assertEquals(raw + " is a raw dataset folder (imagesTr); pass a trained model folder from nnUNet_results instead;"
        + " a model folder (<Trainer>__<Plans>__<configuration>) holds dataset.json, plans.json and fold_N subfolders",
        openError(raw));
    Path pre = Files.createDirectories(tmp.resolve("pre/Dataset001_X"));
    Files.writeString(pre.resolve("dataset.json"), TestResources.text("dataset_base.json"));
    Files.writeString(pre.resolve("nnUNetPlans.json"), TestResources.text("plans_base.json"));
    assertEquals(pre + " is a preprocessed dataset folder (nnUNet_preprocessed); pass a trained model folder from"
        + " nnUNet_results instead; a model folder (<Trainer>__<Plans>__<configuration>) holds dataset.json,"
        + " plans.json and fold_N subfolders", openError(pre));
  }

  @Test
  void namesWhatIsMissingOtherwise() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertEquals(empty + " is not an nnU-Net model folder: dataset.json and plans.json missing; a model folder"
        + " (<Trainer>__<Plans>__<configuration>) holds dataset.json, plans.json and fold_N subfolders", openError(empty));
    Files.writeString(empty.resolve("dataset.json"), "{}");
    assertEquals(empty + " is not an nnU-Net model folder: plans.json missing; a model folder"
        + " (<Trainer>__<Plans>__<configuration>) holds dataset.json, plans.json and fold_N subfolders", openError(empty));
    assertEquals("model folder not found: " + tmp.resolve("absent"), openError(tmp.resolve("absent")));
  }

  @Test
  void checksChannelCountsAgainstTheConfiguration() throws IOException {
    Path m = modelFolder(tmp.resolve(NAME));
    checkpoint(m, "fold_0", "checkpoint_final.pth");
    JsonObject ds = TestResources.json("dataset_base.json");
    ds.add("channel_names", TestResources.parse("{\"0\": \"CT\", \"1\": \"PET\"}"));
    Files.writeString(m.resolve("dataset.json"), ds.toString());
    ModelFolder folder = ModelFolder.open(m, warnings);
    assertEquals(folder.path() + ": configuration 3d_fullres normalizes 1 channel(s) (normalization_schemes) but"
        + " dataset.json declares 2 (channel_names); the two files do not belong together",
        assertThrows(ModelFormatException.class, () -> folder.configuration("3d_fullres")).getMessage());
  }

  @Test
  void warnsWhenTheFolderNameAndThePlansDisagree() throws IOException {
    Path m = modelFolder(tmp.resolve("nnUNetTrainer__OtherPlans__3d_fullres"));
    checkpoint(m, "fold_0", "checkpoint_final.pth");
    ModelFolder.open(m, warnings);
    assertEquals(List.of(m + ": the folder name says plans \"OtherPlans\" but plans.json says \"nnUNetPlans\""),
        warnings.messages);
  }

  @Test
  void splitsFolderNamesIntoThreeParts() {
    assertEquals(Optional.empty(), ModelFolder.NameParts.of("my_model"));
    assertEquals(Optional.empty(), ModelFolder.NameParts.of("a__b"));
    assertEquals(Optional.empty(), ModelFolder.NameParts.of("a____c"));
    assertEquals(Optional.of(new ModelFolder.NameParts("T", "P", "3d_lowres")), ModelFolder.NameParts.of("T__P__3d_lowres"));
  }

  @Test
  void reportsInvalidJsonWithTheFilePath() throws IOException {
    Path m = modelFolder(tmp.resolve(NAME));
    checkpoint(m, "fold_0", "checkpoint_final.pth");
    Files.writeString(m.resolve("plans.json"), "{\"dataset_name\": ");
    String msg = openError(m);
    assertTrue(msg.startsWith(m.resolve("plans.json") + ": not valid JSON: "), msg);
  }

  private String openError(Path p) {
    return assertThrows(ModelFormatException.class, () -> ModelFolder.open(p, warnings)).getMessage();
  }

  private static Path modelFolder(Path p) throws IOException {
    Files.createDirectories(p);
    Files.writeString(p.resolve("dataset.json"), TestResources.text("dataset_base.json"));
    Files.writeString(p.resolve("plans.json"), TestResources.text("plans_base.json"));
    return p;
  }

  private static void checkpoint(Path model, String fold, String name) throws IOException {
    Files.createDirectories(model.resolve(fold));
    Files.write(model.resolve(fold).resolve(name), new byte[] {1});
  }
}
