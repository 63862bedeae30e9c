package org.mednext.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mednext.testutil.Fixtures;
import org.mednext.testutil.SplitMixWeights;

class ArchitectureInferenceTest {

  @ParameterizedTest
  @ValueSource(strings = {"tiny_grn_ds", "tiny_k5_grnall_nods", "v2_base_c32_ds"})
  void infersTheReferenceConfigurationOfEachFixture(String fixture) throws IOException {
    Map<String, long[]> shapes = SplitMixWeights.shapes(Fixtures.mednext(fixture).resolve("weights_recipe.json"));
    assertEquals(MedNeXtParityTest.configOf(fixture), ArchitectureInference.infer(shapes));
  }

  @Test
  void expectedShapesListKeysInStateDictOrder() throws IOException {
    Map<String, long[]> shapes = SplitMixWeights.shapes(Fixtures.mednext("tiny_grn_ds").resolve("weights_recipe.json"));
    Map<String, long[]> expected = ArchitectureInference.expectedShapes(MedNeXtParityTest.configOf("tiny_grn_ds"));
    assertEquals(new ArrayList<>(shapes.keySet()), new ArrayList<>(expected.keySet()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "wide", "v1-s", "v1-b", "v1-m", "v1-l"})
  void roundTripsEveryPreset(String preset) {
    MedNeXtConfig config = MedNeXtConfig.preset(preset, 2, 5);
    assertEquals(config, ArchitectureInference.infer(ArchitectureInference.expectedShapes(config)));
  }

  @Test
  void acceptsAStateDictWithoutDummyTensor() {
    Map<String, long[]> shapes = new LinkedHashMap<>(ArchitectureInference.expectedShapes(MedNeXtConfig.v2Base(1, 4)));
    shapes.remove("dummy_tensor");
    assertEquals(MedNeXtConfig.v2Base(1, 4), ArchitectureInference.infer(shapes));
  }

  @Test
  void namesPlainConvUNetAsUnsupported() {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    shapes.put("encoder.stages.0.0.convs.0.conv.weight", new long[] {32, 1, 3, 3, 3});
    shapes.put("decoder.seg_layers.0.weight", new long[] {3, 32, 1, 1, 1});
    UnsupportedNetworkException e = assertThrows(UnsupportedNetworkException.class, () -> ArchitectureInference.infer(shapes));
    assertEquals("this checkpoint holds an nnU-Net PlainConvUNet (keys encoder.stages.*, decoder.seg_layers.*), "
        + "not a MedNeXt: only MedNeXt v1/v2 networks are supported", e.getMessage());
  }

  @Test
  void rejectsGrnInSomeBlocksOnly() {
    Map<String, long[]> shapes = new LinkedHashMap<>(ArchitectureInference.expectedShapes(MedNeXtConfig.v2Base(1, 3)));
    shapes.remove("up_2.grn_beta");
    shapes.remove("up_2.grn_gamma");
    UnsupportedNetworkException e = assertThrows(UnsupportedNetworkException.class, () -> ArchitectureInference.infer(shapes));
    assertTrue(e.getMessage().contains("missing [up_2.grn_beta, up_2.grn_gamma]"), e.getMessage());
  }

  @Test
  void reportsAShapeMismatchByKey() {
    Map<String, long[]> shapes = new LinkedHashMap<>(ArchitectureInference.expectedShapes(MedNeXtConfig.v1Small(1, 3, 3)));
    shapes.put("down_2.res_conv.weight", new long[] {256, 64, 1, 1, 1});
    UnsupportedNetworkException e = assertThrows(UnsupportedNetworkException.class, () -> ArchitectureInference.infer(shapes));
    assertTrue(e.getMessage().contains("down_2.res_conv.weight has shape [256, 64, 1, 1, 1], expected [256, 128, 1, 1, 1]"),
        e.getMessage());
  }
}
