package org.mednext.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mednext.testutil.SharedData;

/** {@link ArchitectureHints}: the MedNeXt fixtures' plans fragments against their reference constructor kwargs. */
class ArchitectureHintsTest {

  private final TestResources.Warnings warnings = new TestResources.Warnings();

  @Test
  void matchesTheReferenceConstructorOfEveryMedNeXtFixture() throws IOException {
    for (String name : List.of("tiny_grn_ds", "tiny_k5_grnall_nods", "v2_base_c32_ds")) {
      Path file = SharedData.require("fixtures/mednext_v2/" + name + "/fixture.json");
      JsonObject fixture = TestResources.parse(Files.readString(file)).getAsJsonObject();
      JsonObject fragment = fixture.getAsJsonObject("plans_fragment");
      ArchitectureHints h = ArchitectureTest.parse(fragment.get("network_class_name").getAsString(),
          fragment.getAsJsonObject("arch_kwargs")).requireMedNeXt();
      JsonObject ctor = fixture.getAsJsonObject("reference_ctor_kwargs");
      assertEquals(ctor.get("n_channels").getAsInt(), h.nChannels(), name);
      JsonElement expR = ctor.get("exp_r");
      assertEquals(expR.isJsonArray() ? ints(expR) : Collections.nCopies(9, expR.getAsInt()), h.expR(), name);
      assertEquals(ctor.get("kernel_size").getAsInt(), h.encKernelSize(), name);
      assertEquals(ctor.get("kernel_size").getAsInt(), h.decKernelSize(), name);
      assertEquals(ints(ctor.get("block_counts")), h.blockCounts(), name);
      assertEquals(ctor.get("grn").getAsBoolean(), h.grn(), name);
      assertEquals(fixture.get("grn_in_down_0").getAsBoolean(), h.grnInDown0(), name);
      assertEquals(ctor.get("do_res").getAsBoolean(), h.doRes(), name);
      assertEquals(ctor.get("do_res_up_down").getAsBoolean(), h.doResUpDown(), name);
      assertEquals(ctor.get("norm_type").getAsString(), h.normType(), name);
      assertEquals(ctor.get("dim").getAsString(), h.dim(), name);
      assertEquals(5, h.strides().size(), name);
    }
  }

  @Test
  void readsTheCtModelsHints() throws IOException {
    ArchitectureHints h = Plans.read(SharedData.require(PlansTest.CT), warnings).configuration("3d_fullres")
        .architecture().requireMedNeXt();
    assertEquals(8, h.nChannels());
    assertEquals(List.of(2, 3, 4, 4, 4, 4, 4, 3, 2), h.expR());
    assertEquals(Collections.nCopies(9, 1), h.blockCounts());
    assertEquals(false, h.grnInDown0(), "absent in these plans: the reference code's default");
  }

  @Test
  void missingKeysTakeTheReferenceConstructorsDefaults() throws ModelFormatException {
    ArchitectureHints h = hints("{\"n_channels\": 16, \"block_counts\": [1,1,1,1,1,1,1,1,1]}");
    assertEquals(Collections.nCopies(9, 4), h.expR());
    assertEquals(7, h.encKernelSize(), "kernel_size defaults to 7 and overrides enc/dec");
    assertEquals(7, h.decKernelSize());
    assertEquals(List.of(false, false, false, false), List.of(h.grn(), h.grnInDown0(), h.doRes(), h.doResUpDown()));
    assertEquals("group", h.normType());
    assertEquals("3d", h.dim());
    assertEquals(List.of(), h.strides());
    assertEquals(Collections.nCopies(9, 2), hints("{\"n_channels\": 16}").blockCounts());
  }

  @Test
  void aNullKernelSizeLeavesEncoderAndDecoderKernels() throws ModelFormatException {
    ArchitectureHints h = hints("{\"n_channels\": 8, \"kernel_size\": null, \"enc_kernel_size\": 3, \"dec_kernel_size\": 5}");
    assertEquals(3, h.encKernelSize());
    assertEquals(5, h.decKernelSize());
    assertEquals(5, hints("{\"n_channels\": 8, \"kernel_size\": 5, \"enc_kernel_size\": 3}").encKernelSize());
  }

  @Test
  void rejectsBadValues() {
    assertEquals("plans.json: arch_kwargs.n_channels: required key is missing", error("{\"block_counts\": [1,1,1,1,1,1,1,1,1]}"));
    assertEquals("plans.json: arch_kwargs.exp_r: expected an integer or a list of 9 integers, got [2,3]",
        error("{\"n_channels\": 8, \"exp_r\": [2, 3]}"));
    assertEquals("plans.json: arch_kwargs.exp_r: expansion ratios must be >= 1, got 0", error("{\"n_channels\": 8, \"exp_r\": 0}"));
    assertEquals("plans.json: arch_kwargs.block_counts: expected a list of 9 integers, got [2,2,2,2,2]",
        error("{\"n_channels\": 8, \"block_counts\": [2,2,2,2,2]}"));
    assertEquals("plans.json: arch_kwargs.kernel_size: must be an odd integer >= 1, got 4",
        error("{\"n_channels\": 8, \"kernel_size\": 4}"));
    assertEquals("plans.json: arch_kwargs.enc_kernel_size: needs an odd integer when kernel_size is null (the reference"
        + " constructor would fail)", error("{\"n_channels\": 8, \"kernel_size\": null, \"dec_kernel_size\": 3}"));
    assertEquals("plans.json: arch_kwargs.norm_type: expected one of [group, layer], got \"batch\"",
        error("{\"n_channels\": 8, \"norm_type\": \"batch\"}"));
    assertEquals("plans.json: arch_kwargs.n_channels: must be >= 1, got 0", error("{\"n_channels\": 0}"));
    assertEquals("plans.json: arch_kwargs.grn: expected true or false, got \"yes\"", error("{\"n_channels\": 8, \"grn\": \"yes\"}"));
  }

  private static ArchitectureHints hints(String kwargs) throws ModelFormatException {
    return ArchitectureTest.parse("x.MedNeXt", TestResources.parse(kwargs).getAsJsonObject()).requireMedNeXt();
  }

  private static String error(String kwargs) {
    return assertThrows(ModelFormatException.class, () -> hints(kwargs)).getMessage();
  }

  private static List<Integer> ints(JsonElement a) {
    List<Integer> out = new ArrayList<>();
    for (JsonElement e : a.getAsJsonArray()) out.add(e.getAsInt());
    return out;
  }
}
