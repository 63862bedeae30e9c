package org.mednext.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.model.ModelFolder;
import org.mednext.testutil.TinyModelFolder;

/** A model folder planned by a {@code *_torchres} planner: its plans' kwargs reach the torch resampler in training. */
class TorchResamplingPlansTest {

  @TempDir
  Path tmp;

  @Test
  void theTorchresPlannersLabelRuleComesFromThePlans() throws Exception {
    Path model = TinyModelFolder.write(tmp, TinyModelFolder.Weights.RANDOM);
    Path plansFile = model.resolve("plans.json");
    JsonObject plans = JsonParser.parseString(Files.readString(plansFile)).getAsJsonObject();
    JsonObject c = plans.getAsJsonObject("configurations").getAsJsonObject("3d_fullres");
    for (String key : new String[] {"resampling_fn_data", "resampling_fn_seg", "resampling_fn_probabilities"}) {
      c.addProperty(key, "resample_torch_fornnunet");
      JsonObject kwargs = new JsonObject();
      kwargs.addProperty("is_seg", key.endsWith("seg"));
      kwargs.add("force_separate_z", null); // the _sepz planner's
      kwargs.addProperty("memefficient_seg_resampling", true);
      c.add(key + "_kwargs", kwargs);
    }
    Files.writeString(plansFile, plans.toString());
    ModelFolder folder = ModelFolder.open(model);
    Preprocessor pre = Preprocessor.forConfiguration(folder.plans(), folder.configuration("3d_fullres"), 2);

    int[] shape = {10, 12, 14};
    double[] spacing = {1, 1.3, 1.5}; // to the plans' 1 mm: 10 x 16 x 21, no separate axis
    Random r = new Random(4);
    float[] image = new float[10 * 12 * 14];
    short[] labels = new short[image.length];
    for (int i = 0; i < image.length; i++) {
      image[i] = 1 + r.nextFloat(); // no zero voxel: nothing is cropped
      labels[i] = (short) r.nextInt(3);
    }
    short[] ours = pre.runWithLabels(new float[][] {image}, labels, shape, spacing).labels();
    int[] target = {10, 16, 21};
    double[] plansSpacing = {1, 1, 1};
    short[] memoryEfficient = Resampling.resampleLabels(labels, shape, target, spacing, plansSpacing,
        ResamplingOptions.torch(0, null, Resampling.ANISO_THRESHOLD, true), 1);
    short[] other = Resampling.resampleLabels(labels, shape, target, spacing, plansSpacing,
        ResamplingOptions.torch(0, null, Resampling.ANISO_THRESHOLD, false), 1);
    assertArrayEquals(memoryEfficient, ours);
    assertFalse(Arrays.equals(memoryEfficient, other), "the two label rules agree here: the test could not tell them apart");
  }
}
