package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.model.NnUnetCheckpoint;
import org.mednext.net.MedNeXt;
import org.mednext.net.StateDict;
import org.mednext.task.Progress;
import org.mednext.testutil.TinyModelFolder;

/** A cascade's one-hot channels, made tile by tile, are the float32 channels nnU-Net appends. */
@Tag("engine")
class SlidingWindowOneHotTest {

  @TempDir Path tmp;

  @Test
  void oneHotChannelsMadePerTileGiveTheLogitsOfExplicitOneHotVolumes() throws Exception {
    Path model = TinyModelFolder.writeCascade(tmp, TinyModelFolder.Weights.RANDOM, 3);
    StateDict weights = StateDict.of(NnUnetCheckpoint.read(model.resolve("fold_0/checkpoint_final.pth")).weights());
    int[] shape = {20, 40, 36}; // padded along the first axis (patch 32), two tiles along the second
    int n = shape[0] * shape[1] * shape[2];
    Random r = new Random(9);
    float[] image = new float[n];
    short[] labels = new short[n];
    for (int i = 0; i < n; i++) {
      image[i] = (float) r.nextGaussian();
      labels[i] = (short) (r.nextInt(4) - 1); // -1 (outside the crop's mask), 0, 1, 2
    }
    float[][] explicit = {image, new float[n], new float[n]};
    for (int i = 0; i < n; i++) {
      if (labels[i] == 1) explicit[1][i] = 1;
      if (labels[i] == 2) explicit[2][i] = 1;
    }
    try (MedNeXt net = MedNeXt.of(weights, Device.cpu())) {
      SlidingWindowPredictor window = new SlidingWindowPredictor(List.of(net), new int[] {32, 32, 32}, 0.5,
          new int[] {0, 1, 2}, 1);
      short[][] expected = window.predict(explicit, shape, Progress.none());
      short[][] lazy = window.predict(new float[][] {image}, labels, new int[] {1, 2}, shape, Progress.none());
      assertEquals(expected.length, lazy.length);
      for (int k = 0; k < expected.length; k++) assertArrayEquals(expected[k], lazy[k], "class " + k);
    }
  }
}
