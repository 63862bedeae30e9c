package org.mednext.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ResultsFolder}: nnUNetv2_predict's -d/-tr/-p/-c under $nnUNet_results, and what it says when they miss. */
class ResultsFolderTest {

  private static final String MODEL = "nnUNetTrainer_MedNeXtV2__nnUNetPlans__3d_fullres";

  @TempDir Path results;

  @BeforeEach
  void tree() throws IOException {
    Files.createDirectories(results.resolve("Dataset007_Liver").resolve(MODEL));
    Files.createDirectories(results.resolve("Dataset007_Liver").resolve("not_a_model"));
    Files.createDirectories(results.resolve("Dataset0071_Other").resolve(MODEL));
    Files.createDirectories(results.resolve("Dataset012_A"));
    Files.createDirectories(results.resolve("Dataset012_B"));
  }

  private Path find(String dataset, String trainer, String plans, String configuration) throws IOException {
    return ResultsFolder.modelFolder(results.toString(), dataset, trainer, plans, configuration);
  }

  @Test
  void anIdIsPaddedToThreeDigitsAndALongerIdIsNotIt() throws IOException {
    Path expected = results.resolve("Dataset007_Liver").resolve(MODEL);
    assertEquals(expected, find("7", "nnUNetTrainer_MedNeXtV2", "nnUNetPlans", "3d_fullres"));
    assertEquals(expected, find("007", "nnUNetTrainer_MedNeXtV2", "nnUNetPlans", "3d_fullres"));
  }

  @Test
  void aFolderNameIsTakenAsItIs() throws IOException {
    assertEquals(results.resolve("Dataset007_Liver").resolve(MODEL),
        find("Dataset007_Liver", "nnUNetTrainer_MedNeXtV2", "nnUNetPlans", "3d_fullres"));
  }

  @Test
  void aMissingModelListsTheOptionsOfThoseThatAreThere() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> find("7", ResultsFolder.DEFAULT_TRAINER, ResultsFolder.DEFAULT_PLANS, "3d_fullres"));
    assertTrue(e.getMessage().endsWith("has no model folder nnUNetTrainer__nnUNetPlans__3d_fullres; present: "
        + "-tr nnUNetTrainer_MedNeXtV2 -p nnUNetPlans -c 3d_fullres"), e.getMessage());
    ModelFormatException none = assertThrows(ModelFormatException.class,
        () -> find("Dataset012_A", "t", "p", "c"));
    assertTrue(none.getMessage().contains("and no other; train one first"), none.getMessage());
  }

  @Test
  void aMissingOrAmbiguousDatasetIsNamedWithWhatIsThere() {
    ModelFormatException missing = assertThrows(ModelFormatException.class, () -> find("8", "t", "p", "c"));
    assertTrue(missing.getMessage().contains("no dataset with the ID 8 (a folder Dataset008_<Name>); present: "
        + "Dataset0071_Other, Dataset007_Liver, Dataset012_A, Dataset012_B"), missing.getMessage());
    ModelFormatException twice = assertThrows(ModelFormatException.class, () -> find("12", "t", "p", "c"));
    assertTrue(twice.getMessage().contains("several datasets with the ID 12: Dataset012_A, Dataset012_B; give the"
        + " folder name"), twice.getMessage());
    ModelFormatException name = assertThrows(ModelFormatException.class, () -> find("Dataset999_X", "t", "p", "c"));
    assertTrue(name.getMessage().contains("has no dataset folder Dataset999_X; present: "), name.getMessage());
    ModelFormatException notId = assertThrows(ModelFormatException.class, () -> find("Liver", "t", "p", "c"));
    assertTrue(notId.getMessage().startsWith("-d takes a dataset ID"), notId.getMessage());
  }

  @Test
  void anUnsetOrWrongResultsVariableSaysWhatToSet() {
    for (String unset : new String[] {null, " "}) {
      ModelFormatException e = assertThrows(ModelFormatException.class,
          () -> ResultsFolder.modelFolder(unset, "7", "t", "p", "c"));
      assertTrue(e.getMessage().contains("needs the environment variable nnUNet_results"), e.getMessage());
    }
    ModelFormatException file = assertThrows(ModelFormatException.class,
        () -> ResultsFolder.modelFolder(results.resolve("nothing").toString(), "7", "t", "p", "c"));
    assertTrue(file.getMessage().contains("is not a folder"), file.getMessage());
  }
}
