package org.mednext.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mednext.net.ArchitectureInference;
import org.mednext.net.Initialization;
import org.mednext.net.MedNeXtConfig;
import org.mednext.torch.TensorData;

class PretrainedWeightsTest {

  private static final MedNeXtConfig SOURCE = MedNeXtConfig.v1Small(1, 5, 3).withWidth(4).withGrn(true, false);

  private static Map<String, TensorData> sourceWeights(MedNeXtConfig c) {
    Map<String, long[]> shapes = ArchitectureInference.expectedShapes(c);
    Map<String, float[]> values = Initialization.pytorchDefault(c, 99);
    Map<String, TensorData> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, TensorData.ofFloats(shapes.get(k), v)));
    return out;
  }

  @Test
  void copiesEverythingButTheHeadsWhenTheLabelSetChanges() {
    MedNeXtConfig target = SOURCE.withClasses(3);
    Map<String, float[]> weights = Initialization.pytorchDefault(target, 1);
    float[] freshHead = weights.get("out_0.conv_out.weight").clone();
    Map<String, TensorData> source = sourceWeights(SOURCE);
    PretrainedWeights.Report r = PretrainedWeights.apply(weights, ArchitectureInference.expectedShapes(target), source);
    assertEquals(List.of("out_0.conv_out.weight", "out_0.conv_out.bias", "out_1.conv_out.weight", "out_1.conv_out.bias",
        "out_2.conv_out.weight", "out_2.conv_out.bias", "out_3.conv_out.weight", "out_3.conv_out.bias",
        "out_4.conv_out.weight", "out_4.conv_out.bias"), r.reinitialisedHeads());
    assertArrayEquals(source.get("bottleneck.1.conv2.weight").toFloatArray(), weights.get("bottleneck.1.conv2.weight"));
    assertArrayEquals(freshHead, weights.get("out_0.conv_out.weight"), "heads keep their fresh initialisation");
    assertEquals(ArchitectureInference.expectedShapes(target).size() - 10, r.copied());
  }

  @Test
  void refusesAnotherInputChannelCountListingTheKey() {
    MedNeXtConfig target = new MedNeXtConfig(2, 5, 4, SOURCE.expansion(), SOURCE.blockCounts(), 3, 3, true, false, true);
    Map<String, float[]> weights = Initialization.pytorchDefault(target, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PretrainedWeights.apply(weights, ArchitectureInference.expectedShapes(target), sourceWeights(SOURCE)));
    assertTrue(e.getMessage().contains("stem.weight is [4, 1, 1, 1, 1], the network needs [4, 2, 1, 1, 1]"), e.getMessage());
  }
}
