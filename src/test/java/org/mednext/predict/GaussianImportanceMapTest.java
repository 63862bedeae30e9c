package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.mednext.testutil.NpyFiles;
import org.mednext.testutil.SharedData;
import org.mednext.util.Half;

class GaussianImportanceMapTest {

  @Test
  void matchesNnUnetsFp16MapBitForBit() throws IOException {
    float[] want = NpyFiles.readFloats(SharedData.require(
        "fixtures/nnunet_pipeline/ct_fold0_tta_step050/intermediates/gaussian_fp16_as_fp32.npy"));
    short[] got = GaussianImportanceMap.compute(new int[] {48, 80, 64});
    assertEquals(want.length, got.length);
    int differing = 0;
    for (int i = 0; i < got.length; i++) if (Half.toFloat(got[i]) != want[i]) differing++;
    assertEquals(0, differing, "voxels whose fp16 weight differs from nnU-Net's");
  }

  @Test
  void peaksAtTenInTheCentreAndHasNoZeros() {
    int[] patch = {128, 128, 128};
    short[] g = GaussianImportanceMap.compute(patch);
    assertEquals(10f, Half.toFloat(g[(64 * 128 + 64) * 128 + 64]));
    float min = Float.MAX_VALUE;
    for (short h : g) min = Math.min(min, Half.toFloat(h));
    assertTrue(min > 0, "smallest weight " + min);
    assertEquals(0x1p-24f, min, "corners underflow and get the smallest subnormal");
  }
}
