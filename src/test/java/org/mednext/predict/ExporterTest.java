package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mednext.model.DatasetJson;
import org.mednext.preprocess.BoundingBox;
import org.mednext.preprocess.PreprocessedCase;
import org.mednext.preprocess.ResamplingOptions;
import org.mednext.util.Half;

/** {@link Exporter}: the probabilities held as float maps and kept as fp16 logits are the same values. */
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

  private static short[][] copy(short[][] a) {
    short[][] c = new short[a.length][];
    for (int k = 0; k < a.length; k++) c[k] = a[k].clone();
    return c;
  }
}
