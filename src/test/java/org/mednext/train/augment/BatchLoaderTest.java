package org.mednext.train.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mednext.train.sampling.CaseData;
import org.mednext.train.sampling.CaseSource;
import org.mednext.train.sampling.ClassLocations;
import org.mednext.train.sampling.PatchSampler;

/** {@link BatchLoader}: ordered, deterministic delivery, bounded read-ahead, failures surfacing, shutdown. */
class BatchLoaderTest {

  private static final AugmentationConfig CONFIG = new AugmentationConfig(new int[] {6, 6, 6},
      new int[] {9, 9, 9}, AugmentationConfig.Geometry.VOLUME, Math.toRadians(30), new int[] {0, 1, 2}, false);
  private static final double[][] SCALES = {{1, 1, 1}, {0.5, 0.5, 0.5}};

  @Test
  void batchIContentDependsOnlyOnTheSeedAndI() throws Exception {
    PatchSampler sampler = sampler(countingSource(new AtomicInteger(), -1));
    AugmentationPipeline pipeline = AugmentationPipeline.training(CONFIG, 1);
    List<Batch> serial = new ArrayList<>();
    try (BatchLoader one = new BatchLoader(sampler, pipeline, SCALES, 5, 1, 2)) {
      for (int i = 0; i < 6; i++) serial.add(one.next());
    }
    try (BatchLoader three = new BatchLoader(sampler, pipeline, SCALES, 5, 3, 4)) {
      for (int i = 0; i < 6; i++) {
        Batch b = three.next();
        assertEquals(i, b.iteration());
        assertArrayEquals(serial.get(i).data(), b.data());
        assertArrayEquals(serial.get(i).targets().get(1), b.targets().get(1));
        assertArrayEquals(serial.get(i).caseIndices(), b.caseIndices());
      }
    }
    Batch direct = BatchLoader.build(sampler, pipeline, SCALES, 5, 3);
    assertArrayEquals(serial.get(3).data(), direct.data());
    assertFalse(java.util.Arrays.equals(serial.get(3).data(), serial.get(4).data()));
  }

  @Test
  void stacksSamplesAndDeepSupervisionTargets() throws Exception {
    Batch b = BatchLoader.build(sampler(countingSource(new AtomicInteger(), -1)),
        AugmentationPipeline.training(CONFIG, 1), SCALES, 1, 0);
    assertArrayEquals(new int[] {2, 1, 6, 6, 6}, b.dataShape());
    assertEquals(2 * 216, b.data().length);
    assertArrayEquals(new int[] {2, 1, 6, 6, 6}, b.targetShapes().get(0));
    assertArrayEquals(new int[] {2, 1, 3, 3, 3}, b.targetShapes().get(1));
    assertEquals(2 * 27, b.targets().get(1).length);
    // the coarse target is the nearest-exact subsample of the full one: source index 2k + 1
    short[] full = b.targets().get(0);
    short[] coarse = b.targets().get(1);
    assertEquals(full[216 + (1 * 6 + 3) * 6 + 5], coarse[27 + (0 * 3 + 1) * 3 + 2]);
  }

  @Test
  void buildsAtMostCapacityBatchesAhead() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    try (BatchLoader loader = new BatchLoader(sampler(countingSource(loads, -1)), AugmentationPipeline.validation(),
        null, 1, 2, 3)) {
      Thread.sleep(300);
      assertEquals(3 * 2, loads.get(), "two cases per batch, three batches");
      loader.next();
      Thread.sleep(300);
      assertEquals(4 * 2, loads.get());
    }
  }

  @Test
  void aFailureIsThrownWhereItsBatchWouldHaveBeenReturned() throws Exception {
    // loads 0-3 serve batches 0 and 1; the fifth load (batch 2) fails
    try (BatchLoader loader = new BatchLoader(sampler(countingSource(new AtomicInteger(), 4)),
        AugmentationPipeline.validation(), null, 1, 1, 2)) {
      loader.next();
      loader.next();
      IOException e = assertThrows(IOException.class, loader::next);
      assertEquals("building a training batch failed: case file broken.b2nd is truncated", e.getMessage());
    }
  }

  @Test
  void closeStopsTheWorkers() throws Exception {
    BatchLoader loader = new BatchLoader(sampler(countingSource(new AtomicInteger(), -1)),
        AugmentationPipeline.validation(), null, 1, 2, 1);
    loader.next();
    loader.close();
    assertTrue(Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().startsWith("mednext-batches-") && t.isAlive()));
    assertThrows(IllegalStateException.class, loader::next);
  }

  private static PatchSampler sampler(CaseSource source) {
    return new PatchSampler(source, 2, CONFIG.initialPatchSize(), CONFIG.patchSize(), 0.33);
  }

  /** Two small cases; counts loads and fails the {@code failAt}-th load (0-based; -1 never). */
  private static CaseSource countingSource(AtomicInteger loads, int failAt) {
    List<CaseData> cases = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      int[] shape = {10, 11, 12};
      int n = 10 * 11 * 12;
      float[] data = new float[n];
      short[] labels = new short[n];
      for (int v = 0; v < n; v++) {
        data[v] = (float) Math.cos(v * 0.1 + c);
        labels[v] = (short) (v % 97 == 0 ? 1 : 0);
      }
      ClassLocations l = ClassLocations.sample(labels, shape, new int[] {1}, ClassLocations.NNUNET_SEED);
      cases.add(new CaseData("case" + c, new float[][] {data}, labels, shape, l));
    }
    return new CaseSource() {
      @Override
      public int size() {
        return 2;
      }

      @Override
      public CaseData get(int index) throws IOException {
        if (loads.getAndIncrement() == failAt) throw new IOException("case file broken.b2nd is truncated");
        return cases.get(index);
      }
    };
  }
}
