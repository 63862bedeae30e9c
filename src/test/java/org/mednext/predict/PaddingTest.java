package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.model.NnUnetCheckpoint;
import org.mednext.net.MedNeXt;
import org.mednext.task.Progress;
import org.mednext.testutil.TinyModelFolder;

/**
 * Images smaller than the patch: nnU-Net's {@code pad_nd_image} puts {@code diff // 2} zeros before the image and
 * the rest after, predicts the padded image and crops the logits back. Checked against the same network run on an
 * image padded by hand, where the sliding window has nothing to pad.
 */
@Tag("engine")
class PaddingTest {

  private static final int[] PATCH = {32, 32, 32};

  @TempDir Path tmp;

  @Test
  void anImageSmallerThanThePatchGetsHalfTheZerosBeforeAndTheRestAfter() throws Exception {
    // axis 0: 12 missing, 6 before; axis 1: 7 missing, 3 before and 4 after; axis 2 fits
    int[] shape = {20, 25, 32};
    float[] image = new float[shape[0] * shape[1] * shape[2]];
    Random random = new Random(3);
    for (int i = 0; i < image.length; i++) image[i] = (float) random.nextGaussian();
    Path model = TinyModelFolder.write(tmp, TinyModelFolder.Weights.RANDOM);
    try (MedNeXt net = MedNeXt.fromStateDict(NnUnetCheckpoint.read(model.resolve("fold_0/checkpoint_final.pth")).weights(),
        Device.cpu())) {
      SlidingWindowPredictor sw = new SlidingWindowPredictor(List.of(net), PATCH, 0.5, new int[] {0, 1, 2}, 1);
      short[][] small = sw.predict(new float[][] {image}, shape, Progress.none());
      short[][] nnUnets = cropped(sw.predict(new float[][] {paddedByHand(image, shape, 6, 3)}, PATCH, Progress.none()), shape, 6, 3);
      short[][] otherHalf = cropped(sw.predict(new float[][] {paddedByHand(image, shape, 6, 4)}, PATCH, Progress.none()), shape, 6, 4);
      for (int k = 0; k < small.length; k++) assertArrayEquals(nnUnets[k], small[k], "class " + k);
      assertFalse(Arrays.equals(otherHalf[1], small[1]), "the test tells the two ways of splitting an odd padding apart");
    }
  }

  /** The image inside a zero patch at (before0, before1, 0). */
  private static float[] paddedByHand(float[] image, int[] shape, int before0, int before1) {
    float[] out = new float[PATCH[0] * PATCH[1] * PATCH[2]];
    for (int a = 0; a < shape[0]; a++) {
      for (int b = 0; b < shape[1]; b++) {
        System.arraycopy(image, (a * shape[1] + b) * shape[2], out, ((a + before0) * PATCH[1] + b + before1) * PATCH[2], shape[2]);
      }
    }
    return out;
  }

  /** The part of patch-sized logits that lies on the image placed at (before0, before1, 0). */
  private static short[][] cropped(short[][] logits, int[] shape, int before0, int before1) {
    short[][] out = new short[logits.length][shape[0] * shape[1] * shape[2]];
    for (int k = 0; k < logits.length; k++) {
      for (int a = 0; a < shape[0]; a++) {
        for (int b = 0; b < shape[1]; b++) {
          System.arraycopy(logits[k], ((a + before0) * PATCH[1] + b + before1) * PATCH[2], out[k], (a * shape[1] + b) * shape[2], shape[2]);
        }
      }
    }
    return out;
  }
}
