package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.task.Progress;
import org.mednext.testutil.TinyModelFolder;
import org.mednext.volume.Geometry;
import org.mednext.volume.Volume;

/** The second stage of a cascade: the previous stage's segmentation as one-hot input channels. */
@Tag("engine")
class PredictorCascadeTest {

  private static final int NX = 36;
  private static final int NY = 34;
  private static final int NZ = 40;

  @TempDir Path tmp;

  private static PredictorOptions options() {
    return PredictorOptions.defaults().withThreads(1).withMirroring(false).withStepSize(1).withDevice(Device.cpu());
  }

  /**
   * An image that is 0 in the first 5 slices along z and the last 3 along x (cropped away), and in a notch open to
   * the y = 0 face inside the crop box (outside the non-zero mask, kept in the box); random and positive elsewhere.
   */
  private static float[] image() {
    Random r = new Random(3);
    float[] v = new float[NX * NY * NZ];
    for (int z = 0, i = 0; z < NZ; z++) {
      for (int y = 0; y < NY; y++) {
        for (int x = 0; x < NX; x++, i++) {
          boolean notch = z >= 10 && z < 16 && y < 6 && x < 12;
          v[i] = z < 5 || x >= NX - 3 || notch ? 0 : 1 + r.nextFloat() * 100;
        }
      }
    }
    return v;
  }

  /** Boxes of labels 1 and 2, also where the image is 0. */
  private static short[] previousStage() {
    short[] s = new short[NX * NY * NZ];
    for (int z = 0, i = 0; z < NZ; z++) {
      for (int y = 0; y < NY; y++) {
        for (int x = 0; x < NX; x++, i++) {
          if (z >= 8 && z < 20 && y >= 2 && y < 20) s[i] = 1; // also on the notch's zero voxels
          if (x >= 20 && y >= 10 && y < 30) s[i] = 2; // reaches into the zero columns at x >= NX - 3
        }
      }
    }
    return s;
  }

  @Test
  void theSecondStageReadsThePreviousStagesLabelsAsOneHotChannelsInsideTheCropBox() throws Exception {
    Path model = TinyModelFolder.writeCascade(tmp, TinyModelFolder.Weights.PREVIOUS_STAGE, 3);
    short[] previous = previousStage();
    try (Predictor p = Predictor.open(model, options())) {
      assertEquals("3d_cascade_fullres", p.configurationName());
      assertEquals("3d_lowres", p.previousStage().orElseThrow());
      assertEquals(1, p.channels(), "the image's channels; the one-hot channels are the predictor's to make");
      short[] labels = p.predict(new float[][] {image()}, new int[] {NZ, NY, NX}, new double[] {1, 1, 1}, previous,
          Progress.none()).labels();
      // nnU-Net crops to the image's non-zero box (z >= 5, x < NX - 3) and pastes background outside it; inside, the
      // labels on the notch's zero voxels are kept (crop_to_nonzero marks only background there with -1)
      short[] expected = new short[previous.length];
      for (int z = 0, i = 0; z < NZ; z++) {
        for (int y = 0; y < NY; y++) {
          for (int x = 0; x < NX; x++, i++) expected[i] = z >= 5 && x < NX - 3 ? previous[i] : 0;
        }
      }
      assertArrayEquals(expected, labels);
    }
  }

  @Test
  void aVolumesPreviousStageFollowsTheImagesReorientation() throws Exception {
    Path model = TinyModelFolder.writeCascade(tmp, TinyModelFolder.Weights.PREVIOUS_STAGE, 3);
    Files.writeString(model.resolve("plans.json"), Files.readString(model.resolve("plans.json"))
        .replace("\"NibabelIO\"", "\"NibabelIOWithReorient\""));
    float[] values = new float[NX * NY * NZ];
    Arrays.fill(values, 7);
    short[] previous = previousStage();
    // x flipped and y, z swapped: the model sees the voxels reordered, and the labels come back in the file's order
    Geometry g = Geometry.of(new double[] {1, 1, 1}, new double[] {-1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1});
    Volume<?> image = Volume.of(ArrayImgs.floats(values, NX, NY, NZ), g);
    Volume<?> seg = Volume.of(ArrayImgs.shorts(previous, NX, NY, NZ), g);
    try (Predictor p = Predictor.open(model, options())) {
      assertArrayEquals(previous, p.predict(image, seg, Progress.none()).labels());
    }
  }

  @Test
  void theSecondStageWithoutThePreviousStageIsRefusedSayingWhatToGive() throws Exception {
    Path model = TinyModelFolder.writeCascade(tmp, TinyModelFolder.Weights.PREVIOUS_STAGE, 3);
    try (Predictor p = Predictor.open(model, options())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.predict(
          new float[][] {image()}, new int[] {NZ, NY, NX}, new double[] {1, 1, 1}, Progress.none()));
      assertTrue(e.getMessage().contains("second stage of a cascade") && e.getMessage().contains("3d_lowres")
          && e.getMessage().contains("-prev_stage_predictions"), e.getMessage());
    }
  }

  @Test
  void aPreviousStageGivenToAModelOfOneStageIsRefused() throws Exception {
    Path model = TinyModelFolder.write(tmp, TinyModelFolder.Weights.THRESHOLD);
    try (Predictor p = Predictor.open(model, options())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.predict(
          new float[][] {image()}, new int[] {NZ, NY, NX}, new double[] {1, 1, 1}, previousStage(), Progress.none()));
      assertTrue(e.getMessage().contains("not the second stage of a cascade"), e.getMessage());
    }
  }

  @Test
  void aCascadeCheckpointWithoutTheOneHotChannelsNamesBothCounts() throws Exception {
    Path model = TinyModelFolder.writeCascade(tmp, TinyModelFolder.Weights.RANDOM, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Predictor.open(model, options()).close());
    assertTrue(e.getMessage().contains("takes 1 input channel(s) but configuration 3d_cascade_fullres, the second "
        + "stage of a cascade (previous_stage 3d_lowres), takes 3: dataset.json's 1 channel(s) ([MR]) and one per "
        + "foreground label (2, [1, 2])"), e.getMessage());
  }
}
