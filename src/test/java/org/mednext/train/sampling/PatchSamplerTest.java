package org.mednext.train.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link PatchSampler}: nnU-Net's get_bbox bounds (re-run in Python), oversampling counts and crop rules. */
class PatchSamplerTest {

  @Test
  void boundsMatchNnUnetGetBbox() {
    int[] rows = TrainFixtures.ints("bbox_rows");
    for (int r = 0; r < rows.length / 15; r++) {
      int[] row = Arrays.copyOfRange(rows, 15 * r, 15 * r + 15);
      PatchSampler.Bounds b = PatchSampler.bounds(Arrays.copyOfRange(row, 0, 3), Arrays.copyOfRange(row, 3, 6),
          Arrays.copyOfRange(row, 6, 9));
      assertArrayEquals(Arrays.copyOfRange(row, 9, 12), b.min(), "lower bounds of row " + r);
      assertArrayEquals(Arrays.copyOfRange(row, 12, 15), b.max(), "upper bounds of row " + r);
    }
  }

  @Test
  void forcesForegroundInTheLastSlotsLikeTheSpec() {
    // NNUNET_PIPELINE_SPEC.md D.6: B=1 none, B=2,3,4 one, B=5 two
    int[] expected = {0, 1, 1, 1, 2};
    for (int b = 1; b <= 5; b++) {
      int forced = 0;
      for (int j = 0; j < b; j++) if (PatchSampler.forcesForeground(j, b, 0.33)) forced++;
      assertEquals(expected[b - 1], forced, "forced samples for B=" + b);
    }
    int[] firstForced = TrainFixtures.ints("oversample_first_forced");
    for (int b = 1; b <= firstForced.length; b++) {
      for (int j = 0; j < b; j++) {
        assertEquals(j >= firstForced[b - 1], PatchSampler.forcesForeground(j, b, 0.33), "B=" + b + " j=" + j);
      }
    }
  }

  @Test
  void forcedSamplesAlwaysContainAStoredForegroundVoxel() throws IOException {
    CaseData c = caseWithBlob(new int[] {30, 40, 50}, new int[] {3, 35, 46}, 2);
    PatchSampler sampler = new PatchSampler(CaseSource.of(List.of(c)), 2, new int[] {16, 16, 16},
        new int[] {12, 12, 12}, 0.33);
    for (long seed = 0; seed < 200; seed++) {
      Sample forced = sampler.sampleBatch(seed).get(1);
      assertTrue(forced.forcedForeground());
      assertTrue(contains(forced.patch().labels(), (short) 2), "seed " + seed);
    }
  }

  @Test
  void forcedBoxesAreOnlyLowerClampedSoTheyMayRunPastTheFarBorder() throws IOException {
    int[] shape = {20, 20, 20};
    CaseData c = caseWithBlob(shape, new int[] {19, 19, 19}, 1);
    int[] crop = {16, 16, 16};
    PatchSampler sampler = new PatchSampler(CaseSource.of(List.of(c)), 1, crop, new int[] {10, 10, 10}, 1.0);
    Sample s = sampler.sampleBatch(7).get(0);
    assertArrayEquals(new int[] {11, 11, 11}, s.lowerBound()); // 19 - 16 // 2, beyond max = 20 + 3 - 16 = 7
    assertEquals(1, s.patch().labels()[(8 * 16 + 8) * 16 + 8]);
    assertEquals(-1, s.patch().labels()[s.patch().voxels() - 1]);
    assertEquals(0f, s.patch().data()[0][s.patch().voxels() - 1]);
  }

  @Test
  void randomBoxesAreUniformOverTheWholeRange() throws IOException {
    int[] shape = {10, 12, 14};
    CaseData c = caseWithBlob(shape, new int[] {5, 5, 5}, 1);
    int[] crop = {9, 9, 9};
    int[] fin = {6, 6, 6};
    PatchSampler.Bounds b = PatchSampler.bounds(shape, crop, fin);
    PatchSampler sampler = new PatchSampler(CaseSource.of(List.of(c)), 1, crop, fin, 0.33);
    int width = b.max()[2] - b.min()[2] + 1;
    int[] histogram = new int[width];
    int draws = 12000;
    for (long seed = 0; seed < draws; seed++) {
      int[] lb = sampler.sampleBatch(seed).get(0).lowerBound();
      for (int d = 0; d < 3; d++) assertTrue(lb[d] >= b.min()[d] && lb[d] <= b.max()[d]);
      histogram[lb[2] - b.min()[2]]++;
    }
    double expected = draws / (double) width;
    for (int h : histogram) assertEquals(expected, h, 5 * Math.sqrt(expected), Arrays.toString(histogram));
  }

  @Test
  void casesAreDrawnUniformlyWithReplacement() throws IOException {
    List<CaseData> cases = new ArrayList<>();
    for (int i = 0; i < 5; i++) cases.add(caseWithBlob(new int[] {4, 4, 4}, new int[] {1, 1, 1}, 1));
    PatchSampler sampler = new PatchSampler(CaseSource.of(cases), 4, new int[] {4, 4, 4}, new int[] {4, 4, 4}, 0);
    int[] counts = new int[5];
    int repeats = 0;
    int batches = 2000;
    for (long seed = 0; seed < batches; seed++) {
      int[] picked = sampler.sampleBatch(seed).stream().mapToInt(Sample::caseIndex).toArray();
      for (int p : picked) counts[p]++;
      if (Arrays.stream(picked).distinct().count() < picked.length) repeats++;
    }
    for (int n : counts) assertEquals(batches * 4 / 5.0, n, 5 * Math.sqrt(batches * 4 * 0.16));
    // with replacement, 4 of 5 cases repeat one with probability 1 - 5*4*3*2/5^4 = 0.808
    assertEquals(0.808 * batches, repeats, 5 * Math.sqrt(batches * 0.808 * 0.192));
  }

  @Test
  void sameSeedGivesTheSamePatchesAndAnotherSeedOthers() throws IOException {
    CaseData c = caseWithBlob(new int[] {30, 30, 30}, new int[] {10, 12, 14}, 3);
    PatchSampler sampler = new PatchSampler(CaseSource.of(List.of(c, c)), 3, new int[] {12, 12, 12},
        new int[] {8, 8, 8}, 0.33);
    List<Sample> a = sampler.sampleBatch(42);
    List<Sample> b = sampler.sampleBatch(42);
    List<Sample> other = sampler.sampleBatch(43);
    boolean differs = false;
    for (int j = 0; j < 3; j++) {
      assertArrayEquals(a.get(j).lowerBound(), b.get(j).lowerBound());
      assertArrayEquals(a.get(j).patch().data()[0], b.get(j).patch().data()[0]);
      assertEquals(a.get(j).seed(), b.get(j).seed());
      differs |= !Arrays.equals(a.get(j).lowerBound(), other.get(j).lowerBound());
      assertNotEquals(a.get(j).seed(), other.get(j).seed());
    }
    assertTrue(differs);
  }

  @Test
  void cropPadsTheImageWithZeroAndTheLabelsWithMinusOne() {
    int[] shape = {2, 3, 4};
    float[] data = new float[24];
    short[] labels = new short[24];
    for (int i = 0; i < 24; i++) {
      data[i] = i + 1;
      labels[i] = (short) (i % 3);
    }
    CaseData c = new CaseData("c", new float[][] {data}, labels, shape, ClassLocations.none());
    Patch p = PatchSampler.crop(c, new int[] {-1, 1, 2}, new int[] {3, 3, 3});
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 3; k++) {
          int si = i - 1;
          int sj = j + 1;
          int sk = k + 2;
          boolean inside = si >= 0 && si < 2 && sj < 3 && sk < 4;
          int o = (i * 3 + j) * 3 + k;
          int src = (si * 3 + sj) * 4 + sk;
          assertEquals(inside ? data[src] : 0f, p.data()[0][o]);
          assertEquals(inside ? labels[src] : -1, p.labels()[o]);
        }
      }
    }
  }

  @Test
  void caseWithoutForegroundFallsBackToARandomBox() throws IOException {
    CaseData c = new CaseData("empty", new float[][] {new float[1000]}, new short[1000], new int[] {10, 10, 10},
        ClassLocations.none());
    PatchSampler sampler = new PatchSampler(CaseSource.of(List.of(c)), 1, new int[] {4, 4, 4},
        new int[] {4, 4, 4}, 1.0);
    SplittableRandom r = new SplittableRandom(0);
    int[] lb = sampler.lowerBound(c, true, r);
    for (int v : lb) assertTrue(v >= 0 && v <= 6);
    assertFalse(sampler.sampleBatch(1).isEmpty());
  }

  @Test
  void rejectsInconsistentSizes() {
    CaseSource s = CaseSource.of(List.of(caseWithBlob(new int[] {4, 4, 4}, new int[] {1, 1, 1}, 1)));
    assertEquals("crop size [4, 4, 4] is smaller than the final patch [5, 4, 4]", assertThrows(
        IllegalArgumentException.class,
        () -> new PatchSampler(s, 2, new int[] {4, 4, 4}, new int[] {5, 4, 4}, 0.33)).getMessage());
    assertEquals("case c: class location [9, 0, 0] of label 1 lies outside the shape [4, 4, 4]",
        assertThrows(IllegalArgumentException.class, () -> new CaseData("c", new float[][] {new float[64]},
            new short[64], new int[] {4, 4, 4}, ClassLocations.of(new int[] {1}, new int[][] {{9, 0, 0}})))
            .getMessage());
  }

  static CaseData caseWithBlob(int[] shape, int[] voxel, int label) {
    int n = shape[0] * shape[1] * shape[2];
    float[] data = new float[n];
    short[] labels = new short[n];
    for (int i = 0; i < n; i++) data[i] = (float) Math.sin(i);
    labels[(voxel[0] * shape[1] + voxel[1]) * shape[2] + voxel[2]] = (short) label;
    ClassLocations l = ClassLocations.sample(labels, shape, new int[] {label}, ClassLocations.NNUNET_SEED);
    return new CaseData("blob", new float[][] {data}, labels, shape, l);
  }

  private static boolean contains(short[] a, short v) {
    for (short x : a) if (x == v) return true;
    return false;
  }
}
