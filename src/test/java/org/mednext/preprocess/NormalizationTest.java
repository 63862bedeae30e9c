package org.mednext.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mednext.preprocess.NpyTestFiles.Array;

/**
 * {@link Normalization} against numpy float32 arithmetic: {@code normalization.npz} from
 * tools/fixtures/make_preprocess_fixtures.py. Outputs must match bit for bit.
 */
class NormalizationTest {

  private static Map<String, Array> ref;

  @BeforeAll
  static void load() throws IOException {
    ref = NpyTestFiles.resourceNpz("normalization.npz");
  }

  private static float[] x() {
    return ref.get("x").floats();
  }

  private static IntensityProperties ctProps() {
    double[] p = ref.get("ct_props").doubles();
    return new IntensityProperties(p[0], p[1], p[2], p[3]);
  }

  @Test
  void ctNormalizationMatchesNumpy() {
    float[] v = x();
    Normalization.forSchemeName("CTNormalization", false, ctProps()).apply(v, null, 3);
    assertArrayEquals(ref.get("ct").floats(), v);
  }

  @Test
  void zScoreMatchesNumpy() {
    float[] v = x();
    new ZScoreNormalization(false).apply(v, null, 2);
    assertArrayEquals(ref.get("zscore").floats(), v);
    float[] c = new float[5 * 6 * 7];
    java.util.Arrays.fill(c, 2.5f);
    new ZScoreNormalization(false).apply(c, null, 1);
    assertArrayEquals(ref.get("const_zscore").floats(), c);
  }

  @Test
  void zScoreWithMaskUsesAndChangesOnlyMaskedVoxels() {
    float[] v = x();
    new ZScoreNormalization(true).apply(v, ref.get("seg").bytes(), 3);
    assertArrayEquals(ref.get("zscore_mask").floats(), v);
  }

  @Test
  void rescaleAndRgbMatchNumpy() {
    float[] v = x();
    new RescaleTo01Normalization().apply(v, null, 2);
    assertArrayEquals(ref.get("rescale").floats(), v);
    float[] rgb = ref.get("rgb_in").floats();
    new RGBTo01Normalization().apply(rgb, null, 1);
    assertArrayEquals(ref.get("rgb").floats(), rgb);
  }

  @Test
  void noNormalizationLeavesValues() {
    float[] v = x();
    new NoNormalization().apply(v, null, 1);
    assertArrayEquals(x(), v);
  }

  @Test
  void meanAndStdAreNumpysFloat32Values() {
    float[] v = x();
    assertArrayEquals(ref.get("zscore_stats").floats(), Float32Stats.meanStd(v, v.length, 1));
    assertArrayEquals(ref.get("zscore_stats").floats(), Float32Stats.meanStd(v, v.length, 4));
    for (int n : new int[] {5, 8, 100, 128, 129, 1000, 8197, 12673}) {
      float[] expected = ref.get("sum" + n).floats(); // sum, mean, std of x[:n]
      assertEquals(expected[0], Float32Stats.sum(v, 0, n, 1), "sum of " + n);
      float[] ms = Float32Stats.meanStd(java.util.Arrays.copyOf(v, n), n, 1);
      assertEquals(expected[1], ms[0], "mean of " + n);
      assertEquals(expected[2], ms[1], "std of " + n);
    }
  }

  @Test
  void parallelSumKeepsNumpysSummationTree() {
    float[] v = new float[1_000_003];
    java.util.Random r = new java.util.Random(5);
    for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * 100 + 3);
    float one = Float32Stats.sum(v, 0, v.length, 1);
    assertEquals(one, Float32Stats.sum(v, 0, v.length, 3));
    assertEquals(0.0f + Float32Stats.pairwise(v, 0, v.length), one);
  }

  @Test
  void schemeNamesFollowNnUnetsTable() {
    assertEquals("CTNormalization", Normalization.schemeNameForChannel("ct"));
    assertEquals("NoNormalization", Normalization.schemeNameForChannel("NONORM"));
    assertEquals("ZScoreNormalization", Normalization.schemeNameForChannel("zScore"));
    assertEquals("RescaleTo01Normalization", Normalization.schemeNameForChannel("rescale_to_0_1"));
    assertEquals("RGBTo01Normalization", Normalization.schemeNameForChannel("RGB_to_0_1"));
    assertEquals("ZScoreNormalization", Normalization.schemeNameForChannel("T1"));
    assertEquals(new ZScoreNormalization(true), Normalization.forChannelName("FLAIR", true, null));
    assertEquals(new CTNormalization(ctProps()), Normalization.forChannelName("CT", false, ctProps()));
    assertEquals("RGBTo01Normalization", Normalization.forSchemeName("RGBTo01Normalization", false, null).schemeName());
  }

  @Test
  void rejectsUnknownSchemeNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Normalization.forSchemeName("CTNormalization2", false, null));
    assertEquals("unknown normalization scheme 'CTNormalization2' in the plans; known: CTNormalization, "
        + "NoNormalization, RGBTo01Normalization, RescaleTo01Normalization, ZScoreNormalization", e.getMessage());
  }

  @Test
  void ctNeedsIntensityProperties() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Normalization.forSchemeName("CTNormalization", false, null));
    assertEquals("CTNormalization needs the channel's foreground_intensity_properties_per_channel entry from the plans",
        e.getMessage());
  }

  @Test
  void rgbRejectsValuesOutsideTheByteRange() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RGBTo01Normalization().apply(new float[] {0, 256}, null, 1));
    assertEquals("RGBTo01Normalization expects 8-bit RGB values in [0, 255], found [0.0, 256.0]; "
        + "use another scheme for this channel", e.getMessage());
  }

  @Test
  void maskedZScoreNeedsTheHelperSegmentation() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ZScoreNormalization(true).apply(new float[4], null, 1));
    assertEquals("ZScoreNormalization with use_mask_for_norm needs the helper segmentation", e.getMessage());
  }
}
