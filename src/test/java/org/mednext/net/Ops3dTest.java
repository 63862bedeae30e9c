package org.mednext.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mednext.engine.Engines;

/** Memory discipline and edge cases of the depth-major 3-D operations. */
@Tag("engine")
class Ops3dTest {

  /**
   * A consumed activation is freed only when no handle shares its storage; an op that left a view or base handle
   * open (reshape of a matmul result, slices of a padded copy) kept every activation of a block alive to the end
   * of the block, which tripled the forward's peak memory.
   */
  @Test
  void everyOperationLeavesOnlyItsResultOpen() {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray x = m.randomNormal(new Shape(6, 2, 4, 8, 10)); // depth-major (D, N, C, H, W)
      NDArray dw = m.randomNormal(new Shape(4, 1, 3, 3, 3));
      NDArray bias = m.randomNormal(new Shape(4));
      NDArray w2d = m.randomNormal(new Shape(8, 4));
      NDArray bias8 = m.randomNormal(new Shape(8));
      NDArray gamma = m.randomNormal(new Shape(4));
      Map<String, Supplier<NDArray>> ops = new LinkedHashMap<>();
      ops.put("depthwiseConv stride 1", () -> Ops3d.depthwiseConv(x, dw, bias, 1, true));
      ops.put("depthwiseConv stride 2", () -> Ops3d.depthwiseConv(x, dw, bias, 2, false));
      ops.put("depthwiseConvTranspose2x", () -> Ops3d.depthwiseConvTranspose2x(x, dw, bias, true));
      ops.put("pointwise", () -> Ops3d.pointwise(x, w2d, bias8, true));
      ops.put("instanceNorm", () -> Ops3d.instanceNorm(x, gamma, bias));
      ops.put("grnResponse inference", () -> Ops3d.grnResponse(x, false));
      ops.put("grnResponse training", () -> Ops3d.grnResponse(x, true));
      ops.put("toDepthMajor", () -> Ops3d.toDepthMajor(x));
      ops.put("fromDepthMajor", () -> Ops3d.fromDepthMajor(x));
      ops.put("placeAtOddPositions", () -> Ops3d.placeAtOddPositions(x));
      for (Map.Entry<String, Supplier<NDArray>> op : ops.entrySet()) {
        int before = m.getManagedArrays().size();
        NDArray result = op.getValue().get();
        assertEquals(before + 1, m.getManagedArrays().size(), op.getKey() + " left temporaries open");
        result.close();
      }
    }
  }

  @Test
  void instanceNormOfASingleVoxelGivesTheBiasAsGroupNormDoes() {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray x = m.create(new float[] {3f, -2f, 7f}, new Shape(1, 1, 3, 1, 1));
      NDArray gamma = m.create(new float[] {2f, 2f, 2f});
      NDArray beta = m.create(new float[] {0.5f, -1f, 4f});
      assertArrayEquals(new float[] {0.5f, -1f, 4f}, Ops3d.instanceNorm(x, gamma, beta).toFloatArray());
    }
  }

  /** A 16^3 patch leaves one voxel per channel at the bottleneck; the reference network runs it. */
  @Test
  void networkRunsOnTheSmallestPatch() {
    MedNeXtConfig config = new MedNeXtConfig(1, 2, 4, new int[] {2, 2, 2, 2, 2, 2, 2, 2, 2},
        new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, 3, 3, true, true, false);
    try (MedNeXt net = new MedNeXt(config, Device.cpu()); NDManager m = Engines.pytorch().newBaseManager()) {
      net.load(Initialization.pytorchDefault(config, 7));
      NDList out = net.predict(m.randomNormal(new Shape(1, 1, 16, 16, 16)));
      assertEquals(new Shape(1, 2, 16, 16, 16), out.get(0).getShape());
    }
  }
}
