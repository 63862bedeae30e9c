package org.mednext.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mednext.preprocess.NpyTestFiles.Array;
import org.mednext.preprocess.NpyTestFiles.Nifti;
import org.mednext.testutil.SharedData;

/**
 * The whole preprocessing chain (transpose, crop, normalize, resample) on the shared nnU-Net fixtures
 * (fixtures/nnunet_pipeline/README.md): the CT case against nnU-Net's own {@code preprocessed_input.npy}, the
 * MR case against its recorded bbox and shape and a scipy re-computation sampled on every 4th voxel.
 */
class PreprocessingChainTest {

  private static final String MODELS = "fixtures/nnunet_pipeline/models/";
  private static final String CT_PLANS = MODELS + "Dataset981_MedNeXtV2RefCT/nnUNetTrainer_MedNeXtV2Ref__nnUNetPlans__3d_fullres/plans.json";
  private static final String MR_PLANS = MODELS + "Dataset982_MedNeXtV2RefMR/nnUNetTrainer_MedNeXtV2Ref__nnUNetPlans__3d_fullres/plans.json";

  /** A numeric value or list after {@code "key":} in plans.json (enough for these fixed files). */
  private static double[] json(String text, String key) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*(\\[[^\\]]*\\]|[-0-9.eE+]+)").matcher(text);
    assertTrue(m.find(), "plans.json has no " + key);
    String v = m.group(1).replace("[", "").replace("]", "");
    return Arrays.stream(v.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
  }

  private static int[] ints(double[] v) {
    return Arrays.stream(v).mapToInt(d -> (int) d).toArray();
  }

  @Test
  void ctCaseReproducesNnUnetsPreprocessedInput() throws IOException {
    Path image = SharedData.require("sample-data/totalsegmentator-ct/example_ct.nii.gz");
    Path expectedFile = SharedData.require("fixtures/nnunet_pipeline/ct_fold0_tta_step050/intermediates/preprocessed_input.npy");
    String plans = Files.readString(SharedData.require(CT_PLANS));
    int[] transpose = ints(json(plans, "transpose_forward"));
    double[] target = json(plans, "spacing");
    IntensityProperties props = new IntensityProperties(json(plans, "mean")[0], json(plans, "std")[0],
        json(plans, "percentile_00_5")[0], json(plans, "percentile_99_5")[0]);

    Nifti nii = NpyTestFiles.readNiftiGz(image);
    long t0 = System.nanoTime();
    float[] data = Transposition.apply(nii.data(), nii.shapeZyx(), transpose, 2);
    int[] shape = Transposition.shape(nii.shapeZyx(), transpose);
    double[] spacing = Transposition.spacing(nii.spacingZyx(), transpose);
    Cropping.Result crop = Cropping.cropToNonzero(new float[][] {data}, shape, 2);
    assertEquals("[[0, 122], [0, 112], [0, 101]]", crop.boundingBox().toString());
    float[] channel = crop.channels()[0];
    Normalization.forSchemeName("CTNormalization", false, props).apply(channel, crop.helperSeg(), 2);
    int[] newShape = Resampling.targetShape(crop.shapeAfter(), spacing, target);
    long t1 = System.nanoTime();
    float[] out = Resampling.resample(channel, crop.shapeAfter(), newShape, spacing, target, ResamplingOptions.DATA, 2);
    long t2 = System.nanoTime();
    System.out.printf("CT chain: transpose+crop+normalize %.0f ms, resample %s -> %s %.0f ms (2 threads)%n",
        (t1 - t0) / 1e6, Arrays.toString(crop.shapeAfter()), Arrays.toString(newShape), (t2 - t1) / 1e6);

    Array expected = NpyTestFiles.readNpy(expectedFile);
    assertArrayEquals(new int[] {1, 92, 134, 87}, expected.shape());
    assertArrayEquals(new int[] {92, 134, 87}, newShape);
    float[] ref = expected.floats();
    double max = 0;
    double sum = 0;
    for (int i = 0; i < ref.length; i++) {
      double d = Math.abs(ref[i] - out[i]);
      max = Math.max(max, d);
      sum += d;
    }
    System.out.printf("CT chain vs nnU-Net: max abs diff %.3g, mean abs diff %.3g%n", max, sum / ref.length);
    assertTrue(max <= 1e-4, "max abs diff " + max);
    assertTrue(sum / ref.length <= 1e-6, "mean abs diff " + sum / ref.length);
  }

  @Test
  void mrCaseCropsAndResamplesSeparatelyAlongZ() throws IOException {
    Path image = SharedData.require("sample-data/mricron-colin27-aal/ch2.nii.gz");
    String plans = Files.readString(SharedData.require(MR_PLANS));
    int[] transpose = ints(json(plans, "transpose_forward"));
    double[] target = json(plans, "spacing");

    Nifti nii = NpyTestFiles.readNiftiGz(image);
    float[] data = Transposition.apply(nii.data(), nii.shapeZyx(), transpose, 2);
    int[] shape = Transposition.shape(nii.shapeZyx(), transpose);
    double[] spacing = Transposition.spacing(nii.spacingZyx(), transpose);
    Cropping.Result crop = Cropping.cropToNonzero(new float[][] {data}, shape, 2);
    assertEquals("[[0, 177], [2, 217], [0, 181]]", crop.boundingBox().toString());
    float[] channel = crop.channels()[0];
    Normalization.forSchemeName("ZScoreNormalization", true, null).apply(channel, crop.helperSeg(), 2);
    int[] newShape = Resampling.targetShape(crop.shapeAfter(), spacing, target);
    assertArrayEquals(new int[] {30, 143, 121}, newShape);
    assertEquals(OptionalInt.of(0), Resampling.separateAxis(ResamplingOptions.SeparateZ.AUTO, Resampling.ANISO_THRESHOLD, spacing, target));
    float[] out = Resampling.resample(channel, crop.shapeAfter(), newShape, spacing, target, ResamplingOptions.DATA, 2);

    Array sub = NpyTestFiles.resourceNpz("resampling.npz").get("mr_sub4");
    float[] ref = sub.floats();
    int[] s = sub.shape();
    double max = 0;
    for (int a = 0, p = 0; a < s[0]; a++)
      for (int b = 0; b < s[1]; b++)
        for (int c = 0; c < s[2]; c++, p++) {
          float v = out[((4 * a) * newShape[1] + 4 * b) * newShape[2] + 4 * c];
          max = Math.max(max, Math.abs(v - ref[p]));
        }
    System.out.printf("MR chain vs scipy (every 4th voxel): max abs diff %.3g%n", max);
    assertTrue(max <= 1e-5, "max abs diff " + max);
  }
}
