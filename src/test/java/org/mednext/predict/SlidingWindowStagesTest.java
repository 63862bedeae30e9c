package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mednext.engine.Engines;
import org.mednext.model.NnUnetCheckpoint;
import org.mednext.net.MedNeXt;
import org.mednext.task.Progress;
import org.mednext.testutil.NpyFiles;
import org.mednext.testutil.SharedData;
import org.mednext.util.Half;

/**
 * The sliding-window stages against nnU-Net's intermediates of the CT case (fixtures/nnunet_pipeline/
 * ct_fold0_tta_step050/intermediates, README §4.4 and §6), starting from nnU-Net's own preprocessed input.
 */
@Tag("engine")
class SlidingWindowStagesTest {

  private static final String DIR = "fixtures/nnunet_pipeline/ct_fold0_tta_step050/intermediates/";
  private static final int[] PATCH = {48, 80, 64};
  private static MedNeXt net;

  @BeforeAll
  static void load() throws IOException {
    Path ckpt = SharedData.require("fixtures/nnunet_pipeline/models/Dataset981_MedNeXtV2RefCT/"
        + "nnUNetTrainer_MedNeXtV2Ref__nnUNetPlans__3d_fullres/fold_0/checkpoint_final.pth");
    net = MedNeXt.fromStateDict(NnUnetCheckpoint.read(ckpt).weights(), Device.cpu());
    net.setAllHeads(false);
  }

  @AfterAll
  static void close() {
    if (net != null) net.close();
  }

  @Test
  void networkOutputOfTile0MatchesTorch() throws IOException {
    float[] input = NpyFiles.readFloats(SharedData.require(DIR + "tile0_input.npy"));
    float[] want = NpyFiles.readFloats(SharedData.require(DIR + "tile0_network_output.npy"));
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray out = net.predict(m.create(input, new Shape(1, 1, 48, 80, 64))).get(0);
      assertClose("tile 0 network output", want, out.toFloatArray());
    }
  }

  @Test
  void aggregatedLogitsMatchNnUnetsFp16Accumulation() throws IOException {
    float[] pre = NpyFiles.readFloats(SharedData.require(DIR + "preprocessed_input.npy"));
    float[] want = NpyFiles.readFloats(SharedData.require(DIR + "logits_preprocessed_space.npy"));
    int[] shape = {92, 134, 87};
    SlidingWindowPredictor sw = new SlidingWindowPredictor(List.of(net), PATCH, 0.5, new int[] {0, 1, 2}, 2);
    short[][] logits = sw.predict(new float[][] {pre}, shape, Progress.none());
    short[] weights = GaussianWeightsForTest.sum(shape, PATCH, 0.5);
    int voxels = shape[0] * shape[1] * shape[2];
    long differing = 0;
    double maxWeighted = 0;
    double maxAnywhere = 0;
    for (int k = 0; k < logits.length; k++) {
      for (int i = 0; i < voxels; i++) {
        double d = Math.abs(Half.toFloat(logits[k][i]) - want[k * voxels + i]);
        if (d > 0) differing++;
        maxAnywhere = Math.max(maxAnywhere, d);
        if (Half.toFloat(weights[i]) >= 0.01) maxWeighted = Math.max(maxWeighted, d);
      }
    }
    double share = (double) differing / (logits.length * (double) voxels);
    System.out.printf(Locale.ROOT, "logits: %.4f %% differ, max |d| %.4f where weight >= 0.01, %.4f anywhere%n",
        100 * share, maxWeighted, maxAnywhere);
    assertTrue(share <= 0.01, "share of differing logits " + share);
    assertTrue(maxWeighted <= 0.0625, "max |d| where weight >= 0.01: " + maxWeighted);
    assertTrue(maxAnywhere <= 2.0, "max |d| anywhere: " + maxAnywhere);
  }

  /**
   * Passes run one at a time, or batched (mirrorings of a tile, then several tiles per forward, groups that do not
   * divide evenly), must sum to the same logits (in the same order).
   */
  @Test
  void batchedPassesGiveTheLogitsOfOnePassAtATime() throws IOException {
    float[] pre = NpyFiles.readFloats(SharedData.require(DIR + "preprocessed_input.npy"));
    int[] shape = {48, 134, 87}; // the first 48 of the 92 planes: 6 tiles (2 at most per forward: a quarter)
    float[] part = Arrays.copyOf(pre, shape[0] * shape[1] * shape[2]);
    int[] all = {0, 1, 2};
    int[] none = {};
    assertSameLogits(part, shape, all, 1, 3); // a tile's 8 passes in forwards of 3, 3, 2
    assertSameLogits(part, shape, all, 1, 16); // 2 tiles x 8 passes per forward
    assertSameLogits(pre, new int[] {92, 134, 87}, none, 1, 4); // 18 tiles: 4, 4, 4, 4 and 2 per forward
  }

  private static void assertSameLogits(float[] data, int[] shape, int[] mirror, int batchA, int batchB) {
    short[][] a = new SlidingWindowPredictor(List.of(net), PATCH, 0.5, mirror, 2, batchA)
        .predict(new float[][] {data}, shape, Progress.none());
    short[][] b = new SlidingWindowPredictor(List.of(net), PATCH, 0.5, mirror, 2, batchB)
        .predict(new float[][] {data}, shape, Progress.none());
    long differing = 0;
    double max = 0;
    for (int k = 0; k < a.length; k++) {
      for (int i = 0; i < a[k].length; i++) {
        double d = Math.abs(Half.toFloat(a[k][i]) - Half.toFloat(b[k][i]));
        if (d > 0) differing++;
        max = Math.max(max, d);
      }
    }
    String what = String.format(Locale.ROOT, "mirror axes %s, %d vs %d passes per forward", Arrays.toString(mirror), batchA, batchB);
    System.out.printf(Locale.ROOT, "%s: %d logits differ, max |d| %.4f%n", what, differing, max);
    assertTrue(differing <= a.length * (long) a[0].length / 10000, what + ": " + differing + " logits differ");
  }

  private static void assertClose(String what, float[] want, float[] got) {
    assertEquals(want.length, got.length, what);
    double max = 0;
    double scale = 0;
    for (int i = 0; i < want.length; i++) {
      max = Math.max(max, Math.abs(want[i] - got[i]));
      scale = Math.max(scale, Math.abs(want[i]));
    }
    System.out.printf(Locale.ROOT, "%s: max abs diff %.2e, relative to max abs value %.2e%n", what, max, max / scale);
    assertTrue(max <= 1e-3 && max / scale <= 1e-5, what + ": max abs diff " + max + " (max abs value " + scale + ")");
  }

  /** nnU-Net's n_predictions, rebuilt from the public pieces. */
  static final class GaussianWeightsForTest {
    static short[] sum(int[] shape, int[] patch, double step) {
      short[] g = GaussianImportanceMap.compute(patch);
      short[] w = new short[shape[0] * shape[1] * shape[2]];
      for (int[] s : TileGrid.of(shape, patch, step).tiles()) {
        int o = 0;
        for (int a = 0; a < patch[0]; a++) {
          for (int b = 0; b < patch[1]; b++) {
            for (int c = 0; c < patch[2]; c++, o++) {
              int i = ((s[0] + a) * shape[1] + s[1] + b) * shape[2] + s[2] + c;
              w[i] = Half.add(w[i], g[o]);
            }
          }
        }
      }
      return w;
    }
  }
}
