package org.mednext.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Architecture}: class names, strides, MedNeXt detection and the error paths. */
class ArchitectureTest {

  private final TestResources.Warnings warnings = new TestResources.Warnings();

  @Test
  void aPlainConvUNetIsNamedButNotSupported() throws ModelFormatException {
    Plans p = Plans.parse(TestResources.text("plans_inheritance.json"), "plans.json", warnings);
    Architecture a = p.configuration("2d").architecture();
    assertEquals("dynamic_network_architectures.architectures.unet.PlainConvUNet", a.networkClassName());
    assertEquals("PlainConvUNet", a.simpleClassName());
    assertEquals(Optional.empty(), a.medNeXt());
    assertEquals(List.of("conv_op", "norm_op", "dropout_op", "nonlin"), a.kwRequiresImport());
    assertEquals(List.of(List.of(1, 1), List.of(2, 2), List.of(2, 2)), a.strides());
    assertEquals(3, a.archKwargs().get("n_stages").getAsInt());
    assertEquals("the model's network is PlainConvUNet (dynamic_network_architectures.architectures.unet.PlainConvUNet),"
        + " which is not supported; only MedNeXt networks are (arch_kwargs with n_channels, exp_r, block_counts, ...)",
        assertThrows(ModelFormatException.class, a::requireMedNeXt).getMessage());
  }

  @Test
  void detectsMedNeXtByKwargsOrByClassName() throws ModelFormatException {
    JsonObject kw = TestResources.parse("{\"n_channels\": 4, \"block_counts\": [1,1,1,1,1,1,1,1,1]}").getAsJsonObject();
    assertTrue(parse("some.other.Net", kw).medNeXt().isPresent());
    assertTrue(parse("my.pkg.MedNeXtV2", TestResources.parse("{\"n_channels\": 4}").getAsJsonObject()).medNeXt().isPresent());
    assertEquals(Optional.empty(), parse("some.other.Net", TestResources.parse("{\"n_channels\": 4}").getAsJsonObject()).medNeXt());
  }

  @Test
  void kwRequiresImportIsOptional() throws ModelFormatException {
    JsonObject o = TestResources.json("plans_base.json");
    ConfigurationTest.config(o).getAsJsonObject("architecture").remove("_kw_requires_import");
    assertEquals(List.of(), Plans.parse(o.toString(), "plans.json", warnings).configuration("3d_fullres")
        .architecture().kwRequiresImport());
  }

  @Test
  void rejectsStridesThatDoNotMatchThePatch() {
    assertEquals("plans.json: configurations.3d_fullres.architecture.arch_kwargs.strides[1]: expected 3 strides (one per"
        + " axis of patch_size), got [2,2]", errorWithStrides("[[1,1,1],[2,2]]"));
    assertEquals("plans.json: configurations.3d_fullres.architecture.arch_kwargs.strides[0]: strides must be >= 1, got 0",
        errorWithStrides("[0]"));
    assertEquals("plans.json: configurations.3d_fullres.architecture.arch_kwargs.strides[0]: expected an integer or a list"
        + " of 3 integers, got \"2\"", errorWithStrides("[\"2\"]"));
  }

  @Test
  void requiresClassNameAndKwargs() {
    JsonObject o = TestResources.json("plans_base.json");
    ConfigurationTest.config(o).getAsJsonObject("architecture").remove("network_class_name");
    assertEquals("plans.json: configurations.3d_fullres.architecture.network_class_name: required key is missing", error(o));
    o = TestResources.json("plans_base.json");
    ConfigurationTest.config(o).getAsJsonObject("architecture").add("arch_kwargs", TestResources.parse("[]"));
    assertEquals("plans.json: configurations.3d_fullres.architecture.arch_kwargs: expected an object, got []", error(o));
  }

  static Architecture parse(String className, JsonObject kwargs) throws ModelFormatException {
    JsonObject block = new JsonObject();
    block.addProperty("network_class_name", className);
    block.add("arch_kwargs", kwargs);
    return Architecture.parse(JsonCursor.root("plans.json", block), 3);
  }

  private String errorWithStrides(String strides) {
    JsonObject o = TestResources.json("plans_base.json");
    ConfigurationTest.config(o).getAsJsonObject("architecture").getAsJsonObject("arch_kwargs")
        .add("strides", TestResources.parse(strides));
    return error(o);
  }

  private String error(JsonObject o) {
    return assertThrows(ModelFormatException.class,
        () -> Plans.parse(o.toString(), "plans.json", warnings).configuration("3d_fullres")).getMessage();
  }
}
