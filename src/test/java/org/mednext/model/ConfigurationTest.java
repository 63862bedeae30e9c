package org.mednext.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mednext.testutil.SharedData;

/** {@link Configuration}: values of the shared CT fixture and the configuration-level error paths. */
class ConfigurationTest {

  private final TestResources.Warnings warnings = new TestResources.Warnings();

  @Test
  void readsTheCtFixtureConfiguration() throws IOException {
    Configuration c = Plans.read(SharedData.require(PlansTest.CT), warnings).configuration("3d_fullres");
    assertEquals("3d_fullres", c.name());
    assertEquals("nnUNetPlans_3d_fullres", c.dataIdentifier());
    assertEquals("DefaultPreprocessor", c.preprocessorName());
    assertEquals(2, c.batchSize());
    assertEquals(List.of(48, 80, 64), c.patchSize());
    assertArrayEquals(new int[] {48, 80, 64}, c.patchSizeArray());
    assertEquals(3, c.dimension());
    assertEquals(List.of(4.0, 2.5, 3.5), c.spacing());
    assertEquals(List.of(92.0, 134.0, 87.0), c.medianImageSizeInVoxels());
    assertEquals(List.of("CTNormalization"), c.normalizationSchemes());
    assertEquals(List.of(false), c.useMaskForNorm());
    assertEquals(1, c.numInputChannels());
    assertEquals(new Resampling.Spline(false, 3, 0, Optional.empty(), 3.0), c.resamplingData());
    assertEquals(new Resampling.Spline(true, 1, 0, Optional.empty(), 3.0), c.resamplingSeg());
    assertEquals(new Resampling.Spline(false, 1, 0, Optional.empty(), 3.0), c.resamplingProbabilities());
    assertEquals(false, c.batchDice());
    assertEquals("nnunet_mednext.network_architecture.mednextv1.MedNextV1.MedNeXt", c.architecture().networkClassName());
    List<Integer> one = List.of(1, 1, 1);
    List<Integer> two = List.of(2, 2, 2);
    assertEquals(List.of(one, two, two, two, two), c.poolOpKernelSizes());
    assertEquals(Optional.empty(), c.inheritsFrom());
    assertEquals(Optional.empty(), c.previousStage());
    assertEquals(List.of(), c.nextStages());
    c.requireSupportedResampling(true);
  }

  @Test
  void requiresTheConfigurationKeys() {
    for (String key : List.of("data_identifier", "preprocessor_name", "batch_size", "patch_size", "spacing",
        "normalization_schemes", "use_mask_for_norm", "resampling_fn_data", "resampling_fn_data_kwargs",
        "resampling_fn_seg", "resampling_fn_seg_kwargs", "resampling_fn_probabilities",
        "resampling_fn_probabilities_kwargs", "architecture", "batch_dice")) {
      JsonObject o = TestResources.json("plans_base.json");
      config(o).remove(key);
      assertEquals("plans.json: configurations.3d_fullres." + key + ": required key is missing", error(o), key);
    }
  }

  @Test
  void rejectsBadSizesAndSpacings() {
    assertEquals("plans.json: configurations.3d_fullres.patch_size: expected 2 or 3 entries, got [48]",
        errorWith("patch_size", "[48]"));
    assertEquals("plans.json: configurations.3d_fullres.patch_size: entries must be >= 1, got [48,0,64]",
        errorWith("patch_size", "[48, 0, 64]"));
    assertEquals("plans.json: configurations.3d_fullres.patch_size[1]: expected an integer, got 80.5",
        errorWith("patch_size", "[48, 80.5, 64]"));
    assertEquals("plans.json: configurations.3d_fullres.spacing: expected 3 entries (as patch_size), got [4.0,2.5]",
        errorWith("spacing", "[4.0, 2.5]"));
    assertEquals("plans.json: configurations.3d_fullres.spacing: entries must be finite and > 0, got [4.0,-2.5,1]",
        errorWith("spacing", "[4.0, -2.5, 1]"));
    assertEquals("plans.json: configurations.3d_fullres.batch_size: must be >= 1, got 0", errorWith("batch_size", "0"));
    assertEquals("plans.json: configurations.3d_fullres.batch_dice: expected true or false, got \"no\"",
        errorWith("batch_dice", "\"no\""));
  }

  @Test
  void requiresOneMaskFlagPerNormalizedChannel() {
    assertEquals("plans.json: configurations.3d_fullres.use_mask_for_norm: has 2 entries but normalization_schemes has 1",
        errorWith("use_mask_for_norm", "[false, true]"));
    assertEquals("plans.json: configurations.3d_fullres.normalization_schemes: needs one entry per input channel, got []",
        errorWith("normalization_schemes", "[]"));
  }

  @Test
  void requiresIntensityPropertiesForCtNormalizedChannels() {
    JsonObject o = TestResources.json("plans_base.json");
    config(o).add("normalization_schemes", TestResources.parse("[\"ZScoreNormalization\", \"CTNormalization\"]"));
    config(o).add("use_mask_for_norm", TestResources.parse("[false, false]"));
    assertEquals("plans.json: configurations.3d_fullres.normalization_schemes[1]: CTNormalization needs"
        + " foreground_intensity_properties_per_channel \"1\", which plans.json lacks", error(o));
  }

  @Test
  void rejectsTheOldPlansFormatWithAHint() {
    JsonObject o = TestResources.json("plans_base.json");
    config(o).remove("architecture");
    config(o).addProperty("UNet_class_name", "PlainConvUNet");
    assertEquals("plans.json: configurations.3d_fullres.architecture: required key is missing: this plans.json has the"
        + " old format (\"UNet_class_name\"), which is not supported; plan the dataset again with a current nnU-Net"
        + " (nnUNetv2_plan_experiment)", error(o));
  }

  @Test
  void readsCascadeStageLinks() throws ModelFormatException {
    Plans p = Plans.parse(TestResources.text("plans_inheritance.json"), "plans.json", warnings);
    assertEquals(List.of("3d_cascade_fullres"), p.configuration("3d_lowres").nextStages());
    assertEquals(Optional.of("3d_lowres"), p.configuration("3d_cascade_fullres").previousStage());
    JsonObject o = TestResources.json("plans_base.json");
    config(o).add("next_stage", TestResources.parse("[\"a\", \"b\"]"));
    assertEquals(List.of("a", "b"), Plans.parse(o.toString(), "plans.json", warnings).configuration("3d_fullres").nextStages());
  }

  @Test
  void reportsUnsupportedResamplingByConfigurationAndKey() throws ModelFormatException {
    Plans p = Plans.parse(TestResources.text("plans_inheritance.json"), "plans.json", warnings);
    p.configuration("3d_torchres").requireSupportedResampling(true);
    p.configuration("3d_noresampling").requireSupportedResampling(true);
    JsonObject o = TestResources.json("plans_base.json");
    config(o).addProperty("resampling_fn_probabilities", "resample_torch_fornnunet");
    config(o).add("resampling_fn_probabilities_kwargs", TestResources.parse("{\"mode\": \"area\"}"));
    Configuration c = Plans.parse(o.toString(), "plans.json", warnings).configuration("3d_fullres");
    assertEquals("configuration 3d_fullres: resampling_fn_probabilities_kwargs of resample_torch_fornnunet: mode"
        + " \"area\" is not supported (supported: linear); nnU-Net's planners write mode \"linear\" with"
        + " aniso_axis_mode \"nearest-exact\" (the defaults)",
        assertThrows(ModelFormatException.class, () -> c.requireSupportedResampling(false)).getMessage());
  }

  static JsonObject config(JsonObject plans) {
    return plans.getAsJsonObject("configurations").getAsJsonObject("3d_fullres");
  }

  private String errorWith(String key, String json) {
    JsonObject o = TestResources.json("plans_base.json");
    config(o).add(key, TestResources.parse(json));
    return error(o);
  }

  /** The reason the (only) configuration is invalid. */
  private String error(JsonObject o) {
    return assertThrows(ModelFormatException.class,
        () -> Plans.parse(o.toString(), "plans.json", warnings).configuration("3d_fullres")).getMessage();
  }
}
