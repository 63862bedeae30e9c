package org.mednext.train.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mednext.train.sampling.Patch;
import org.mednext.train.sampling.TrainFixtures;

/**
 * {@link SpatialTransform} / {@link GridSampler} against torch 1.13 F.grid_sample on batchgeneratorsv2's grid
 * (train_fixtures.npz), exact geometric identities, and the nnU-Net draw probabilities.
 */
class SpatialTransformTest {

  @Test
  void matchesTorchGridSampleWhenTheGridReachesOutside() {
    compareWithTorch("outside", false);
  }

  @Test
  void matchesTorchGridSampleInside() {
    compareWithTorch("inside", false);
  }

  @Test
  void matchesTorchWithTwoLabels() {
    compareWithTorch("binary", false);
  }

  @Test
  void matchesTorchInPlanePerSlice() {
    compareWithTorch("inplane", true);
  }

  private static void compareWithTorch(String name, boolean inPlane) {
    String p = "spatial_" + name + "_";
    int[] in = TrainFixtures.shape(p + "labels");
    int[] out = TrainFixtures.shape(p + "out_labels");
    float[] image = TrainFixtures.floats(p + "image");
    int n = in[0] * in[1] * in[2];
    float[][] channels = {java.util.Arrays.copyOfRange(image, 0, n), java.util.Arrays.copyOfRange(image, n, 2 * n)};
    Patch patch = new Patch(channels, TrainFixtures.shorts(p + "labels").clone(), in);
    double[] angles = TrainFixtures.doubles(p + "angles");
    double scale = TrainFixtures.doubles(p + "scale")[0];
    for (int threads : new int[] {1, 3}) {
      Patch result = SpatialTransform.resample(patch, out, angles, scale, inPlane, threads);
      assertArrayEquals(out, result.shape());
      float[] expected = TrainFixtures.floats(p + "out_image");
      int m = out[0] * out[1] * out[2];
      short[] labels = TrainFixtures.shorts(p + "out_labels");
      // bit-exact: the grid is a multiply-add chain like torch's matmul, the kernels keep torch's float order
      for (int c = 0; c < 2; c++) {
        assertArrayEquals(java.util.Arrays.copyOfRange(expected, c * m, (c + 1) * m), result.data()[c],
            name + " channel " + c);
      }
      assertArrayEquals(labels, result.labels(), name + " labels");
    }
  }

  @Test
  void quarterTurnAboutAxis0IsAnArrayRotation() {
    int[] shape = {5, 7, 7};
    Patch in = randomPatch(shape, 11);
    Patch out = SpatialTransform.resample(in, shape, new double[] {Math.PI / 2, 0, 0}, 1, false, 2);
    // p = Rx(90) o: a1 offset <- -(a2 offset), a2 offset <- a1 offset, so out[i][j][k] = in[i][6 - k][j]
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 7; j++) {
        for (int k = 0; k < 7; k++) {
          int o = (i * 7 + j) * 7 + k;
          int s = (i * 7 + (6 - k)) * 7 + j;
          assertEquals(in.data()[0][s], out.data()[0][o], 1e-5);
          assertEquals(in.labels()[s], out.labels()[o]);
        }
      }
    }
  }

  @Test
  void inPlaneResamplingNeverMixesSlices() {
    int[] in = {4, 15, 16};
    int n = 4 * 15 * 16;
    float[] data = new float[n];
    for (int v = 0; v < n; v++) data[v] = 1 + v / (15 * 16); // slice z holds z + 1
    Patch p = new Patch(new float[][] {data, data.clone()}, new short[n], in);
    Patch out = SpatialTransform.resample(p, new int[] {4, 9, 10}, new double[] {2.5, 0, 0}, 1.3, true, 2);
    for (int z = 0; z < 4; z++) {
      for (int v = z * 90; v < (z + 1) * 90; v++) {
        float x = out.data()[0][v];
        // zero padding may pull values towards 0, another slice would push them past z + 1
        assertTrue(x >= 0 && x <= z + 1 + 1e-5f, "slice " + z + " value " + x);
      }
      assertEquals(z + 1, out.data()[0][z * 90 + 45], 1e-5); // the centre is far from the border
    }
  }

  @Test
  void unitScaleAndZeroAnglesGiveTheCentreCrop() {
    Patch in = randomPatch(new int[] {9, 10, 11}, 5);
    int[] out = {5, 6, 7};
    Patch sampled = SpatialTransform.resample(in, out, new double[3], 1, false, 1);
    Patch cropped = SpatialTransform.centreCrop(in, out);
    for (int v = 0; v < 5 * 6 * 7; v++) assertEquals(cropped.data()[1][v], sampled.data()[1][v], 1e-6);
    assertArrayEquals(cropped.labels(), sampled.labels());
    // the crop starts at floor(in / 2) - out // 2 = (2, 2, 2)
    assertEquals(in.data()[0][(2 * 10 + 2) * 11 + 2], cropped.data()[0][0]);
  }

  @Test
  void drawsRotationAndScalingWithNnUnetProbabilitiesAndRanges() {
    AugmentationConfig config = AugmentationConfig.nnUnet(new int[] {128, 128, 128}, new boolean[] {false});
    SpatialTransform t = new SpatialTransform(config, 1);
    int draws = 20000;
    int rotations = 0;
    int scalings = 0;
    int both = 0;
    double maxAngle = 0;
    double angleSum = 0;
    double minScale = 9;
    double maxScale = 0;
    for (int i = 0; i < draws; i++) {
      SpatialTransform.Draw d = t.draw(new SplittableRandom(i));
      if (d.rotate()) {
        rotations++;
        for (double a : d.angles()) {
          maxAngle = Math.max(maxAngle, Math.abs(a));
          angleSum += a;
          assertTrue(a != 0);
        }
      }
      if (d.scale()) {
        scalings++;
        minScale = Math.min(minScale, d.factor());
        maxScale = Math.max(maxScale, d.factor());
      }
      if (d.rotate() && d.scale()) both++;
    }
    double sd = Math.sqrt(draws * 0.2 * 0.8);
    assertEquals(0.2 * draws, rotations, 5 * sd);
    assertEquals(0.2 * draws, scalings, 5 * sd);
    assertEquals(0.04 * draws, both, 5 * Math.sqrt(draws * 0.04 * 0.96)); // independent
    assertTrue(maxAngle <= Math.toRadians(30) && maxAngle > Math.toRadians(29.5), "max angle " + maxAngle);
    assertEquals(0, angleSum / (3 * rotations), 0.02);
    assertTrue(minScale >= 0.7 && minScale < 0.71 && maxScale < 1.4 && maxScale > 1.39, minScale + " " + maxScale);
  }

  @Test
  void dummy2dRotatesOnlyInPlaneWithinHalfATurn() {
    AugmentationConfig config = AugmentationConfig.nnUnet(new int[] {20, 320, 256}, new boolean[] {false});
    SpatialTransform t = new SpatialTransform(config, 1);
    double max = 0;
    for (int i = 0; i < 5000; i++) {
      SpatialTransform.Draw d = t.draw(new SplittableRandom(i));
      assertEquals(0, d.angles()[1]);
      assertEquals(0, d.angles()[2]);
      max = Math.max(max, Math.abs(d.angles()[0]));
    }
    assertTrue(max > Math.toRadians(175) && max <= Math.PI, "max in-plane angle " + max);
  }

  @Test
  void withoutRotationOrScalingTheOutputIsTheCentreCrop() {
    AugmentationConfig config = new AugmentationConfig(new int[] {4, 4, 4}, new int[] {7, 8, 9},
        AugmentationConfig.Geometry.VOLUME, Math.toRadians(30), new int[] {0, 1, 2}, false);
    SpatialTransform t = new SpatialTransform(config, 1);
    Patch in = randomPatch(new int[] {7, 8, 9}, 3);
    for (int seed = 0; seed < 50; seed++) {
      SpatialTransform.Draw d = t.draw(new SplittableRandom(seed));
      if (d.rotate() || d.scale()) continue;
      Patch out = t.apply(in, new SplittableRandom(seed));
      assertArrayEquals(SpatialTransform.centreCrop(in, new int[] {4, 4, 4}).data()[0], out.data()[0]);
      return;
    }
    throw new AssertionError("no seed without rotation and scaling in 50");
  }

  static Patch randomPatch(int[] shape, long seed) {
    Random r = new Random(seed);
    int n = shape[0] * shape[1] * shape[2];
    float[][] data = new float[2][n];
    short[] labels = new short[n];
    for (int v = 0; v < n; v++) {
      data[0][v] = (float) r.nextGaussian();
      data[1][v] = r.nextFloat();
      labels[v] = (short) (r.nextInt(4) - 1);
    }
    return new Patch(data, labels, shape);
  }
}
