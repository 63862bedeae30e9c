package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mednext.model.DatasetJson;
import org.mednext.preprocess.BoundingBox;
import org.mednext.preprocess.PreprocessedCase;
import org.mednext.preprocess.Resampling;
import org.mednext.preprocess.ResamplingOptions;
import org.mednext.util.Half;

/**
 * {@link Exporter}: the probabilities held as float maps and kept as fp16 logits are the same values; after the torch
 * resampler they are float32 all the way.
 */
class ExporterTest {

  @Test
  void heldMapsAndFp16LogitsGiveTheSameLabelsAndProbabilities() throws Exception {
    var labels = DatasetJson.parse("{\"channel_names\": {\"0\": \"CT\"}, \"labels\": {\"background\": 0, \"a\": 1,"
        + " \"b\": 2, \"c\": 3}, \"numTraining\": 1, \"file_ending\": \".nii.gz\"}", "dataset.json", w -> {}).labels();
    // network grid 9 x 10 x 11, resampled to the crop box 12 x 10 x 7 inside 14 x 13 x 7, transposed back
    PreprocessedCase c = new PreprocessedCase(null, new int[] {9, 10, 11}, new int[] {14, 13, 7},
        BoundingBox.of(new int[] {1, 2, 0}, new int[] {13, 12, 7}), new int[] {12, 10, 7}, new double[] {0.75, 1, 1.6},
        new double[] {1, 1, 1}, new int[] {2, 0, 1});
    Random random = new Random(2);
    short[][] logits = new short[4][9 * 10 * 11];
    for (short[] l : logits) for (int i = 0; i < l.length; i++) l[i] = Half.fromDouble(random.nextGaussian() * 3);
    Exporter.Result held = new Exporter(labels, ResamplingOptions.LOGITS, 2).export(copy(logits), c, true);
    Exporter.Result fp16 = new Exporter(labels, ResamplingOptions.LOGITS, 2, 0).export(copy(logits), c, true);
    Exporter.Result labelsOnly = new Exporter(labels, ResamplingOptions.LOGITS, 2).export(copy(logits), c, false);
    assertArrayEquals(held.labels(), fp16.labels());
    assertArrayEquals(held.labels(), labelsOnly.labels());
    assertArrayEquals(held.shape(), fp16.shape());
    assertEquals(4, fp16.probabilities().classes());
    for (int k = 0; k < 4; k++) {
      assertArrayEquals(held.probabilities().get(k), fp16.probabilities().get(k), "class " + k);
    }
    var a = held.probabilities().maps().iterator();
    for (float[] map : fp16.probabilities().maps()) assertArrayEquals(a.next(), map);
  }

  @Test
  void labelsWithoutProbabilitiesAreTheArgmaxOfTheSoftmaxAlsoAtNearTies() throws Exception {
    // tiny logits one fp16 step apart: the larger one can get the same float32 probability as an earlier class,
    // which then wins (nnU-Net takes the argmax of the probabilities with or without --save_probabilities)
    var labels = DatasetJson.parse("{\"channel_names\": {\"0\": \"CT\"}, \"labels\": {\"background\": 0, \"a\": 1,"
        + " \"b\": 2}, \"numTraining\": 1, \"file_ending\": \".nii.gz\"}", "dataset.json", w -> {}).labels();
    PreprocessedCase same = new PreprocessedCase(null, new int[] {8, 9, 10}, new int[] {8, 9, 10},
        BoundingBox.of(new int[] {0, 0, 0}, new int[] {8, 9, 10}), new int[] {8, 9, 10}, new double[] {1, 1, 1},
        new double[] {1, 1, 1}, new int[] {0, 1, 2});
    PreprocessedCase resampled = new PreprocessedCase(null, new int[] {8, 9, 10}, new int[] {11, 9, 7},
        BoundingBox.of(new int[] {0, 0, 0}, new int[] {11, 9, 7}), new int[] {11, 9, 7}, new double[] {0.7, 1, 1.4},
        new double[] {1, 1, 1}, new int[] {1, 2, 0});
    Random random = new Random(5);
    short[][] logits = new short[3][8 * 9 * 10];
    for (short[] l : logits) for (int i = 0; i < l.length; i++) l[i] = Half.fromDouble(random.nextInt(6) * 0x1p-24);
    for (PreprocessedCase c : new PreprocessedCase[] {same, resampled}) {
      ResamplingOptions r = c == same ? null : ResamplingOptions.LOGITS;
      Exporter.Result held = new Exporter(labels, r, 2).export(copy(logits), c, true);
      short[] labelsOnly = new Exporter(labels, r, 1).export(copy(logits), c, false).labels();
      assertArrayEquals(held.labels(), labelsOnly);
      if (c == same) {
        // the case holds such ties: the first maximum of the logits is another class at some voxels
        int differ = 0;
        for (int i = 0; i < labelsOnly.length; i++) {
          int first = 0;
          for (int k = 1; k < 3; k++) if (Half.toFloat(logits[k][i]) > Half.toFloat(logits[first][i])) first = k;
          if (first != labelsOnly[i]) differ++;
        }
        assertTrue(differ > 0, "no near tie in the test data");
      }
    }
  }

  private static final ResamplingOptions TORCH = ResamplingOptions.torch(0, null, 3, false);

  /** The case of the first test: network grid 9 x 10 x 11 to the crop box 12 x 10 x 7, transposed back. */
  private static PreprocessedCase resampledCase() {
    return new PreprocessedCase(null, new int[] {9, 10, 11}, new int[] {14, 13, 7},
        BoundingBox.of(new int[] {1, 2, 0}, new int[] {13, 12, 7}), new int[] {12, 10, 7}, new double[] {0.75, 1, 1.6},
        new double[] {1, 1, 1}, new int[] {2, 0, 1});
  }

  private static short[][] randomLogits(int classes, long seed) {
    Random random = new Random(seed);
    short[][] logits = new short[classes][9 * 10 * 11];
    for (short[] l : logits) for (int i = 0; i < l.length; i++) l[i] = Half.fromDouble(random.nextGaussian() * 3);
    return logits;
  }

  /** Each class's logits resampled with the torch resampler: float32 values on the crop box. */
  private static float[][] torchResampled(short[][] logits, PreprocessedCase c) {
    float[][] back = new float[logits.length][];
    for (int k = 0; k < logits.length; k++) {
      float[] v = new float[logits[k].length];
      for (int i = 0; i < v.length; i++) v[i] = Half.toFloat(logits[k][i]);
      back[k] = Resampling.resample(v, c.shape(), c.shapeAfterCropping(), c.targetSpacing(), c.spacing(), TORCH, 1);
    }
    return back;
  }

  @Test
  void torchResampledLogitsReachTheProbabilitiesAsFloat32AtAnySize() throws Exception {
    var labels = DatasetJson.parse("{\"channel_names\": {\"0\": \"CT\"}, \"labels\": {\"background\": 0, \"a\": 1,"
        + " \"b\": 2, \"c\": 3}, \"numTraining\": 1, \"file_ending\": \".nii.gz\"}", "dataset.json", w -> {}).labels();
    PreprocessedCase c = resampledCase();
    short[][] logits = randomLogits(4, 3);
    Exporter.Result small = new Exporter(labels, TORCH, 2).export(copy(logits), c, true);
    Exporter.Result large = new Exporter(labels, TORCH, 2, 0).export(copy(logits), c, true); // fp16 from 0 values
    short[] labelsOnly = new Exporter(labels, TORCH, 1).export(copy(logits), c, false).labels();
    assertArrayEquals(small.labels(), labelsOnly);
    assertArrayEquals(small.labels(), large.labels());
    float[][] maps = torchResampled(logits, c);
    float[][] rounded = new float[4][];
    for (int k = 0; k < 4; k++) {
      rounded[k] = maps[k].clone();
      for (int i = 0; i < rounded[k].length; i++) rounded[k][i] = Half.round(rounded[k][i]);
    }
    Softmax.inPlace(maps, 1);
    Softmax.inPlace(rounded, 1);
    Probabilities expected = Probabilities.softmax(maps, c.boundingBox(), c.shapeBeforeCropping(), new int[] {1, 2, 0}, 1);
    Probabilities ifHalf = Probabilities.softmax(rounded, c.boundingBox(), c.shapeBeforeCropping(), new int[] {1, 2, 0}, 1);
    boolean halfDiffers = false;
    for (int k = 0; k < 4; k++) {
      assertArrayEquals(expected.get(k), small.probabilities().get(k), "class " + k);
      assertArrayEquals(expected.get(k), large.probabilities().get(k), "class " + k);
      halfDiffers |= !java.util.Arrays.equals(expected.get(k), ifHalf.get(k));
    }
    assertTrue(halfDiffers, "fp16 logits would give other probabilities: the test could not tell");
  }

  @Test
  void torchResampledRegionLogitsGiveSigmoidMapsAndTheirLabels() throws Exception {
    var labels = DatasetJson.parse("{\"channel_names\": {\"0\": \"MR\"}, \"labels\": {\"background\": 0,"
        + " \"whole\": [1, 2, 3], \"core\": [2, 3], \"enhancing\": 3}, \"regions_class_order\": [1, 2, 3],"
        + " \"numTraining\": 1, \"file_ending\": \".nii.gz\"}", "dataset.json", w -> {}).labels();
    PreprocessedCase c = resampledCase();
    short[][] logits = randomLogits(3, 4);
    Exporter.Result with = new Exporter(labels, TORCH, 2).export(copy(logits), c, true);
    short[] labelsOnly = new Exporter(labels, TORCH, 1).export(copy(logits), c, false).labels();
    assertArrayEquals(with.labels(), labelsOnly);
    float[][] maps = torchResampled(logits, c);
    for (float[] m : maps) for (int i = 0; i < m.length; i++) m[i] = Exporter.sigmoid(m[i]);
    Probabilities expected = Probabilities.sigmoid(maps, c.boundingBox(), c.shapeBeforeCropping(), new int[] {1, 2, 0}, 1);
    int[] counts = new int[4];
    for (int k = 0; k < 3; k++) assertArrayEquals(expected.get(k), with.probabilities().get(k), "region " + k);
    for (short l : labelsOnly) counts[l]++;
    for (int l = 0; l < 4; l++) assertTrue(counts[l] > 0, "label " + l + " occurs");
  }

  private static short[][] copy(short[][] a) {
    short[][] c = new short[a.length][];
    for (int k = 0; k < a.length; k++) c[k] = a[k].clone();
    return c;
  }
}
