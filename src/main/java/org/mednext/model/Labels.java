package org.mednext.model;

import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The label definition of a dataset.json, validated, with the views nnU-Net's {@code LabelManager} derives from
 * it (which labels exist, whether the model predicts regions, how many output channels it has, which
 * non-linearity turns logits into probabilities).
 *
 * <p>Immutable. Created by {@link DatasetJson}'s parser, which checks what nnU-Net checks (background = scalar 0,
 * values consecutive from 0, ignore label = highest label + 1, {@code regions_class_order} present and of the
 * right length for region-based models) plus that, without regions, no two names share a value.
 */
public final class Labels {

  /** How a model's logits become probabilities at inference. */
  public enum Nonlinearity {
    /** Softmax over the channel axis: one channel per label, background included. */
    SOFTMAX,
    /** Element-wise sigmoid: one channel per foreground region (region-based training). */
    SIGMOID
  }

  /** One entry of {@code labels}: its name and value(s); a region when it has more than one value. */
  public record Label(String name, List<Integer> values) {
    public Label {
      Objects.requireNonNull(name, "name == null");
      values = List.copyOf(values);
    }

    /** True for a region, i.e. a list of more than one label value (nnU-Net's definition). */
    public boolean isRegion() {
      return values.size() > 1;
    }
  }

  private static final String IGNORE = "ignore";
  private static final String BACKGROUND = "background";
  private static final int MAX_MISSING_LISTED = 10;

  private final List<Label> labels;
  private final OptionalInt ignoreLabel;
  private final List<Integer> regionsClassOrder;
  private final boolean hasRegions;
  private final List<Integer> allLabels;

  private Labels(List<Label> labels, OptionalInt ignoreLabel, List<Integer> regionsClassOrder) {
    this.labels = List.copyOf(labels);
    this.ignoreLabel = ignoreLabel;
    this.regionsClassOrder = List.copyOf(regionsClassOrder);
    this.hasRegions = labels.stream().anyMatch(Label::isRegion);
    TreeSet<Integer> all = new TreeSet<>();
    for (Label l : labels) all.addAll(l.values());
    this.allLabels = List.copyOf(all);
  }

  /** The entries of {@code labels} except {@code ignore}, in file order. */
  public List<Label> labels() {
    return labels;
  }

  /** The ignore label's value, if the dataset declares {@code "ignore"}. */
  public OptionalInt ignoreLabel() {
    return ignoreLabel;
  }

  public boolean hasIgnoreLabel() {
    return ignoreLabel.isPresent();
  }

  /** All label values (regions flattened, ignore excluded), sorted, without duplicates: 0..K. */
  public List<Integer> allLabels() {
    return allLabels;
  }

  /** {@link #allLabels()} without 0. */
  public List<Integer> foregroundLabels() {
    return allLabels.stream().filter(v -> v != 0).collect(Collectors.toUnmodifiableList());
  }

  /** True when some label is a list of more than one value: the model then predicts overlapping regions. */
  public boolean hasRegions() {
    return hasRegions;
  }

  /**
   * The regions in dataset.json key order, leaving out pure-background entries; each as its list of label
   * values (a scalar entry becomes a one-element list). Empty when the dataset has no regions.
   */
  public List<List<Integer>> foregroundRegions() {
    if (!hasRegions) return List.of();
    List<List<Integer>> out = new ArrayList<>();
    for (Label l : labels) if (!isPureBackground(l)) out.add(l.values());
    return Collections.unmodifiableList(out);
  }

  /** The label value written for each region, in {@link #foregroundRegions()} order; empty without regions. */
  public List<Integer> regionsClassOrder() {
    return hasRegions ? regionsClassOrder : List.of();
  }

  /** Network output channels: one per foreground region, or one per label (background included). */
  public int numSegmentationHeads() {
    return hasRegions ? foregroundRegions().size() : allLabels.size();
  }

  /** Sigmoid for region-based models, otherwise softmax (nnU-Net's default {@code inference_nonlin}). */
  public Nonlinearity inferenceNonlinearity() {
    return hasRegions ? Nonlinearity.SIGMOID : Nonlinearity.SOFTMAX;
  }

  /**
   * Names of the values that appear in a predicted segmentation, for display: value to name, sorted by value.
   * Without regions every label maps to its name; with regions 0 maps to the background entry's name and
   * {@code regions_class_order[i]} to the name of region i (a later region with the same value wins, as it
   * overwrites the earlier one when the segmentation is written).
   */
  public Map<Integer, String> outputLabelNames() {
    Map<Integer, String> out = new TreeMap<>();
    if (!hasRegions) {
      for (Label l : labels) out.putIfAbsent(l.values().get(0), l.name());
      return Collections.unmodifiableMap(out);
    }
    for (Label l : labels) if (isPureBackground(l)) out.putIfAbsent(0, l.name());
    List<Label> regions = labels.stream().filter(l -> !isPureBackground(l)).collect(Collectors.toList());
    for (int i = 0; i < regions.size(); i++) out.put(regionsClassOrder.get(i), regions.get(i).name());
    return Collections.unmodifiableMap(out);
  }

  /** The display name of a segmentation value, see {@link #outputLabelNames()}. */
  public Optional<String> labelName(int value) {
    return Optional.ofNullable(outputLabelNames().get(value));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Labels)) return false;
    Labels other = (Labels) o;
    return labels.equals(other.labels) && ignoreLabel.equals(other.ignoreLabel)
        && regionsClassOrder().equals(other.regionsClassOrder());
  }

  @Override
  public int hashCode() {
    return Objects.hash(labels, ignoreLabel, regionsClassOrder());
  }

  @Override
  public String toString() {
    return "Labels" + labels + (ignoreLabel.isPresent() ? " ignore=" + ignoreLabel.getAsInt() : "")
        + (hasRegions ? " regions_class_order=" + regionsClassOrder : "");
  }

  private static boolean isPureBackground(Label l) {
    return l.values().stream().allMatch(v -> v == 0);
  }

  // -- parsing --

  /** Parses and validates {@code labels} and {@code regions_class_order} of a dataset.json. */
  static Labels parse(JsonCursor labelsCursor, JsonCursor regionsCursor, Consumer<String> warnings)
      throws ModelFormatException {
    if (labelsCursor.isMissing() || !labelsCursor.element().isJsonObject()) {
      throw labelsCursor.failGot("expected an object (label name -> value)");
    }
    List<Label> labels = new ArrayList<>();
    OptionalInt ignore = OptionalInt.empty();
    JsonCursor ignoreCursor = null;
    for (Map.Entry<String, JsonCursor> e : labelsCursor.entries()) {
      JsonCursor c = e.getValue();
      if (e.getKey().equals(IGNORE)) {
        Integer v = JsonCursor.asInteger(c.element());
        if (v == null) throw c.failGot("the ignore label must be an integer (it cannot be a region)");
        ignore = OptionalInt.of(v);
        ignoreCursor = c;
        continue;
      }
      labels.add(new Label(e.getKey(), labelValues(c)));
    }
    checkBackground(labelsCursor);
    boolean hasRegions = labels.stream().anyMatch(Label::isRegion);
    if (!hasRegions) checkUniqueValues(labelsCursor, labels);
    TreeSet<Integer> all = new TreeSet<>();
    for (Label l : labels) all.addAll(l.values());
    if (all.size() != all.last() + 1L) {
      throw labelsCursor.fail("label values must be consecutive integers 0.." + all.last() + "; missing: " + missing(all));
    }
    if (ignore.isPresent() && ignore.getAsInt() != all.last() + 1) {
      throw ignoreCursor.failGot("the ignore label must be the highest label value + 1 = " + (all.last() + 1));
    }
    List<Integer> order = List.of();
    if (hasRegions) {
      if (regionsCursor.isAbsent()) {
        throw regionsCursor.failAlways("required because labels define regions (lists of more than one value)");
      }
      order = regionsCursor.intList();
      List<String> regionNames =
          labels.stream().filter(l -> !isPureBackground(l)).map(Label::name).collect(Collectors.toList());
      if (order.size() != regionNames.size()) {
        throw regionsCursor.fail("has " + order.size() + " entries but labels define " + regionNames.size()
            + " regions (" + String.join(", ", regionNames) + ")");
      }
      for (int i = 0; i < order.size(); i++) {
        if (order.get(i) < 0) throw regionsCursor.list().get(i).fail("must be >= 0, got " + order.get(i));
      }
    } else if (!regionsCursor.isAbsent()) {
      warnings.accept(regionsCursor.source() + ": " + regionsCursor.path() + ": ignored because no label is a region");
    }
    return new Labels(labels, ignore, order);
  }

  private static List<Integer> labelValues(JsonCursor c) throws ModelFormatException {
    JsonElement e = c.element();
    List<Integer> values = new ArrayList<>();
    Integer scalar = JsonCursor.asInteger(e);
    if (scalar != null) {
      values.add(scalar);
    } else if (e.isJsonArray() && e.getAsJsonArray().size() > 0) {
      for (JsonElement x : e.getAsJsonArray()) {
        Integer v = JsonCursor.asInteger(x);
        if (v == null) throw c.fail("expected an integer or a list of integers, got " + JsonCursor.describe(e));
        values.add(v);
      }
    } else {
      throw c.fail("expected an integer or a list of integers, got " + JsonCursor.describe(e));
    }
    for (int v : values) if (v < 0) throw c.fail("label values must be >= 0, got " + JsonCursor.describe(e));
    return values;
  }

  private static void checkBackground(JsonCursor labelsCursor) throws ModelFormatException {
    JsonCursor bg = labelsCursor.field(BACKGROUND);
    if (bg.isMissing()) {
      throw labelsCursor.fail("\"background\" is missing; nnU-Net needs \"background\": 0");
    }
    Integer v = JsonCursor.asInteger(bg.element());
    if (v == null || v != 0) throw bg.failGot("must be the integer 0");
  }

  private static void checkUniqueValues(JsonCursor labelsCursor, List<Label> labels) throws ModelFormatException {
    Map<Integer, String> seen = new LinkedHashMap<>();
    for (Label l : labels) {
      String before = seen.putIfAbsent(l.values().get(0), l.name());
      if (before != null) {
        throw labelsCursor.field(l.name()).fail("value " + l.values().get(0) + " is already used by \"" + before + "\"");
      }
    }
  }

  /** The first few values missing from 0..max(values), walking the gaps (values may be huge). */
  private static String missing(TreeSet<Integer> values) {
    List<String> out = new ArrayList<>();
    long expected = 0;
    for (int v : values) {
      for (long m = expected; m < v && out.size() < MAX_MISSING_LISTED; m++) out.add(Long.toString(m));
      expected = v + 1L;
    }
    long total = values.last() + 1L - values.size();
    return String.join(", ", out) + (total > out.size() ? ", ..." : "");
  }
}
