package org.mednext.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** {@link Labels}: nnU-Net's LabelManager semantics and the label checks of dataset.json. */
class LabelsTest {

  private final TestResources.Warnings warnings = new TestResources.Warnings();

  @Test
  void plainLabelsUseSoftmaxWithOneHeadPerLabel() throws ModelFormatException {
    Labels l = parse(TestResources.json("dataset_base.json"));
    assertEquals(List.of(0, 1, 2, 3), l.allLabels());
    assertEquals(List.of(1, 2, 3), l.foregroundLabels());
    assertFalse(l.hasRegions());
    assertEquals(List.of(), l.foregroundRegions());
    assertEquals(List.of(), l.regionsClassOrder());
    assertEquals(4, l.numSegmentationHeads());
    assertEquals(Labels.Nonlinearity.SOFTMAX, l.inferenceNonlinearity());
    assertEquals(Map.of(0, "background", 1, "region_a", 2, "region_b", 3, "region_c"), l.outputLabelNames());
    assertEquals(Optional.of("region_b"), l.labelName(2));
    assertEquals(Optional.empty(), l.labelName(4));
    assertFalse(l.hasIgnoreLabel());
  }

  @Test
  void regionsUseSigmoidWithOneHeadPerRegionInKeyOrder() throws ModelFormatException {
    Labels l = parse(TestResources.json("dataset_regions.json"));
    assertTrue(l.hasRegions());
    assertEquals(List.of(0, 1, 2, 3), l.allLabels());
    assertEquals(List.of(List.of(1, 2, 3), List.of(2, 3), List.of(3)), l.foregroundRegions());
    assertEquals(List.of(1, 2, 3), l.regionsClassOrder());
    assertEquals(3, l.numSegmentationHeads());
    assertEquals(Labels.Nonlinearity.SIGMOID, l.inferenceNonlinearity());
    assertEquals(Map.of(0, "background", 1, "whole_tumor", 2, "tumor_core", 3, "enhancing_tumor"), l.outputLabelNames());
    assertTrue(l.labels().get(1).isRegion());
    assertFalse(l.labels().get(3).isRegion());
  }

  @Test
  void ignoreLabelIsKeptOutOfAllLabelsAndHeads() throws ModelFormatException {
    Labels l = parse(TestResources.json("dataset_ignore.json"));
    assertEquals(OptionalInt.of(3), l.ignoreLabel());
    assertEquals(List.of(0, 1, 2), l.allLabels());
    assertEquals(3, l.numSegmentationHeads());
    assertEquals(List.of("background", "peripheral_zone", "transition_zone"),
        l.labels().stream().map(Labels.Label::name).collect(java.util.stream.Collectors.toList()));
    assertFalse(l.outputLabelNames().containsKey(3));
  }

  @Test
  void aOneElementListIsALabelNotARegion() throws ModelFormatException {
    Labels l = parse(TestResources.json("dataset_legacy_modality.json"));
    assertFalse(l.hasRegions());
    assertEquals(Map.of(0, "background", 1, "left", 2, "right"), l.outputLabelNames());
  }

  @Test
  void regionsClassOrderWithoutRegionsIsIgnoredWithAWarning() throws ModelFormatException {
    JsonObject d = TestResources.json("dataset_base.json");
    d.add("regions_class_order", TestResources.parse("[1, 2, 3]"));
    assertEquals(List.of(), parse(d).regionsClassOrder());
    assertEquals(List.of("dataset.json: regions_class_order: ignored because no label is a region"), warnings.messages);
  }

  @Test
  void rejectsANonIntegerValue() {
    assertEquals("dataset.json: labels.liver: expected an integer or a list of integers, got \"x\"",
        labelsError("{\"background\": 0, \"liver\": \"x\"}"));
    assertEquals("dataset.json: labels.liver: expected an integer or a list of integers, got [1,\"a\"]",
        labelsError("{\"background\": 0, \"liver\": [1, \"a\"]}"));
    assertEquals("dataset.json: labels.liver: expected an integer or a list of integers, got []",
        labelsError("{\"background\": 0, \"liver\": []}"));
    assertEquals("dataset.json: labels.liver: expected an integer or a list of integers, got 1.5",
        labelsError("{\"background\": 0, \"liver\": 1.5}"));
  }

  @Test
  void rejectsNegativeValues() {
    assertEquals("dataset.json: labels.liver: label values must be >= 0, got -1",
        labelsError("{\"background\": 0, \"liver\": -1}"));
  }

  @Test
  void requiresBackgroundAsTheScalarZero() {
    assertEquals("dataset.json: labels: \"background\" is missing; nnU-Net needs \"background\": 0",
        labelsError("{\"liver\": 1}"));
    assertEquals("dataset.json: labels.background: must be the integer 0, got [0]",
        labelsError("{\"background\": [0], \"liver\": 1}"));
    assertEquals("dataset.json: labels.background: must be the integer 0, got 1",
        labelsError("{\"background\": 1, \"liver\": 0}"));
  }

  @Test
  void requiresConsecutiveValues() {
    assertEquals("dataset.json: labels: label values must be consecutive integers 0..5; missing: 2, 3, 4",
        labelsError("{\"background\": 0, \"a\": 1, \"b\": 5}"));
    assertEquals("dataset.json: labels: label values must be consecutive integers 0..2000000000; missing: 1, 2, 3, 4, 5,"
        + " 6, 7, 8, 9, 10, ...", labelsError("{\"background\": 0, \"a\": 2000000000}"));
  }

  @Test
  void rejectsTwoNamesForOneValueWithoutRegions() {
    assertEquals("dataset.json: labels.kidney: value 1 is already used by \"liver\"",
        labelsError("{\"background\": 0, \"liver\": 1, \"kidney\": [1]}"));
  }

  @Test
  void requiresTheIgnoreLabelToBeTheHighestPlusOne() {
    assertEquals("dataset.json: labels.ignore: the ignore label must be the highest label value + 1 = 2, got 5",
        labelsError("{\"background\": 0, \"a\": 1, \"ignore\": 5}"));
    assertEquals("dataset.json: labels.ignore: the ignore label must be an integer (it cannot be a region), got [2,3]",
        labelsError("{\"background\": 0, \"a\": 1, \"ignore\": [2, 3]}"));
  }

  @Test
  void requiresRegionsClassOrderOfTheRightLengthForRegions() {
    JsonObject d = TestResources.json("dataset_regions.json");
    d.remove("regions_class_order");
    assertEquals("dataset.json: regions_class_order: required because labels define regions (lists of more than one value)",
        error(d));
    d.add("regions_class_order", TestResources.parse("[1, 2]"));
    assertEquals("dataset.json: regions_class_order: has 2 entries but labels define 3 regions"
        + " (whole_tumor, tumor_core, enhancing_tumor)", error(d));
    d.add("regions_class_order", TestResources.parse("[1, \"b\", 3]"));
    assertEquals("dataset.json: regions_class_order[1]: expected an integer, got \"b\"", error(d));
    d.add("regions_class_order", TestResources.parse("[1, -2, 3]"));
    assertEquals("dataset.json: regions_class_order[1]: must be >= 0, got -2", error(d));
  }

  @Test
  void requiresLabelsToBeAnObject() {
    JsonObject d = TestResources.json("dataset_base.json");
    d.remove("labels");
    assertEquals("dataset.json: labels: required key is missing", error(d));
    d.add("labels", TestResources.parse("[0, 1]"));
    assertEquals("dataset.json: labels: expected an object (label name -> value), got [0,1]", error(d));
  }

  private Labels parse(JsonObject datasetJson) throws ModelFormatException {
    return DatasetJson.parse(datasetJson.toString(), "dataset.json", warnings).labels();
  }

  private String labelsError(String labels) {
    JsonObject d = TestResources.json("dataset_base.json");
    d.add("labels", TestResources.parse(labels));
    return error(d);
  }

  private String error(JsonObject datasetJson) {
    return assertThrows(ModelFormatException.class, () -> parse(datasetJson)).getMessage();
  }
}
