package org.mednext.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.engine.Engines;

/**
 * {@link TorchInterpolation} against libtorch itself: the project's libtorch (2.7.1) runs
 * {@code F.interpolate} from a TorchScript module (tools/fixtures/make_torch_interpolate_module.py), on the same
 * random inputs.
 */
@Tag("engine")
class TorchInterpolationTest {

  private static ZooModel<NDList, NDList> module;
  private static Predictor<NDList, NDList> torch;

  @BeforeAll
  static void load(@TempDir Path tmp) throws Exception {
    Engines.pytorch();
    Path pt = tmp.resolve("torch_interpolate.pt");
    try (InputStream in = TorchInterpolationTest.class.getResourceAsStream("torch_interpolate.pt")) {
      Files.copy(in, pt);
    }
    module = Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(pt).optEngine("PyTorch").build()
        .loadModel();
    torch = module.newPredictor();
  }

  @AfterAll
  static void close() {
    if (torch != null) torch.close();
    if (module != null) module.close();
  }

  /** libtorch's F.interpolate of (1, channels, *shape) to {@code size}: mode 0 nearest-exact, 1 (bi/tri)linear. */
  private static float[] libtorch(float[] x, int channels, int[] shape, int[] size, int mode) throws Exception {
    try (NDManager m = module.getNDManager().newSubManager()) {
      long[] s = new long[shape.length + 2];
      s[0] = 1;
      s[1] = channels;
      for (int d = 0; d < shape.length; d++) s[d + 2] = shape[d];
      long[] target = Arrays.stream(size).asLongStream().toArray();
      NDList out = torch.predict(new NDList(m.create(x, new Shape(s)), m.create(target), m.create(new long[] {mode})));
      return out.get(0).toFloatArray();
    }
  }

  private static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 8 - 4);
    return x;
  }

  private static int size(int[] s) {
    return s[0] * s[1] * s[2];
  }

  // shrinking, growing, unchanged and single-voxel axes, the export's and the preprocessing's kinds of ratio
  private static final int[][][] CASES = {
      {{20, 30, 40}, {33, 17, 41}}, {{7, 64, 64}, {13, 100, 90}}, {{5, 9, 11}, {5, 4, 30}}, {{16, 16, 16}, {8, 8, 8}},
      {{1, 3, 2}, {4, 1, 9}}, {{12, 37, 29}, {12, 60, 71}}, {{40, 41, 43}, {17, 41, 101}}};

  @Test
  void trilinearIsLibtorchsBitForBit() throws Exception {
    for (int[][] c : CASES) {
      float[] x = random(size(c[0]), 7);
      float[] ours = TorchInterpolation.trilinear(x, c[0], c[1], new float[size(c[1])], 2);
      assertArrayEquals(libtorch(x, 1, c[0], c[1], 1), ours, 0f, Arrays.deepToString(c));
    }
  }

  @Test
  void labelMasksMeetHalfExactlyAndTheMaskRulesTiesFallAsInLibtorch() throws Exception {
    // nnU-Net's memefficient label rule sets a label where its trilinear mask exceeds 0.5; 0/1 masks at 3 mm -> 4,
    // 2.5, 3.5 mm land on 0.5 and a float step beside it at thousands of voxels, so only libtorch's own arithmetic
    // gives its labels (torch 1.13's double weights put 1224 of 259200 on the other side)
    int[] shape = {80, 60, 70};
    int[] target = {60, 72, 60};
    SplittableRandom r = new SplittableRandom(11);
    float[] mask = new float[size(shape)];
    for (int b = 0; b < 40; b++) { // boxes of 1 on 0
      int z0 = r.nextInt(70), y0 = r.nextInt(50), x0 = r.nextInt(60);
      int dz = 1 + r.nextInt(10), dy = 1 + r.nextInt(10), dx = 1 + r.nextInt(10);
      for (int z = z0; z < Math.min(shape[0], z0 + dz); z++) {
        for (int y = y0; y < Math.min(shape[1], y0 + dy); y++) {
          for (int x = x0; x < Math.min(shape[2], x0 + dx); x++) mask[(z * shape[1] + y) * shape[2] + x] = 1;
        }
      }
    }
    float[] ours = TorchInterpolation.trilinear(mask, shape, target, new float[size(target)], 2);
    float[] theirs = libtorch(mask, 1, shape, target, 1);
    int nearHalf = 0;
    for (float v : theirs) if (Math.abs(v - 0.5f) < 1e-5f) nearHalf++;
    assertTrue(nearHalf > 100, "ties at 0.5: " + nearHalf);
    for (int i = 0; i < ours.length; i++) assertEquals(theirs[i] > 0.5f, ours[i] > 0.5f, "voxel " + i);
    assertArrayEquals(theirs, ours, 0f);
  }

  @Test
  void nearestExactIsLibtorchsForEverySizePair() throws Exception {
    // along one axis, all pairs up to 80 -> 90: libtorch's fused index arithmetic decides a few upsampling pairs
    // (2 -> 41 at k = 20), where the unfused formula gives another index
    for (int in = 1; in <= 80; in++) {
      float[] ramp = new float[in];
      for (int i = 0; i < in; i++) ramp[i] = i;
      for (int out = 1; out <= 90; out++) {
        float[] expected = libtorch(ramp, 1, new int[] {in}, new int[] {out}, 0);
        int[] idx = TorchInterpolation.nearestExactIndices(in, out);
        for (int k = 0; k < out; k++) assertEquals(expected[k], idx[k], in + " -> " + out + " at " + k);
      }
    }
    for (int[][] c : CASES) {
      float[] x = random(size(c[0]), 8);
      float[] ours = TorchInterpolation.nearestExact(x, c[0], c[1], new float[size(c[1])], 2);
      assertArrayEquals(libtorch(x, 1, c[0], c[1], 0), ours, 0f, Arrays.deepToString(c));
    }
  }

  @Test
  void bilinearPlanesAreLibtorchsBilinearOfTheSlicesAcrossEachAxis() throws Exception {
    int[] shape = {6, 70, 50};
    float[] x = random(size(shape), 9);
    for (int axis = 0; axis < 3; axis++) {
      int[] target = {90, 81, 77};
      target[axis] = shape[axis];
      float[] ours = TorchInterpolation.bilinearPlanes(x, shape, target, axis, new float[size(target)], 2);
      // nnU-Net's rearrange: the slices across the axis become channels, the other two axes in order
      int h = axis == 0 ? 1 : 0;
      int w = axis == 2 ? 1 : 2;
      int[] order = {axis, h, w};
      float[] slices = Transposition.apply(x, shape, order, 1);
      float[] expected = libtorch(slices, shape[axis], new int[] {shape[h], shape[w]},
          new int[] {target[h], target[w]}, 1);
      float[] oursAsSlices = Transposition.apply(ours, target, order, 1);
      assertArrayEquals(expected, oursAsSlices, 0f, "axis " + axis);
    }
  }

  @Test
  void smallBilinearOutputsAreWithinAnUlpOfLibtorchsChannelsLastKernel() throws Exception {
    // height + width <= 128: libtorch takes its channels-last kernel, which rounds differently
    int[] shape = {9, 30, 40};
    int[] target = {9, 50, 60};
    float[] x = random(size(shape), 10);
    float[] ours = TorchInterpolation.bilinearPlanes(x, shape, target, 0, new float[size(target)], 1);
    float[] expected = libtorch(x, 9, new int[] {30, 40}, new int[] {50, 60}, 1);
    int differing = 0;
    double worst = 0;
    for (int i = 0; i < ours.length; i++) {
      // in units of the inputs' largest ulp (values are sums of terms up to 4 in size)
      worst = Math.max(worst, Math.abs(ours[i] - expected[i]) / Math.ulp(4f));
      if (ours[i] != expected[i]) differing++;
    }
    System.out.printf("channels-last kernel: %d of %d values differ, by at most %.2f ulp of 4%n", differing, ours.length,
        worst);
    assertTrue(worst <= 1, "at most 1 ulp of the inputs' range apart, got " + worst);
    assertTrue(differing < ours.length / 4, differing + " values differ");
    assertTrue(differing > 0, "if this kernel is now bit-identical, drop the note in bilinearPlanes");
  }

  @Test
  void linearWeightsFollowLibtorchsUnfusedArithmetic() {
    // 30 -> 17, output 1: scale 1.7647059f; 1.7647059f * 1.5f - 0.5f = 2.147059f in float (fused: 2.1470587f)
    TorchInterpolation.LinearAxis a = new TorchInterpolation.LinearAxis(30, 17, false);
    assertEquals(2, a.lo[1]);
    assertEquals(0.14705896f, a.w1[1]);
    assertEquals(0.85294104f, a.w0[1]);
    TorchInterpolation.LinearAxis same = new TorchInterpolation.LinearAxis(5, 5, false);
    assertArrayEquals(new float[] {1, 1, 1, 1, 1}, same.w0);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, same.hi);
  }
}
