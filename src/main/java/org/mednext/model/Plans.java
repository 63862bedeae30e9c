package org.mednext.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A model folder's {@code plans.json}, parsed and validated once, with the raw JSON kept so that it can be
 * written back unchanged (key order and unknown keys preserved) or with edits.
 *
 * <p>Every configuration is resolved (inheritance) and parsed up front. One that fails does not make the whole
 * file unusable, as in nnU-Net, which only resolves the configuration it is asked for: its error is thrown by
 * {@link #configuration(String)} (not warned about at parsing as well, which said it twice for the one in use).
 *
 * <p>Construct with {@link #read} or {@link #parse}; the canonical constructor does not cross-check its
 * arguments against {@code raw}.
 *
 * @param datasetName e.g. {@code Dataset981_MedNeXtV2RefCT}
 * @param plansName e.g. {@code nnUNetPlans}
 * @param transposeForward axis permutation applied to data and spacing (array order) before preprocessing
 * @param transposeBackward its inverse
 * @param imageReaderWriter reader/writer class name, e.g. {@code SimpleITKIO}
 * @param labelManager label manager class name ({@code LabelManager} when absent)
 * @param foregroundIntensityProperties per input channel index; from the string keys "0", "1", ... of
 *     {@code foreground_intensity_properties_per_channel} (or the older {@code _by_modality})
 * @param configurations the usable configurations by name, in file order
 * @param invalidConfigurations configurations that failed to resolve or parse: name to error message
 * @param raw the file's JSON (a copy is returned)
 */
public record Plans(String datasetName, String plansName, List<Integer> transposeForward,
    List<Integer> transposeBackward, String imageReaderWriter, String labelManager,
    Map<Integer, IntensityProperties> foregroundIntensityProperties, Map<String, Configuration> configurations,
    Map<String, String> invalidConfigurations, JsonObject raw) {

  private static final Set<String> KNOWN_KEYS = Set.of(
      "dataset_name", "plans_name", "original_median_spacing_after_transp", "original_median_shape_after_transp",
      "image_reader_writer", "transpose_forward", "transpose_backward", "configurations", "experiment_planner_used",
      "label_manager", "foreground_intensity_properties_per_channel", "foreground_intensity_properties_by_modality",
      "pretrain_info");

  public Plans {
    Objects.requireNonNull(datasetName, "datasetName == null");
    Objects.requireNonNull(plansName, "plansName == null");
    transposeForward = List.copyOf(transposeForward);
    transposeBackward = List.copyOf(transposeBackward);
    Objects.requireNonNull(imageReaderWriter, "imageReaderWriter == null");
    Objects.requireNonNull(labelManager, "labelManager == null");
    foregroundIntensityProperties = Collections.unmodifiableMap(new TreeMap<>(foregroundIntensityProperties));
    configurations = Collections.unmodifiableMap(new LinkedHashMap<>(configurations));
    invalidConfigurations = Collections.unmodifiableMap(new LinkedHashMap<>(invalidConfigurations));
    raw = raw.deepCopy();
  }

  /** A copy of the file's JSON. */
  @Override
  public JsonObject raw() {
    return raw.deepCopy();
  }

  /**
   * Plans are equal when their JSON is: everything else derives from it (the error messages of invalid
   * configurations name the file they were read from, which must not matter).
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof Plans && raw.equals(((Plans) o).raw);
  }

  @Override
  public int hashCode() {
    return raw.hashCode();
  }

  @Override
  public String toString() {
    return "Plans[" + datasetName + ", " + plansName + ", configurations=" + configurationNames() + "]";
  }

  /** All configuration names in file order, usable or not. */
  public List<String> configurationNames() {
    return List.copyOf(raw.getAsJsonObject("configurations").keySet());
  }

  /**
   * The resolved configuration {@code name}.
   *
   * @throws ModelFormatException when it does not exist (listing those that do) or is invalid (with the reason)
   */
  public Configuration configuration(String name) throws ModelFormatException {
    Configuration c = configurations.get(name);
    if (c != null) return c;
    String reason = invalidConfigurations.get(name);
    if (reason != null) throw new ModelFormatException(reason);
    throw notFound(name);
  }

  private ModelFormatException notFound(String name) {
    return new ModelFormatException("configuration \"" + name + "\" not found in plans.json (plans " + plansName
        + "); available: " + String.join(", ", configurationNames()));
  }

  /** The foreground intensity statistics of input channel {@code channel}, if the plans have them. */
  public Optional<IntensityProperties> intensityProperties(int channel) {
    return Optional.ofNullable(foregroundIntensityProperties.get(channel));
  }

  /** The JSON text as nnU-Net writes plans ({@code json.dump(plans, f, indent=4, sort_keys=False)}). */
  public String toJson() {
    return JsonFiles.format(raw);
  }

  /** Writes {@link #toJson()} to {@code file} atomically (temporary file, then rename). */
  public void write(Path file) throws IOException {
    JsonFiles.writeAtomically(file, toJson());
  }

  /**
   * Plans with edits applied to a copy of the raw JSON, parsed and validated again (warnings are logged).
   *
   * @param editor changes the copy in place
   */
  public Plans edit(Consumer<JsonObject> editor) throws ModelFormatException {
    JsonObject copy = raw.deepCopy();
    editor.accept(copy);
    return parse(copy, "plans.json (edited)", JsonFiles::logWarning);
  }

  /**
   * Plans with {@code key} of configuration {@code configuration}'s own entry (before inheritance) set to
   * {@code value}, e.g. a new batch size.
   */
  public Plans withConfigurationValue(String configuration, String key, JsonElement value) throws ModelFormatException {
    if (!configurationNames().contains(configuration)) throw notFound(configuration);
    return edit(root -> root.getAsJsonObject("configurations").getAsJsonObject(configuration).add(key, value.deepCopy()));
  }

  /** Reads {@code file}; warnings go to java.util.logging. */
  public static Plans read(Path file) throws IOException {
    return read(file, JsonFiles::logWarning);
  }

  /** Reads {@code file}, sending warnings (unknown keys) to {@code warnings}. */
  public static Plans read(Path file, Consumer<String> warnings) throws IOException {
    return parse(JsonFiles.readObject(file), file.toString(), warnings);
  }

  /** Parses JSON text; {@code source} names it in messages (e.g. "plans.json"). */
  public static Plans parse(String json, String source, Consumer<String> warnings) throws ModelFormatException {
    return parse(JsonFiles.parseObject(json, source), source, warnings);
  }

  static Plans parse(JsonObject root, String source, Consumer<String> warnings) throws ModelFormatException {
    JsonCursor c = JsonCursor.root(source, root);
    for (String key : root.keySet()) {
      if (!KNOWN_KEYS.contains(key)) warnings.accept(source + ": unknown key \"" + key + "\" ignored");
    }
    String datasetName = c.field("dataset_name").string();
    String plansName = c.field("plans_name").string();
    List<Integer> forward = permutation(c.field("transpose_forward"));
    JsonCursor bc = c.field("transpose_backward");
    List<Integer> backward = permutation(bc);
    for (int i = 0; i < forward.size(); i++) {
      if (backward.get(forward.get(i)) != i) {
        List<Integer> inverse = new ArrayList<>(Collections.nCopies(forward.size(), 0));
        for (int j = 0; j < forward.size(); j++) inverse.set(forward.get(j), j);
        throw bc.fail("must be the inverse of transpose_forward " + forward + ", i.e. " + inverse + ", got " + backward);
      }
    }
    String io = c.field("image_reader_writer").string();
    String labelManager = c.field("label_manager").optString().orElse("LabelManager");
    Map<Integer, IntensityProperties> intensity = intensity(c);
    JsonCursor configsCursor = c.field("configurations");
    JsonObject configs = configsCursor.object();
    if (configs.size() == 0) throw configsCursor.fail("needs at least one configuration, got {}");
    Map<String, Configuration> ok = new LinkedHashMap<>();
    Map<String, String> bad = new LinkedHashMap<>();
    for (Map.Entry<String, JsonCursor> e : configsCursor.entries()) {
      String name = e.getKey();
      try {
        JsonObject own = e.getValue().object();
        for (String key : own.keySet()) {
          if (!Configuration.KNOWN_KEYS.contains(key)) {
            warnings.accept(source + ": " + e.getValue().path() + "." + key + ": unknown key ignored");
          }
        }
        JsonObject resolved = Inheritance.resolve(configsCursor, name);
        ok.put(name, Configuration.parse(name, JsonCursor.at(source, e.getValue().path(), resolved), intensity, warnings));
      } catch (ModelFormatException ex) {
        bad.put(name, ex.getMessage()); // not warned about: configuration(name) says it when that one is used, once
      }
    }
    return new Plans(datasetName, plansName, forward, backward, io, labelManager, intensity, ok, bad, root);
  }

  private static List<Integer> permutation(JsonCursor c) throws ModelFormatException {
    List<Integer> p = c.intList();
    boolean ok = p.size() == 3 && p.containsAll(List.of(0, 1, 2));
    if (!ok) throw c.failGot("expected a permutation of [0, 1, 2]");
    return p;
  }

  private static Map<Integer, IntensityProperties> intensity(JsonCursor root) throws ModelFormatException {
    JsonCursor c = root.field("foreground_intensity_properties_per_channel");
    if (c.isAbsent()) c = root.field("foreground_intensity_properties_by_modality");
    if (c.isAbsent()) return Map.of();
    Map<Integer, IntensityProperties> out = new TreeMap<>();
    for (Map.Entry<String, JsonCursor> e : c.entries()) {
      String key = e.getKey();
      boolean index = !key.isEmpty() && key.length() <= 4 && key.chars().allMatch(ch -> ch >= '0' && ch <= '9')
          && (key.length() == 1 || key.charAt(0) != '0');
      if (!index) throw e.getValue().failAlways("keys must be channel indices \"0\", \"1\", ..., got \"" + key + "\"");
      out.put(Integer.parseInt(key), IntensityProperties.parse(e.getValue()));
    }
    return out;
  }
}
