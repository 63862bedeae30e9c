package org.mednext.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.demo.BrainStructures;
import org.mednext.model.ModelFolder;
import org.mednext.model.NnUnetCheckpoint;
import org.mednext.net.ArchitectureInference;
import org.mednext.net.MedNeXtConfig;
import org.mednext.task.CancelledException;
import org.mednext.task.Progress;
import org.mednext.testutil.TinyModelFolder;
import org.mednext.torch.TensorData;

/**
 * End-to-end training on a tiny MedNeXt-v2 (v2 schedule at width 4) and real data: the bundled Colin27 T1 head
 * with six atlas structures, resampled to 4 mm so a CI-sized budget suffices.
 */
@Tag("engine")
class TrainerTest {

  @TempDir static Path tmp;
  static TrainingData data;

  @BeforeAll
  static void dataset() throws IOException {
    Path ds = tmp.resolve("dataset");
    BrainStructures.writeDataset(BrainStructures.sampleFolder(Paths.get("").toAbsolutePath()), ds);
    data = TrainingData.open(ds);
  }

  private static TrainingSetup setup(Path out, boolean resume) {
    return new TrainingSetup(data, out, Optional.empty(), Optional.of(MedNeXtConfig.v2Base(1, 2).withWidth(4)),
        Optional.of(new int[] {32, 32, 32}), Optional.of(new double[] {4, 4, 4}), Optional.of("all"), resume);
  }

  private static TrainingOptions options(int epochs) {
    return TrainingOptions.defaults().withEpochs(epochs).withIterations(8, 2).withThreads(1).withSeed(7);
  }

  @Test
  void fineTuningFromACascadesSecondStageIsRefusedSayingWhy(@TempDir Path own) throws Exception {
    Path cascade = TinyModelFolder.writeCascade(own, TinyModelFolder.Weights.RANDOM, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.Pretrained.open(cascade));
    assertTrue(e.getMessage().contains("configuration 3d_cascade_fullres is the second stage of a cascade "
        + "(previous_stage 3d_lowres), which fine-tuning does not support"), e.getMessage());
  }

  @Test
  void lossFallsAndDiceRisesOnRealData() throws IOException {
    Trainer.Result r = Trainer.train(setup(tmp.resolve("run"), false), options(12), Progress.none(), EpochListener.none());
    List<Double> loss = r.log().trainLosses();
    List<Double> val = r.log().valLosses();
    double firstLoss = (loss.get(0) + loss.get(1)) / 2;
    double lastLoss = (loss.get(loss.size() - 1) + loss.get(loss.size() - 2)) / 2;
    assertTrue(lastLoss < 0.75 * firstLoss, "training loss " + loss);
    assertTrue((val.get(val.size() - 1) + val.get(val.size() - 2)) / 2 < 0.8 * (val.get(0) + val.get(1)) / 2, "validation loss " + val);
    // chance level for the cortex (about 20 % of the head's voxels) is a Dice near 0.2
    double cortex = r.finalDice().get("cerebral_cortex");
    assertTrue(cortex > 0.5, "sliding-window validation Dice of the cortex: " + r.finalDice());
    Path fold = r.foldFolder();
    for (String f : new String[] {"checkpoint_final.pth", "checkpoint_best.pth", "training_log.txt", "training_log.json",
        "progress.png", "validation/summary.json"}) {
      assertTrue(Files.isRegularFile(fold.resolve(f)), f);
    }
    assertTrue(Files.notExists(fold.resolve("checkpoint_latest.pth")), "latest is removed at the end, as nnU-Net does");
    // the model folder is a predictable nnU-Net model folder with a MedNeXt checkpoint
    ModelFolder mf = ModelFolder.open(r.modelFolder());
    NnUnetCheckpoint ckpt = NnUnetCheckpoint.read(fold.resolve("checkpoint_final.pth"));
    assertEquals(Optional.of("3d_fullres"), ckpt.configuration());
    assertEquals(Optional.of(TrainingCheckpoint.TRAINER_NAME), ckpt.trainerName());
    assertEquals(4, ArchitectureInference.infer(ckpt.shapes()).numClasses());
    assertEquals(4, mf.datasetJson().labels().numSegmentationHeads());
  }

  @Test
  void twoTrainingsRunAtTheSameTimeInOneJvm() throws Exception {
    // as two fine-tune commands in one Fiji; DJL allows only one GradientCollector per JVM, which we must not use
    TrainingOptions quick = TrainingOptions.defaults().withEpochs(1).withIterations(2, 1).withThreads(1).withSeed(3);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<Trainer.Result>> runs = new java.util.ArrayList<>();
      for (String name : new String[] {"parallel_a", "parallel_b"}) {
        runs.add(pool.submit(() -> Trainer.train(setup(tmp.resolve(name), false), quick, Progress.none(), EpochListener.none())));
      }
      for (var run : runs) assertEquals(1, run.get().log().trainLosses().size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void resumingAfterAnInterruptionGivesTheSameWeightsAsAnUninterruptedRun() throws IOException {
    Trainer.Result straight = Trainer.train(setup(tmp.resolve("straight"), false), options(4), Progress.none(), EpochListener.none());
    Path interrupted = tmp.resolve("interrupted");
    // stop during epoch 3: checkpoint_latest of epoch 2 stays
    Progress stopAtEpoch3 = new Progress() {
      private int epochs;

      @Override
      public void start(String stage, long total) {
        if (stage.startsWith("epoch ")) epochs++;
      }

      @Override
      public void update(long done) {}

      @Override
      public void message(String text) {}

      @Override
      public boolean isCancelled() {
        return epochs >= 3;
      }
    };
    assertThrows(CancelledException.class, () -> Trainer.train(setup(interrupted, false), options(4), stopAtEpoch3, EpochListener.none()));
    assertTrue(Files.isRegularFile(interrupted.resolve("fold_all/checkpoint_latest.pth")));
    Trainer.Result resumed = Trainer.train(setup(interrupted, true), options(4), Progress.none(), EpochListener.none());
    assertEquals(straight.log().trainLosses(), resumed.log().trainLosses(), "per-epoch training losses");
    Map<String, TensorData> a = NnUnetCheckpoint.read(straight.foldFolder().resolve("checkpoint_final.pth")).weights();
    Map<String, TensorData> b = NnUnetCheckpoint.read(resumed.foldFolder().resolve("checkpoint_final.pth")).weights();
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), 0f, k);
  }
}
