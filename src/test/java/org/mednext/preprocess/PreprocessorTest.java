package org.mednext.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.model.ModelFolder;
import org.mednext.testutil.TinyModelFolder;

/** {@link Preprocessor} with a label map (a training case, a cascade's previous stage). */
class PreprocessorTest {

  @TempDir Path tmp;

  private static final int N = 12;

  private Preprocessor preprocessor(boolean maskForNorm) throws Exception {
    Path model = TinyModelFolder.write(tmp, TinyModelFolder.Weights.RANDOM);
    if (maskForNorm) {
      Path plans = model.resolve("plans.json");
      Files.writeString(plans, Files.readString(plans).replace("\"use_mask_for_norm\": [false]",
          "\"use_mask_for_norm\": [true]"));
    }
    ModelFolder folder = ModelFolder.open(model);
    return Preprocessor.forConfiguration(folder.plans(), folder.configuration("3d_fullres"), 2);
  }

  /** Two blobs in opposite corners of an N^3 image; the zero voxels between them are outside the non-zero mask. */
  private static float[] twoBlobs() {
    Random r = new Random(5);
    float[] v = new float[N * N * N];
    for (int z = 0, i = 0; z < N; z++) {
      for (int y = 0; y < N; y++) {
        for (int x = 0; x < N; x++, i++) {
          boolean low = z < 4 && y < 4 && x < 4;
          boolean high = z >= N - 4 && y >= N - 4 && x >= N - 4;
          if (low || high) v[i] = 10 + 50 * r.nextFloat();
        }
      }
    }
    return v;
  }

  @Test
  void labelledVoxelsOutsideTheImagesMaskCountInTheZScoreMaskAsInNnUnet() throws Exception {
    Preprocessor pre = preprocessor(true);
    float[] image = twoBlobs();
    short[] labels = new short[image.length];
    int labelled = (6 * N + 6) * N + 6; // a zero voxel between the blobs, inside their bounding box
    labels[labelled] = 1;
    int[] shape = {N, N, N};
    double[] spacing = {1, 1, 1};
    float[] withLabels = pre.runWithLabels(new float[][] {image}, labels, shape, spacing).image().data()[0];
    float[] without = pre.run(new float[][] {image}, shape, spacing).data()[0];

    // nnU-Net's mask is seg >= 0: the blobs' voxels and the labelled one (seg 1); mean and std over those
    double sum = 0;
    int n = 0;
    for (int i = 0; i < image.length; i++) {
      if (image[i] != 0 || i == labelled) {
        sum += image[i];
        n++;
      }
    }
    double mean = sum / n;
    double ss = 0;
    for (int i = 0; i < image.length; i++) if (image[i] != 0 || i == labelled) ss += (image[i] - mean) * (image[i] - mean);
    double std = Math.sqrt(ss / n);
    assertEquals(-mean / std, withLabels[labelled], 1e-5 * mean / std, "the labelled zero voxel is normalised");
    assertEquals(0f, without[labelled], "without labels it is outside the mask and stays 0");
    assertEquals(0f, withLabels[labelled + 1], "an unlabelled zero voxel beside it stays 0");
    int blob = 0; // a voxel of the first blob: normalised with the mask's statistics
    assertEquals((image[blob] - mean) / std, withLabels[blob], 1e-5);
    assertTrue(Math.abs(withLabels[blob] - without[blob]) > 1e-3, "the labelled voxel changes the statistics");
  }
}
