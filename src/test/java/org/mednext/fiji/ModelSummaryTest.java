package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.net.ArchitectureInference;
import org.mednext.testutil.SharedData;
import org.mednext.testutil.TinyModelFolder;

class ModelSummaryTest {

  @TempDir Path tmp;

  @Test
  void describesTheTinyModel() throws Exception {
    Path model = TinyModelFolder.write(tmp, TinyModelFolder.Weights.RANDOM, 2);
    ModelSummary s = ModelSummary.read(model);
    long expected = 0;
    for (Map.Entry<String, long[]> e : ArchitectureInference.expectedShapes(TinyModelFolder.CONFIG).entrySet()) {
      long n = 1;
      for (long d : e.getValue()) n *= d;
      if (!e.getKey().equals("dummy_tensor")) expected += n;
    }
    assertEquals(expected, s.parameters());
    assertEquals(TinyModelFolder.CONFIG.describe(), s.network());
    assertEquals(List.of("MR"), s.channels());
    assertEquals(Map.of(0, "background", 1, "a", 2, "b"), s.labels());
    assertEquals("3d_fullres", s.configuration());
    assertEquals(List.of(1.0, 1.0, 1.0), s.spacing());
    assertEquals(List.of(32, 32, 32), s.patchSize());
    assertEquals(List.of("fold_0", "fold_1"), s.folds());
    assertEquals(Optional.of("nnUNetTrainer_MedNeXtV2"), s.trainer());
    String text = s.text();
    assertTrue(text.contains("Labels:            0 background, 1 a, 2 b"), text);
    assertTrue(text.contains(String.format("Parameters:        %,d", expected)), text);
    assertTrue(text.contains("Folds:             fold_0, fold_1"), text);
  }

  @Test
  void namesACascadesPreviousStageInARowOfItsOwn() throws Exception {
    ModelSummary s = ModelSummary.read(TinyModelFolder.writeCascade(tmp, TinyModelFolder.Weights.RANDOM, 3));
    assertEquals("3d_cascade_fullres", s.configuration());
    assertEquals(Optional.of("3d_lowres"), s.previousStage());
    assertTrue(s.text().contains("Cascade:           second stage: give the segmentation of 3d_lowres "
        + "(previous_stage)"), s.text());
  }

  @Test
  void describesASharedReferenceModel() throws Exception {
    Path model = SharedData.require("fixtures/nnunet_pipeline/models/Dataset982_MedNeXtV2RefMR/"
        + "nnUNetTrainer_MedNeXtV2Ref__nnUNetPlans__3d_fullres");
    ModelSummary s = ModelSummary.read(model);
    // values from that folder's dataset.json and plans.json
    assertEquals(Map.of(0, "background", 1, "tissue_a", 2, "tissue_b"), s.labels());
    assertEquals(List.of("T1"), s.channels());
    assertEquals(List.of(6.0, 1.5, 1.5), s.spacing());
    assertEquals(List.of(16, 64, 80), s.patchSize());
    assertEquals(List.of("fold_0"), s.folds());
    assertTrue(s.network().startsWith("MedNeXt-v2"), s.network());
  }

  @Test
  void namesTheFolderWhenItIsNotAModel() throws IOException {
    Files.createDirectories(tmp.resolve("empty"));
    IOException e = assertThrows(IOException.class, () -> ModelSummary.read(tmp.resolve("empty")));
    assertTrue(e.getMessage().contains(tmp.resolve("empty").toString()), e.getMessage());
  }
}
