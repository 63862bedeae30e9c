package org.mednext.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link Inheritance}, through {@link Plans}: resolved configurations against Python's deep-copy-then-update
 * (tools/fixtures/make_model_json_fixtures.py), cycles and missing parents.
 */
class InheritanceTest {

  private final TestResources.Warnings warnings = new TestResources.Warnings();
  private final Plans plans = parse();

  private Plans parse() {
    try {
      return Plans.parse(TestResources.text("plans_inheritance.json"), "plans.json", warnings);
    } catch (ModelFormatException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void resolvesLikeNnUNetIncludingKeyOrder() throws ModelFormatException {
    JsonObject expected = TestResources.json("plans_inheritance_resolved.json");
    assertEquals(9, expected.size());
    for (Map.Entry<String, JsonElement> e : expected.entrySet()) {
      assertEquals(e.getValue().getAsString(), plans.configuration(e.getKey()).resolved().toString(), e.getKey());
    }
  }

  @Test
  void aChildOverridesOnlyItsOwnKeysThroughAChain() throws ModelFormatException {
    Configuration big = plans.configuration("3d_big_patch");
    assertEquals(4, big.batchSize(), "from 3d_fullres_bs4");
    assertEquals(List.of(64, 96, 96), big.patchSize(), "its own");
    assertEquals(List.of(4.0, 2.5, 3.5), big.spacing(), "from 3d_fullres");
    assertEquals("big", big.dataIdentifier());
    assertEquals(Optional.of("3d_fullres_bs4"), big.inheritsFrom());
  }

  @Test
  void aChildsArchitectureReplacesTheWholeBlock() throws ModelFormatException {
    Architecture a = plans.configuration("3d_plain").architecture();
    assertEquals("PlainConvUNet", a.simpleClassName());
    assertEquals(Optional.empty(), a.medNeXt());
    assertTrue(!a.archKwargs().has("n_channels"), "nothing of the parent's arch_kwargs is left");
    assertEquals(List.of(List.of(1, 1, 1), List.of(2, 2, 2), List.of(1, 2, 2)), a.strides());
  }

  @Test
  void aCycleMakesItsMembersUnusable() {
    assertEquals("plans.json: configurations.loop_c.inherits_from: circular inheritance: loop_a -> loop_b -> loop_c -> loop_a",
        assertThrows(ModelFormatException.class, () -> plans.configuration("loop_a")).getMessage());
    assertEquals("plans.json: configurations.loop_a.inherits_from: circular inheritance: loop_b -> loop_c -> loop_a -> loop_b",
        assertThrows(ModelFormatException.class, () -> plans.configuration("loop_b")).getMessage());
  }

  @Test
  void aMissingParentMakesTheChildUnusable() {
    assertEquals("plans.json: configurations.orphan.inherits_from: parent configuration \"3d_missing\" does not exist;"
        + " available: 2d, 3d_fullres, 3d_fullres_bs4, 3d_big_patch, 3d_plain, 3d_lowres, 3d_cascade_fullres, 3d_torchres,"
        + " 3d_noresampling, loop_a, loop_b, loop_c, orphan",
        assertThrows(ModelFormatException.class, () -> plans.configuration("orphan")).getMessage());
  }

  @Test
  void theOtherConfigurationsStayUsable() {
    assertEquals(List.of("2d", "3d_fullres", "3d_fullres_bs4", "3d_big_patch", "3d_plain", "3d_lowres",
        "3d_cascade_fullres", "3d_torchres", "3d_noresampling"), List.copyOf(plans.configurations().keySet()));
    assertEquals(List.of("loop_a", "loop_b", "loop_c", "orphan"), List.copyOf(plans.invalidConfigurations().keySet()));
    assertEquals(List.of(), warnings.messages, "an error is said when its configuration is used");
  }

  @Test
  void rejectsANonStringParent() throws ModelFormatException {
    JsonObject o = TestResources.json("plans_base.json");
    ConfigurationTest.config(o).addProperty("inherits_from", 3);
    Plans p = Plans.parse(o.toString(), "plans.json", warnings);
    assertEquals("plans.json: configurations.3d_fullres.inherits_from: expected the name of another configuration, got 3",
        assertThrows(ModelFormatException.class, () -> p.configuration("3d_fullres")).getMessage());
  }

  @Test
  void aConfigurationCannotInheritFromItself() throws ModelFormatException {
    JsonObject o = TestResources.json("plans_base.json");
    ConfigurationTest.config(o).addProperty("inherits_from", "3d_fullres");
    Plans p = Plans.parse(o.toString(), "plans.json", warnings);
    assertEquals("plans.json: configurations.3d_fullres.inherits_from: circular inheritance: 3d_fullres -> 3d_fullres",
        assertThrows(ModelFormatException.class, () -> p.configuration("3d_fullres")).getMessage());
  }
}
