package org.mednext.train.augment;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.mednext.train.sampling.Patch;

/**
 * Timing of the augmentation of one 2-channel sample, 205^3 enlarged patch to 128^3; not a test of speed (nothing
 * is asserted). Run with {@code mvn test -Dtest=AugmentationBenchmarkTest -Dmednext.benchmark=true}.
 */
@EnabledIfSystemProperty(named = "mednext.benchmark", matches = "true")
class AugmentationBenchmarkTest {

  @Test
  void augmentOne128CubedSample() {
    AugmentationConfig config = AugmentationConfig.nnUnet(new int[] {128, 128, 128}, new boolean[] {false, false});
    int[] in = config.initialPatchSize();
    Patch source = patch(in);
    for (int threads : new int[] {1, 2}) {
      // every step fires: rotation and scaling, then each intensity step on every channel
      List<Transform> all = new ArrayList<>();
      all.add((p, r) -> SpatialTransform.resample(p, config.patchSize(), new double[] {0.3, -0.2, 0.4}, 1.2, false,
          threads));
      all.add(new GaussianNoise(threads));
      all.add(blurAll(threads));
      all.add(new MultiplicativeBrightness());
      all.add(new Contrast());
      all.add(lowResAll(threads));
      all.add(new Gamma(true));
      all.add(new Gamma(false));
      all.add(new Mirror(new int[] {0, 1, 2}));
      all.add(new RemoveLabel());
      time("every step fires", new AugmentationPipeline(all), source, threads, 3);
      time("nnU-Net probabilities, mean of 10 samples", AugmentationPipeline.training(config, threads), source,
          threads, 10);
      List<Transform> spatialOnly = List.of(all.get(0));
      time("rotation + scaling alone", new AugmentationPipeline(spatialOnly), source, threads, 3);
    }
  }

  private static void time(String what, AugmentationPipeline pipeline, Patch source, int threads, int repeats) {
    pipeline.apply(copy(source), 0); // warm-up
    long total = 0;
    for (int i = 0; i < repeats; i++) {
      Patch p = copy(source);
      long t0 = System.nanoTime();
      pipeline.apply(p, i + 1);
      total += System.nanoTime() - t0;
    }
    System.out.printf("augment 2 x 205^3 -> 128^3, %s, %d thread(s): %.3f s%n", what, threads,
        total / 1e9 / repeats);
  }

  private static Transform blurAll(int threads) {
    return (p, r) -> {
      for (float[] c : p.data()) for (int d = 0; d < 3; d++) GaussianBlur.blur(c, p.shape(), d, 1.0, threads);
      return p;
    };
  }

  private static Transform lowResAll(int threads) {
    return (p, r) -> {
      int[] low = {96, 96, 96};
      for (int c = 0; c < p.channels(); c++) {
        float[] up = SimulateLowResolution.upsampleLinear(
            SimulateLowResolution.downsampleNearestExact(p.data()[c], p.shape(), low), low, p.shape(), threads);
        System.arraycopy(up, 0, p.data()[c], 0, up.length);
      }
      return p;
    };
  }

  private static Patch patch(int[] shape) {
    int n = shape[0] * shape[1] * shape[2];
    Random r = new Random(1);
    float[][] data = new float[2][n];
    short[] labels = new short[n];
    for (int v = 0; v < n; v++) {
      data[0][v] = (float) r.nextGaussian();
      data[1][v] = (float) Math.sin(v * 1e-3);
      labels[v] = (short) ((v / 4096) % 4 - 1);
    }
    return new Patch(data, labels, shape);
  }

  private static Patch copy(Patch p) {
    return new Patch(new float[][] {p.data()[0].clone(), p.data()[1].clone()}, p.labels().clone(), p.shape());
  }
}
