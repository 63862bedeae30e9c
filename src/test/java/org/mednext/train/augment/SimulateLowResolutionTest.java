package org.mednext.train.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mednext.train.sampling.Patch;
import org.mednext.train.sampling.TrainFixtures;

/** {@link SimulateLowResolution} against torch 1.13 F.interpolate (train_fixtures.npz) and nnU-Net's parameters. */
class SimulateLowResolutionTest {

  @Test
  void nearestExactDownAndTrilinearUpMatchTorch() {
    float[] x = TrainFixtures.floats("lowres_in");
    int[] shape = TrainFixtures.shape("lowres_in");
    int[] low = TrainFixtures.ints("lowres_low_shape");
    float[] down = SimulateLowResolution.downsampleNearestExact(x, shape, low);
    assertArrayEquals(TrainFixtures.floats("lowres_down"), down);
    float[] expected = TrainFixtures.floats("lowres_up");
    for (int threads : new int[] {1, 2}) {
      float[] up = SimulateLowResolution.upsampleLinear(down, low, shape, threads);
      assertEquals(expected.length, up.length);
      for (int v = 0; v < up.length; v++) assertEquals(expected[v], up[v], 1e-6, "voxel " + v);
    }
  }

  @Test
  void degradesEachChannelWithProbabilityOneHalfAtScalesFromHalfToOne() {
    SimulateLowResolution t = new SimulateLowResolution(false, 1);
    int changed = 0;
    int trials = 2000;
    for (int seed = 0; seed < trials; seed++) {
      float[][] data = {ramp(8 * 8 * 8), ramp(8 * 8 * 8)};
      Patch p = new Patch(data, new short[512], new int[] {8, 8, 8});
      t.apply(p, new SplittableRandom(seed));
      for (float[] c : data) if (!java.util.Arrays.equals(c, ramp(512))) changed++;
    }
    // a scale rounding back to 8 voxels (s >= 0.9375) leaves the channel as it was: p = 0.5 * (1 - 0.125)
    double p = 0.5 * 0.875;
    assertEquals(2 * trials * p, changed, 5 * Math.sqrt(2 * trials * p * (1 - p)));
  }

  @Test
  void dummy2dKeepsAxis0() {
    SimulateLowResolution t = new SimulateLowResolution(true, 1);
    float[] slice0 = new float[16];
    java.util.Arrays.fill(slice0, 1f);
    float[] data = new float[32]; // slice 0 ones, slice 1 zeros: any mixing along axis 0 would show
    System.arraycopy(slice0, 0, data, 0, 16);
    for (int seed = 0; seed < 50; seed++) {
      float[] copy = data.clone();
      t.apply(new Patch(new float[][] {copy}, new short[32], new int[] {2, 4, 4}), new SplittableRandom(seed));
      for (int v = 0; v < 16; v++) assertEquals(1f, copy[v], 1e-6);
      for (int v = 16; v < 32; v++) assertEquals(0f, copy[v], 1e-6);
    }
  }

  private static float[] ramp(int n) {
    float[] r = new float[n];
    for (int i = 0; i < n; i++) r[i] = (float) Math.sin(i * 0.7);
    return r;
  }

  @Test
  void trilinearOfAConstantIsThatConstant() {
    float[] x = new float[27];
    java.util.Arrays.fill(x, 2.5f);
    float[] up = SimulateLowResolution.upsampleLinear(x, new int[] {3, 3, 3}, new int[] {5, 7, 4}, 1);
    for (float v : up) assertTrue(Math.abs(v - 2.5f) < 1e-6);
  }
}
