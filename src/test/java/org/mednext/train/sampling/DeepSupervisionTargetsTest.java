package org.mednext.train.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mednext.preprocess.TorchInterpolation;

/** {@link DeepSupervisionTargets} against torch's F.interpolate(mode='nearest-exact') (train_fixtures.npz). */
class DeepSupervisionTargetsTest {

  @Test
  void scalesAreInverseCumulativeStridesWithoutTheLastStage() {
    double[][] s = DeepSupervisionTargets.scales(new int[][] {{1, 1, 1}, {2, 2, 2}, {1, 2, 2}, {2, 2, 2}});
    assertEquals(3, s.length);
    assertArrayEquals(new double[] {1, 1, 1}, s[0]);
    assertArrayEquals(new double[] {0.5, 0.5, 0.5}, s[1]);
    assertArrayEquals(new double[] {0.5, 0.25, 0.25}, s[2]);
  }

  @Test
  void targetShapesRoundHalfToEven() {
    assertArrayEquals(new int[] {2, 4, 64}, DeepSupervisionTargets.targetShape(new int[] {5, 7, 128},
        new double[] {0.5, 0.5, 0.5}));
    assertArrayEquals(new int[] {2, 4, 2}, DeepSupervisionTargets.targetShape(new int[] {10, 14, 10},
        new double[] {0.25, 0.25, 0.25}));
  }

  @Test
  void matchesTorchNearestExact() {
    short[] labels = TrainFixtures.shorts("ds_labels");
    int[] shape = TrainFixtures.shape("ds_labels");
    for (String name : new String[] {"half", "quarter", "mixed"}) {
      double[] scale = TrainFixtures.doubles("ds_" + name + "_scale");
      List<short[]> p = DeepSupervisionTargets.pyramid(labels, shape, new double[][] {{1, 1, 1}, scale});
      assertSame(labels, p.get(0));
      assertArrayEquals(TrainFixtures.shape("ds_" + name), DeepSupervisionTargets.targetShape(shape, scale));
      assertArrayEquals(TrainFixtures.shorts("ds_" + name), p.get(1), name);
    }
  }

  @Test
  void nearestExactPicksThePixelWhoseCentreIsNearest() {
    // torch 1.13 F.interpolate(arange(n), size=m, mode='nearest-exact') along one axis
    assertArrayEquals(new int[] {1, 3, 5, 7, 9, 11, 13, 15}, TorchInterpolation.nearestExactIndices(17, 8));
    assertArrayEquals(new int[] {0, 0, 1, 2, 2}, TorchInterpolation.nearestExactIndices(3, 5));
    assertArrayEquals(new int[] {1, 3, 5}, TorchInterpolation.nearestExactIndices(7, 3));
    assertArrayEquals(new int[] {1, 3, 6, 8}, TorchInterpolation.nearestExactIndices(10, 4));
  }
}
