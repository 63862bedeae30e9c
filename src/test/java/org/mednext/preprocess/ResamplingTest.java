package org.mednext.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mednext.preprocess.NpyTestFiles.Array;
import org.mednext.preprocess.ResamplingOptions.Precision;
import org.mednext.preprocess.ResamplingOptions.SeparateZ;
import org.mednext.util.Half;

/**
 * {@link Resampling} against scipy: {@code resampling.npz} from tools/fixtures/make_resampling_fixtures.py
 * (skimage resize = scipy zoom + clip, nnU-Net's separate-z path, resize_segmentation).
 */
class ResamplingTest {

  private static Map<String, Array> ref;

  @BeforeAll
  static void load() throws IOException {
    ref = NpyTestFiles.resourceNpz("resampling.npz");
  }

  private static TreeSet<String> cases(String prefix) {
    TreeSet<String> names = new TreeSet<>();
    for (String k : ref.keySet()) if (k.startsWith(prefix) && k.endsWith("_in")) names.add(k.substring(0, k.length() - 3));
    assertFalse(names.isEmpty(), "no cases " + prefix);
    return names;
  }

  private static double range(double[] v) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    return Math.max(1.0, hi - lo);
  }

  private static void assertClose(double[] expected, double[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      if (Math.abs(e - a) > tol) {
        throw new AssertionError(String.format("%s: voxel %d expected %.17g but was %.17g (tolerance %.3g)", what, i, e, a, tol));
      }
    }
  }

  private static double[] toDouble(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) out[i] = v[i];
    return out;
  }

  @Test
  void resizeMatchesScipyZoomFollowedByClip() {
    for (String c : cases("r")) {
      Array in = ref.get(c + "_in");
      double[] expected = ref.get(c + "_out").doubles();
      int order = (int) ref.get(c + "_args").get(0);
      int[] outShape = ref.get(c + "_out").shape();
      double range = range(expected);
      double[] actual = Resampling.resizeToDouble(in.floats(), in.shape(), outShape, order, 1);
      // orders 0 and 1 sum the taps exactly as scipy does: bit-identical; orders 2 to 5 are separable here
      assertClose(expected, actual, order <= 1 ? 0 : 1e-12 * range, c + " (float64)");
      float[] stored = Resampling.resize(in.floats(), in.shape(), outShape, order, 3);
      assertClose(expected, toDouble(stored), 1e-6 * range, c + " (float32)");
    }
  }

  /**
   * One line against scipy's 1-D zoom (args = [order]), bit for bit for every order: the kernel's prefilter, weights
   * and sums are scipy's. A 3-D resize differs by rounding only because scipy sums the taps' tensor product.
   */
  @Test
  void axisKernelIsScipyZoomOfALineBitForBit() {
    for (String c : cases("l")) {
      double[] in = toDouble(ref.get(c + "_in").floats());
      double[] expected = ref.get(c + "_out").doubles();
      int order = (int) ref.get(c + "_args").get(0);
      int n = in.length;
      int m = expected.length;
      AxisKernel k = AxisKernel.of(n, m, order);
      double[] actual = new double[m];
      k.line(in, 0, 1, actual, 0, 1, new double[k.lineWork()]);
      assertClose(expected, actual, 0, c + " order " + order + ", " + n + " -> " + m + " (line)");
      // the same line as each of 3 columns, the middle one negated (exact, so its result is the negated line)
      double[] matrix = new double[n * 3];
      for (int i = 0; i < n; i++) {
        matrix[i * 3] = in[i];
        matrix[i * 3 + 1] = -in[i];
        matrix[i * 3 + 2] = in[i];
      }
      double[] cols = new double[m * 3];
      k.columns(matrix, 0, 3, 3, cols, 0, 3, new double[k.columnsWork(3)]);
      for (int j = 0; j < 3; j++) {
        double[] col = new double[m];
        for (int i = 0; i < m; i++) col[i] = (j == 1 ? -1 : 1) * cols[i * 3 + j];
        assertClose(expected, col, 0, c + " order " + order + ", " + n + " -> " + m + " (column " + j + ")");
      }
    }
  }

  /** args = [order, order_z, force (-1 None, 0 False, 1 True), fp16, current spacing x3, new spacing x3]. */
  private static ResamplingOptions options(double[] args) {
    Boolean force = args[2] < 0 ? null : args[2] > 0;
    ResamplingOptions o = ResamplingOptions.fromPlans((int) args[0], (int) args[1], force);
    return args[3] > 0 ? o.withPrecision(Precision.FLOAT16) : o;
  }

  @Test
  void resampleMatchesNnUnetDataPath() {
    for (String c : cases("d")) {
      Array in = ref.get(c + "_in");
      double[] expected = ref.get(c + "_out").doubles();
      double[] args = ref.get(c + "_args").doubles();
      int[] outShape = ref.get(c + "_out").shape();
      double[] cur = Arrays.copyOfRange(args, 4, 7);
      double[] nu = Arrays.copyOfRange(args, 7, 10);
      double range = range(expected);
      double[] actual = Resampling.resampleToDouble(in.floats(), in.shape(), outShape, cur, nu, options(args), 2);
      // splines (order or order_z above 1) within scipy's rounding; linear and nearest bit for bit
      assertClose(expected, actual, Math.max(args[0], args[1]) <= 1 ? 0 : 1e-12 * range, c + " (float64)");
      float[] stored = Resampling.resample(in.floats(), in.shape(), outShape, cur, nu, options(args), 1);
      assertClose(expected, toDouble(stored), 1e-6 * range, c + " (float32)");
    }
  }

  @Test
  void logitsAreResampledAndStoredAsFloat16() {
    for (String c : cases("h")) {
      Array in = ref.get(c + "_in");
      float[] expected = ref.get(c + "_out").floats();
      double[] args = ref.get(c + "_args").doubles();
      float[] actual = Resampling.resample(in.floats(), in.shape(), ref.get(c + "_out").shape(),
          Arrays.copyOfRange(args, 4, 7), Arrays.copyOfRange(args, 7, 10), options(args), 2);
      assertArrayEquals(expected, actual, c);
    }
  }

  /** The export with probabilities keeps every class's resampled logits as fp16 bits. */
  @Test
  void logitsResampledToFloat16BitsAreTheReferenceValues() {
    for (String c : cases("h")) {
      Array in = ref.get(c + "_in");
      float[] expected = ref.get(c + "_out").floats();
      double[] args = ref.get(c + "_args").doubles();
      double[] cur = Arrays.copyOfRange(args, 4, 7);
      short[] bits = new short[expected.length];
      Arrays.fill(bits, (short) 0x7e00); // NaN: a dirty array must not leak into the result
      assertSame(bits, Resampling.resampleIntoHalf(in.floats(), in.shape(), ref.get(c + "_out").shape(), cur,
          Arrays.copyOfRange(args, 7, 10), options(args), 2, bits));
      float[] actual = new float[bits.length];
      for (int i = 0; i < bits.length; i++) actual[i] = Half.toFloat(bits[i]);
      assertArrayEquals(expected, actual, c);
      float[] halves = in.floats().clone();
      for (int i = 0; i < halves.length; i++) halves[i] = Half.round(halves[i]);
      short[] copy = Resampling.resampleIntoHalf(halves, in.shape(), in.shape(), cur, cur, options(args), 1,
          new short[halves.length]);
      for (int i = 0; i < halves.length; i++) assertEquals(halves[i], Half.toFloat(copy[i]), c + ": equal shapes");
    }
  }

  /** The export reuses one output array for all classes: a dirty array must not leak into the result. */
  @Test
  void resamplingIntoAReusedArrayGivesTheSameValues() {
    for (String c : cases("h")) {
      Array in = ref.get(c + "_in");
      double[] args = ref.get(c + "_args").doubles();
      int[] outShape = ref.get(c + "_out").shape();
      double[] cur = Arrays.copyOfRange(args, 4, 7);
      double[] nu = Arrays.copyOfRange(args, 7, 10);
      float[] fresh = Resampling.resample(in.floats(), in.shape(), outShape, cur, nu, options(args), 2);
      float[] reused = new float[fresh.length];
      Arrays.fill(reused, Float.NaN);
      assertSame(reused, Resampling.resampleInto(in.floats(), in.shape(), outShape, cur, nu, options(args), 2, reused));
      assertArrayEquals(fresh, reused, c);
      float[] copy = new float[in.floats().length];
      Resampling.resampleInto(in.floats(), in.shape(), in.shape(), cur, cur, options(args), 2, copy);
      assertArrayEquals(in.floats(), copy, c + ": equal shapes copy");
    }
  }

  @Test
  void labelsMatchResizeSegmentation() {
    for (String c : cases("s")) {
      Array in = ref.get(c + "_in");
      short[] expected = ref.get(c + "_out").shorts();
      double[] args = ref.get(c + "_args").doubles();
      short[] actual = Resampling.resampleLabels(in.shorts(), in.shape(), ref.get(c + "_out").shape(),
          Arrays.copyOfRange(args, 4, 7), Arrays.copyOfRange(args, 7, 10), options(args), 2);
      assertArrayEquals(expected, actual, c);
    }
  }

  @Test
  void targetShapeRoundsHalfToEven() {
    // 177 / 6 = 29.5 -> 30, 171 / 6 = 28.5 -> 28, 3 / 3.5 * 101 = 86.57 -> 87
    assertArrayEquals(new int[] {30, 28, 87},
        Resampling.targetShape(new int[] {177, 171, 101}, new double[] {1, 1, 3}, new double[] {6, 6, 3.5}));
    // the CT fixture: (122, 112, 101) at 3 mm to (4, 2.5, 3.5) is nnU-Net's preprocessed shape (92, 134, 87)
    assertArrayEquals(new int[] {92, 134, 87},
        Resampling.targetShape(new int[] {122, 112, 101}, new double[] {3, 3, 3}, new double[] {4, 2.5, 3.5}));
  }

  @Test
  void targetShapeRejectsAnAxisThatWouldVanish() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Resampling.targetShape(new int[] {1, 4, 4}, new double[] {1, 1, 1}, new double[] {3, 1, 1}));
    assertEquals("resampling axis 0 from spacing 1.0 to 3.0 gives 0.0 voxels instead of 1; check the target spacing",
        e.getMessage());
  }

  @Test
  void rejectsNonPositiveSpacing() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Resampling.targetShape(new int[] {2, 2, 2}, new double[] {1, 0, 1}, new double[] {1, 1, 1}));
    assertEquals("spacing must be positive and finite, got [1.0, 0.0, 1.0]", e.getMessage());
  }

  @Test
  void separateAxisFollowsNnUnetRules() {
    double[] iso = {1, 1, 1};
    assertEquals(OptionalInt.of(0), Resampling.separateAxis(SeparateZ.AUTO, 3, new double[] {3.1, 1, 1}, iso));
    assertEquals(OptionalInt.empty(), Resampling.separateAxis(SeparateZ.AUTO, 3, new double[] {3, 1, 1}, iso));
    // the current spacing is tested first, then the new one
    assertEquals(OptionalInt.of(0), Resampling.separateAxis(SeparateZ.AUTO, 3, iso, new double[] {6, 1.5, 1.5}));
    assertEquals(OptionalInt.of(2),
        Resampling.separateAxis(SeparateZ.AUTO, 3, new double[] {1, 1, 5}, new double[] {6, 1.5, 1.5}));
    // ratio is largest / smallest, not largest / second largest; a tie for the largest disables it
    assertEquals(OptionalInt.empty(), Resampling.separateAxis(SeparateZ.AUTO, 3, new double[] {0.24, 1.25, 1.25}, iso));
    assertEquals(OptionalInt.of(1), Resampling.separateAxis(SeparateZ.AUTO, 3, new double[] {0.24, 1.25, 1.2}, iso));
    // forced: the current spacing's largest axis, still subject to the tie rule
    assertEquals(OptionalInt.of(2), Resampling.separateAxis(SeparateZ.FORCE_ON, 3, new double[] {1, 1, 1.5}, iso));
    assertEquals(OptionalInt.empty(), Resampling.separateAxis(SeparateZ.FORCE_ON, 3, iso, new double[] {6, 1, 1}));
    assertEquals(OptionalInt.empty(), Resampling.separateAxis(SeparateZ.FORCE_OFF, 3, new double[] {9, 1, 1}, iso));
  }

  @Test
  void separateAxisUsesThePlansAnisotropyThreshold() {
    double[] iso = {1, 1, 1};
    double[] ct = {3, 3, 3};
    double[] target = {4.0, 2.5, 3.5}; // 1.6 : 1
    assertEquals(OptionalInt.empty(), Resampling.separateAxis(SeparateZ.AUTO, Resampling.ANISO_THRESHOLD, ct, target));
    assertEquals(OptionalInt.of(0), Resampling.separateAxis(SeparateZ.AUTO, 1.5, ct, target));
    assertEquals(OptionalInt.empty(), Resampling.separateAxis(SeparateZ.AUTO, 5, new double[] {4, 1, 1}, iso));
    // the plans entry reaches the resampling: a threshold of 1.5 makes the fixture CT model's export separate-z
    ResamplingOptions o = ResamplingSettings.of(new org.mednext.model.Resampling.Spline(false, 1, 0,
        java.util.Optional.empty(), 1.5));
    assertEquals(1.5, o.anisotropyThreshold());
    float[] in = new float[6 * 5 * 4];
    for (int i = 0; i < in.length; i++) in[i] = (float) Math.sin(i * 0.7);
    int[] shape = {6, 5, 4};
    int[] out = Resampling.targetShape(shape, target, ct);
    float[] separate = Resampling.resample(in, shape, out, target, ct, o, 1);
    float[] whole = Resampling.resample(in, shape, out, target, ct, ResamplingOptions.fromPlans(1, 0, null), 1);
    assertTrue(!Arrays.equals(separate, whole), "the threshold changed nothing");
    assertThrows(IllegalArgumentException.class, () -> ResamplingOptions.fromPlans(1, 0, null, 0));
  }

  @Test
  void resampleReturnsTheInputWhenShapesMatch() {
    float[] in = new float[2 * 3 * 4];
    assertSame(in, Resampling.resample(in, new int[] {2, 3, 4}, new int[] {2, 3, 4}, new double[] {1, 1, 1},
        new double[] {2, 2, 2}, ResamplingOptions.DATA, 1));
  }

  @Test
  void rejectsChannelOfWrongLength() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Resampling.resize(new float[5], new int[] {2, 3, 4}, new int[] {1, 1, 1}, 3, 1));
    assertEquals("channel has 5 voxels but its shape [2, 3, 4] needs 24", e.getMessage());
  }

  @Test
  void optionsRejectUnsupportedOrders() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResamplingOptions.fromPlans(6, 0, null));
    assertEquals("resampling order must be 0 to 5 (nnU-Net uses 3 for images, 1 for labels and logits), got 6",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ResamplingOptions.fromPlans(-1, 0, null));
    e = assertThrows(IllegalArgumentException.class, () -> ResamplingOptions.fromPlans(3, 6, null));
    assertEquals("order_z must be 0 to 5, got 6", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ResamplingOptions.torch(2, null, 3, false));
    assertEquals("order_z must be 0 (nearest-exact) or 1 (linear) for the torch resampler, got 2", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Resampling.resize(new float[8], new int[] {2, 2, 2},
        new int[] {3, 3, 3}, 6, 1));
  }

  @Test
  void resultDoesNotDependOnTheThreadCount() {
    Random r = new Random(7);
    int[] shape = {23, 31, 29};
    float[] in = new float[23 * 31 * 29];
    for (int i = 0; i < in.length; i++) in[i] = (float) r.nextGaussian();
    short[] labels = new short[in.length];
    for (int i = 0; i < in.length; i++) labels[i] = (short) (in[i] > 0.5 ? 2 : in[i] > -0.3 ? 1 : 0);
    double[] iso = {1, 1, 1};
    for (int[] out : new int[][] {{17, 40, 29}, {40, 12, 31}}) {
      for (double[] nu : new double[][] {{0.8, 0.7, 1.0}, {4.5, 0.8, 0.9}, {0.9, 0.8, 4.0}, {0.8, 4.0, 0.9}}) {
        for (ResamplingOptions o : new ResamplingOptions[] {ResamplingOptions.DATA, ResamplingOptions.LOGITS,
            ResamplingOptions.fromPlans(3, 1, null), ResamplingOptions.fromPlans(5, 0, null)}) {
          float[] one = Resampling.resample(in, shape, out, iso, nu, o, 1);
          float[] three = Resampling.resample(in, shape, out, iso, nu, o, 3);
          assertTrue(Arrays.equals(one, three), "threads changed the result for " + o + " to " + Arrays.toString(nu));
        }
        assertArrayEquals(Resampling.resampleLabels(labels, shape, out, iso, nu, ResamplingOptions.SEGMENTATION, 1),
            Resampling.resampleLabels(labels, shape, out, iso, nu, ResamplingOptions.SEGMENTATION, 3));
      }
    }
  }
}
