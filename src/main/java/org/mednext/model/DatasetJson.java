package org.mednext.model;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import org.mednext.util.Checks;

/**
 * A model folder's {@code dataset.json}, parsed and validated once.
 *
 * @param channelNames input channel names by channel index ({@code channel_names}, or legacy {@code modality});
 *     index i is the file suffix {@code _000i}, and the name chose the normalization at planning time
 * @param labels the label definition and its derived views
 * @param fileEnding e.g. {@code .nii.gz}: input files are {@code CASE_XXXX<fileEnding>}, outputs
 *     {@code CASE<fileEnding>}
 * @param numTraining {@code numTraining}, if given
 * @param overwriteImageReaderWriter {@code overwrite_image_reader_writer}, if given (e.g. {@code NibabelIO})
 */
public record DatasetJson(List<String> channelNames, Labels labels, String fileEnding, OptionalInt numTraining,
    Optional<String> overwriteImageReaderWriter) {

  /** Keys nnU-Net reads, plus informational ones seen in public datasets; any other key is warned about. */
  private static final Set<String> KNOWN_KEYS = Set.of(
      "channel_names", "modality", "labels", "regions_class_order", "file_ending", "numTraining",
      "overwrite_image_reader_writer", "dataset",
      "name", "description", "reference", "licence", "license", "release", "tensorImageSize", "numTest",
      "training", "test", "converted_by", "author", "citation");

  public DatasetJson {
    channelNames = List.copyOf(channelNames);
    Checks.argument(!channelNames.isEmpty(), "a dataset needs at least one input channel");
    Objects.requireNonNull(labels, "labels == null");
    Objects.requireNonNull(fileEnding, "fileEnding == null");
    Objects.requireNonNull(numTraining, "numTraining == null");
    Objects.requireNonNull(overwriteImageReaderWriter, "overwriteImageReaderWriter == null");
  }

  /** Number of input channels. */
  public int numChannels() {
    return channelNames.size();
  }

  /** Reads {@code file}; warnings (unknown keys, ignored entries) go to java.util.logging. */
  public static DatasetJson read(Path file) throws IOException {
    return read(file, JsonFiles::logWarning);
  }

  /** Reads {@code file}, sending warnings to {@code warnings}. */
  public static DatasetJson read(Path file, Consumer<String> warnings) throws IOException {
    return parse(JsonFiles.readObject(file), file.toString(), warnings);
  }

  /** Parses JSON text; {@code source} names it in messages (e.g. "dataset.json"). */
  public static DatasetJson parse(String json, String source, Consumer<String> warnings) throws ModelFormatException {
    return parse(JsonFiles.parseObject(json, source), source, warnings);
  }

  static DatasetJson parse(JsonObject root, String source, Consumer<String> warnings) throws ModelFormatException {
    JsonCursor c = JsonCursor.root(source, root);
    for (String key : root.keySet()) {
      if (!KNOWN_KEYS.contains(key)) warnings.accept(source + ": unknown key \"" + key + "\" ignored");
    }
    List<String> channels = channelNames(c);
    Labels labels = Labels.parse(c.field("labels"), c.field("regions_class_order"), warnings);
    JsonCursor endingCursor = c.field("file_ending");
    String ending = endingCursor.string();
    if (!ending.startsWith(".") || ending.length() < 2) {
      throw endingCursor.fail("expected a file ending starting with '.', like \".nii.gz\", got \"" + ending + "\"");
    }
    JsonCursor n = c.field("numTraining");
    OptionalInt numTraining = n.isAbsent() ? OptionalInt.empty() : OptionalInt.of(n.integer(0));
    Optional<String> io = c.field("overwrite_image_reader_writer").optString();
    return new DatasetJson(channels, labels, ending, numTraining, io);
  }

  private static List<String> channelNames(JsonCursor root) throws ModelFormatException {
    JsonCursor c = root.field("channel_names");
    if (c.isAbsent()) {
      JsonCursor legacy = root.field("modality");
      if (legacy.isAbsent()) throw c.failAlways("required key is missing (nor is there the older \"modality\")");
      c = legacy;
    }
    List<Map.Entry<String, JsonCursor>> entries = c.entries();
    if (entries.isEmpty()) throw c.fail("needs at least one channel, like {\"0\": \"CT\"}");
    String[] names = new String[entries.size()];
    for (Map.Entry<String, JsonCursor> e : entries) {
      int index = channelIndex(e.getKey());
      if (index < 0 || index >= names.length) {
        throw e.getValue().failAlways("channel keys must be the indices \"0\"..\"" + (names.length - 1)
            + "\" (one per channel), got \"" + e.getKey() + "\"");
      }
      if (names[index] != null) throw e.getValue().failAlways("channel " + index + " is given twice");
      names[index] = e.getValue().string();
    }
    return List.of(names);
  }

  /** The channel index of a key "0", "1", ..., or -1 if the key is not a plain decimal index. */
  private static int channelIndex(String key) {
    if (key.isEmpty() || key.length() > 4 || !key.chars().allMatch(ch -> ch >= '0' && ch <= '9')) return -1;
    if (key.length() > 1 && key.charAt(0) == '0') return -1;
    return Integer.parseInt(key);
  }
}
