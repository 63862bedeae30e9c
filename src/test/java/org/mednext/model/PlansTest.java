package org.mednext.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.testutil.SharedData;

/** {@link Plans}: the shared fixtures, writing back, edits and the plan-level error paths. */
class PlansTest {

  static final String CT = "fixtures/nnunet_pipeline/models/Dataset981_MedNeXtV2RefCT/"
      + "nnUNetTrainer_MedNeXtV2Ref__nnUNetPlans__3d_fullres/plans.json";
  static final String MR = "fixtures/nnunet_pipeline/models/Dataset982_MedNeXtV2RefMR/"
      + "nnUNetTrainer_MedNeXtV2Ref__nnUNetPlans__3d_fullres/plans.json";

  private final TestResources.Warnings warnings = new TestResources.Warnings();

  @TempDir Path tmp;

  @Test
  void readsTheCtFixturesGlobalKeys() throws IOException {
    Plans p = Plans.read(SharedData.require(CT), warnings);
    assertEquals("Dataset981_MedNeXtV2RefCT", p.datasetName());
    assertEquals("nnUNetPlans", p.plansName());
    assertEquals(List.of(2, 0, 1), p.transposeForward());
    assertEquals(List.of(1, 2, 0), p.transposeBackward());
    assertEquals("NibabelIO", p.imageReaderWriter());
    assertEquals("LabelManager", p.labelManager());
    assertEquals(List.of("3d_fullres"), p.configurationNames());
    assertEquals(Optional.of(new IntensityProperties(68.40625, 61.0, 187.25, -1024.0, 3071.0, 1102.0, -958.0)),
        p.intensityProperties(0));
    assertEquals(Optional.empty(), p.intensityProperties(1));
    assertEquals(List.of(), warnings.messages);
  }

  @Test
  void readsTheMrFixture() throws IOException {
    Plans p = Plans.read(SharedData.require(MR), warnings);
    assertEquals(List.of(0, 1, 2), p.transposeForward());
    Configuration c = p.configuration("3d_fullres");
    assertEquals(List.of(16, 64, 80), c.patchSize());
    assertEquals(List.of(6.0, 1.5, 1.5), c.spacing());
    assertEquals(List.of("ZScoreNormalization"), c.normalizationSchemes());
    assertEquals(List.of(true), c.useMaskForNorm());
    assertEquals(255.0, p.intensityProperties(0).orElseThrow().max());
  }

  @Test
  void writesTheFixtureBackByteIdenticalToPythonsJsonDump() throws IOException {
    Path file = SharedData.require(CT);
    Plans p = Plans.read(file, warnings);
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), p.toJson());
  }

  @Test
  void roundTripsThroughAFile() throws IOException {
    Plans p = Plans.parse(TestResources.text("plans_inheritance.json"), "plans.json", warnings);
    Path out = tmp.resolve("plans.json");
    p.write(out);
    Plans back = Plans.read(out, warnings);
    assertEquals(p, back);
    assertEquals(TestResources.text("plans_inheritance.json"), Files.readString(out, StandardCharsets.UTF_8));
    p.write(out); // replacing an existing file
    try (var listing = Files.list(tmp)) {
      assertEquals(1, listing.count(), "no temporary file may remain");
    }
  }

  @Test
  void editsAConfigurationAndKeepsEverythingElse() throws ModelFormatException {
    Plans p = base();
    Plans edited = p.withConfigurationValue("3d_fullres", "batch_size", new JsonPrimitive(4));
    assertEquals(4, edited.configuration("3d_fullres").batchSize());
    assertEquals(2, p.configuration("3d_fullres").batchSize(), "the original is unchanged");
    assertNotEquals(p, edited);
    String expected = TestResources.text("plans_base.json").replace("\"batch_size\": 2,", "\"batch_size\": 4,");
    assertEquals(expected, edited.toJson());
  }

  @Test
  void editingAMissingConfigurationFails() {
    assertEquals("configuration \"3d_lowres\" not found in plans.json (plans nnUNetPlans); available: 3d_fullres",
        assertThrows(ModelFormatException.class,
            () -> base().withConfigurationValue("3d_lowres", "batch_size", new JsonPrimitive(4))).getMessage());
  }

  @Test
  void editRevalidates() {
    String msg = assertThrows(ModelFormatException.class, () -> base().edit(o -> o.remove("plans_name"))).getMessage();
    assertEquals("plans.json (edited): plans_name: required key is missing", msg);
  }

  @Test
  void keepsUnknownKeysAndWarnsAboutThem() throws ModelFormatException {
    JsonObject o = TestResources.json("plans_base.json");
    o.addProperty("my_note", "kept");
    o.getAsJsonObject("configurations").getAsJsonObject("3d_fullres").addProperty("my_flag", true);
    Plans p = Plans.parse(o.toString(), "plans.json", warnings);
    assertEquals(List.of("plans.json: unknown key \"my_note\" ignored",
        "plans.json: configurations.3d_fullres.my_flag: unknown key ignored"), warnings.messages);
    assertEquals("kept", p.raw().get("my_note").getAsString());
    assertEquals(true, p.configuration("3d_fullres").resolved().get("my_flag").getAsBoolean());
  }

  @Test
  void acceptsTheOlderIntensityKeyAndALabelManager() throws ModelFormatException {
    JsonObject o = TestResources.json("plans_base.json");
    o.add("foreground_intensity_properties_by_modality", o.remove("foreground_intensity_properties_per_channel"));
    o.addProperty("label_manager", "MyLabelManager");
    Plans p = Plans.parse(o.toString(), "plans.json", warnings);
    assertEquals(-958.0, p.intensityProperties(0).orElseThrow().percentile005());
    assertEquals("MyLabelManager", p.labelManager());
  }

  @Test
  void acceptsTheNonFiniteNumbersPythonWrites() throws ModelFormatException {
    String text = TestResources.text("plans_base.json").replace("\"std\": 187.25", "\"std\": NaN")
        .replace("\"max\": 3071.0", "\"max\": Infinity");
    Plans p = Plans.parse(text, "plans.json", warnings);
    assertEquals(Double.NaN, p.intensityProperties(0).orElseThrow().std());
    assertEquals(Double.POSITIVE_INFINITY, p.intensityProperties(0).orElseThrow().max());
  }

  @Test
  void requiresTheGlobalKeys() {
    for (String key : List.of("dataset_name", "plans_name", "transpose_forward", "transpose_backward",
        "image_reader_writer", "configurations")) {
      JsonObject o = TestResources.json("plans_base.json");
      o.remove(key);
      assertEquals("plans.json: " + key + ": required key is missing", error(o));
    }
  }

  @Test
  void requiresTransposesToBeInversePermutations() {
    JsonObject o = TestResources.json("plans_base.json");
    o.add("transpose_forward", TestResources.parse("[2, 0, 0]"));
    assertEquals("plans.json: transpose_forward: expected a permutation of [0, 1, 2], got [2,0,0]", error(o));
    o.add("transpose_forward", TestResources.parse("[2, 0, 1]"));
    o.add("transpose_backward", TestResources.parse("[2, 0, 1]"));
    assertEquals("plans.json: transpose_backward: must be the inverse of transpose_forward [2, 0, 1], i.e. [1, 2, 0],"
        + " got [2, 0, 1]", error(o));
  }

  @Test
  void rejectsBadIntensityProperties() {
    JsonObject o = TestResources.json("plans_base.json");
    JsonObject props = o.getAsJsonObject("foreground_intensity_properties_per_channel");
    props.add("CT", props.get("0"));
    assertEquals("plans.json: foreground_intensity_properties_per_channel.CT: keys must be channel indices \"0\", \"1\","
        + " ..., got \"CT\"", error(o));
    props.remove("CT");
    props.getAsJsonObject("0").remove("std");
    assertEquals("plans.json: foreground_intensity_properties_per_channel.0.std: required key is missing", error(o));
  }

  @Test
  void requiresAtLeastOneConfiguration() {
    JsonObject o = TestResources.json("plans_base.json");
    o.add("configurations", new JsonObject());
    assertEquals("plans.json: configurations: needs at least one configuration, got {}", error(o));
  }

  @Test
  void anInvalidConfigurationIsReportedOnlyWhenAskedFor() throws ModelFormatException {
    JsonObject o = TestResources.json("plans_base.json");
    JsonObject configs = o.getAsJsonObject("configurations");
    JsonObject broken = configs.getAsJsonObject("3d_fullres").deepCopy();
    broken.remove("patch_size");
    configs.add("broken", broken);
    Plans p = Plans.parse(o.toString(), "plans.json", warnings);
    assertEquals(List.of("3d_fullres", "broken"), p.configurationNames());
    assertEquals(List.of("3d_fullres"), List.copyOf(p.configurations().keySet()));
    String why = "plans.json: configurations.broken.patch_size: required key is missing";
    assertEquals(why, assertThrows(ModelFormatException.class, () -> p.configuration("broken")).getMessage());
    assertEquals(List.of(), warnings.messages, "said once, when it is used, as nnU-Net does; not warned about too");
  }

  @Test
  void readingNamesTheFile() throws IOException {
    Path f = tmp.resolve("plans.json");
    Files.writeString(f, "{\"dataset_name\": 3}");
    assertEquals(f + ": dataset_name: expected a string, got 3",
        assertThrows(ModelFormatException.class, () -> Plans.read(f, warnings)).getMessage());
  }

  private Plans base() throws ModelFormatException {
    return Plans.parse(TestResources.text("plans_base.json"), "plans.json", warnings);
  }

  private String error(JsonObject o) {
    return assertThrows(ModelFormatException.class, () -> Plans.parse(o.toString(), "plans.json", warnings)).getMessage();
  }
}
