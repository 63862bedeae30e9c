package org.mednext.train.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mednext.train.sampling.Patch;
import org.mednext.train.sampling.TrainFixtures;

/** {@link GaussianBlur} against batchgeneratorsv2's blur_dimension re-run in torch 1.13 (train_fixtures.npz). */
class GaussianBlurTest {

  @Test
  void kernelSizesAreTheNearestOddToSixSigmaPlusHalf() {
    double[] sigmas = TrainFixtures.doubles("blur_kernel_sigmas");
    int[] sizes = TrainFixtures.ints("blur_kernel_sizes");
    for (int i = 0; i < sigmas.length; i++) assertEquals(sizes[i], GaussianBlur.kernelSize(sigmas[i]), "sigma " + sigmas[i]);
  }

  @Test
  void kernelMatchesTorch() {
    float[] expected = TrainFixtures.floats("blur_kernel_0_8");
    float[] k = GaussianBlur.kernel(0.8);
    assertEquals(expected.length, k.length);
    for (int i = 0; i < k.length; i++) assertEquals(expected[i], k[i], 0);
  }

  @Test
  void separableBlurWithReflectPaddingMatchesTorchConv3d() {
    float[] x = TrainFixtures.floats("blur_in");
    int[] shape = TrainFixtures.shape("blur_in");
    double[] sigmas = TrainFixtures.doubles("blur_sigmas");
    float[] expected = TrainFixtures.floats("blur_out");
    for (int threads : new int[] {1, 3}) {
      float[] y = x.clone();
      for (int d = 0; d < 3; d++) GaussianBlur.blur(y, shape, d, sigmas[d], threads);
      for (int v = 0; v < y.length; v++) assertEquals(expected[v], y[v], 1e-6, "voxel " + v);
    }
  }

  @Test
  void reflectsWithoutRepeatingTheEdge() {
    assertArrayEquals(new int[] {2, 1, 0, 1, 2, 3, 4, 3, 2},
        java.util.stream.IntStream.rangeClosed(-2, 6).map(i -> GaussianBlur.reflect(i, 5)).toArray());
  }

  @Test
  void blursEachChannelWithProbabilityOneHalf() {
    GaussianBlur t = new GaussianBlur(new int[] {0, 1, 2}, 1);
    int blurred = 0;
    int trials = 4000;
    for (int seed = 0; seed < trials; seed++) {
      float[][] data = {spike(), spike()};
      t.apply(new Patch(data, new short[125], new int[] {5, 5, 5}), new SplittableRandom(seed));
      for (float[] c : data) {
        if (c[62] != 1f) {
          blurred++;
          // sigma in [0.5, 1): the centre keeps between the 1D peaks cubed of sigma 1 and sigma 0.5
          assertTrue(c[62] > Math.pow(GaussianBlur.kernel(1.0)[3], 3) - 1e-6 && c[62] < Math.pow(0.7866, 3),
              "centre " + c[62]);
        }
      }
    }
    assertEquals(trials, blurred, 5 * Math.sqrt(2 * trials * 0.25));
  }

  private static float[] spike() {
    float[] s = new float[125];
    s[62] = 1f;
    return s;
  }
}
