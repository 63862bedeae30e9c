package org.mednext.preprocess;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Timing of a large cubic resampling; not a test of speed (nothing is asserted). Run with
 * {@code mvn test -Dtest=ResamplingBenchmarkTest -Dmednext.benchmark=true}.
 */
@EnabledIfSystemProperty(named = "mednext.benchmark", matches = "true")
class ResamplingBenchmarkTest {

  @Test
  void cubicResamplingOfA512x512x200Volume() {
    int[] shape = {200, 512, 512};
    float[] in = new float[200 * 512 * 512];
    Random r = new Random(1);
    for (int i = 0; i < in.length; i++) in[i] = (float) (r.nextGaussian() * 200 + (i % 512));
    double[] spacing = {1.0, 0.8, 0.8};
    double[] target = {1.25, 1.0, 1.0};
    int[] out = Resampling.targetShape(shape, spacing, target);
    for (int threads : new int[] {1, 2}) {
      for (int rep = 0; rep < 2; rep++) {
        long t0 = System.nanoTime();
        Resampling.resample(in, shape, out, spacing, target, ResamplingOptions.DATA, threads);
        long t1 = System.nanoTime();
        System.out.printf("resample order 3 %s -> %s, %d thread(s): %.2f s%n", Arrays.toString(shape),
            Arrays.toString(out), threads, (t1 - t0) / 1e9);
      }
    }
    double[] aniso = {5.0, 0.8, 0.8};
    double[] anisoTarget = {6.25, 1.0, 1.0};
    long t0 = System.nanoTime();
    Resampling.resample(in, shape, out, aniso, anisoTarget, ResamplingOptions.DATA, 2);
    System.out.printf("separate-z order 3 / nearest z, 2 threads: %.2f s%n", (System.nanoTime() - t0) / 1e9);
    t0 = System.nanoTime();
    Resampling.resample(in, shape, out, spacing, target, ResamplingOptions.LOGITS, 2);
    System.out.printf("linear, fp16 storage (logits at export), 2 threads: %.2f s%n", (System.nanoTime() - t0) / 1e9);
    // the steps before resampling, on a volume with a zero background and a hole
    float[] body = in.clone();
    for (int z = 0; z < 200; z++)
      for (int y = 0; y < 512; y++)
        for (int x = 0; x < 512; x++) {
          double r2 = Math.pow(y - 256, 2) + Math.pow(x - 256, 2);
          if (r2 > 200 * 200 || (r2 < 20 * 20 && z > 50 && z < 150)) body[(z * 512 + y) * 512 + x] = 0;
        }
    t0 = System.nanoTime();
    Cropping.Result crop = Cropping.cropToNonzero(new float[][] {body}, shape, 2);
    long t1 = System.nanoTime();
    new ZScoreNormalization(true).apply(crop.channels()[0], crop.helperSeg(), 2);
    System.out.printf("crop to %s: %.2f s, masked z-score: %.2f s (2 threads)%n", crop.boundingBox(),
        (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
  }
}
