package org.mednext.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Volumes#finiteRange}: min and max over the values that are not NaN, for any thread count. */
class VolumesTest {

  @Test
  void rangeSkipsNanWhereverItIs() {
    Random r = new Random(3);
    float[] a = new float[300_000]; // several chunks per thread
    for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
    a[123] = -7f;
    a[250_001] = 9f;
    float[] withNan = a.clone();
    withNan[0] = Float.NaN; // first value of a chunk
    withNan[200_000] = Float.NaN;
    Arrays.fill(withNan, 70_000, 140_000, Float.NaN); // whole chunks of NaN
    for (int threads : new int[] {1, 2, 3}) {
      assertArrayEquals(new double[] {-7, 9}, Volumes.finiteRange(a, threads));
      assertArrayEquals(new double[] {-7, 9}, Volumes.finiteRange(withNan, threads));
    }
    double[] d = new double[withNan.length + 10]; // the double version reads a prefix
    for (int i = 0; i < withNan.length; i++) d[i] = withNan[i];
    Arrays.fill(d, withNan.length, d.length, 100);
    assertArrayEquals(new double[] {-7, 9}, Volumes.finiteRange(d, withNan.length));
  }

  @Test
  void rangeOfOnlyNanIsNanAndInfinitiesCount() {
    float[] nan = new float[100_000];
    Arrays.fill(nan, Float.NaN);
    assertArrayEquals(new double[] {Double.NaN, Double.NaN}, Volumes.finiteRange(nan, 2));
    assertArrayEquals(new double[] {Double.NaN, Double.NaN}, Volumes.finiteRange(new double[] {Double.NaN, 5}, 1));
    float[] inf = {Float.NaN, Float.POSITIVE_INFINITY, 1f, Float.NaN};
    assertArrayEquals(new double[] {1, Double.POSITIVE_INFINITY}, Volumes.finiteRange(inf, 1));
    assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY},
        Volumes.finiteRange(new float[] {Float.NEGATIVE_INFINITY}, 1));
  }
}
