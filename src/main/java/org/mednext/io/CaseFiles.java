package org.mednext.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.mednext.util.Checks;

/**
 * nnU-Net's input folder layout: every file {@code CASE_XXXX<ending>} (XXXX a 4-digit channel index) is
 * channel XXXX of case CASE; a case's channels must be 0000, 0001, ... without gaps, and all cases must have the
 * same number of channels. The segmentation of a case is written as {@code CASE<ending>}.
 *
 * <p>Stricter than nnU-Net, which takes any 5 characters before the ending as the channel suffix: a file with
 * the ending but without a 4-digit index is an error here rather than a silently misnamed case. Hidden files
 * (starting with ".") are ignored.
 */
public final class CaseFiles {

  /** One case: its identifier and its channel files, ordered by channel index. */
  public record Case(String id, List<Path> channels) {
    public Case {
      Checks.notNull(id, "id");
      channels = List.copyOf(channels);
    }

    /** The file name nnU-Net gives this case's segmentation: {@code id + fileEnding}. */
    public String outputName(String fileEnding) {
      return id + fileEnding;
    }
  }

  private CaseFiles() {}

  /**
   * The cases in {@code folder}, sorted by identifier.
   *
   * @param fileEnding e.g. ".nii.gz", as in dataset.json's {@code file_ending}
   * @throws VolumeFormatException if the folder has no such files, a name lacks the channel index, a channel
   *     is missing, or cases differ in their number of channels
   */
  public static List<Case> discover(Path folder, String fileEnding) throws IOException {
    return discover(folder, fileEnding, -1);
  }

  /** As {@link #discover(Path, String)}, also checking that every case has {@code channels} channels. */
  public static List<Case> discover(Path folder, String fileEnding, int channels) throws IOException {
    Listing listing = list(folder, fileEnding);
    if (listing.cases().isEmpty()) {
      throw new VolumeFormatException(folder, "no input files CASE_XXXX" + fileEnding + " in this folder");
    }
    List<Case> out = new ArrayList<>();
    for (Map.Entry<String, SortedMap<Integer, Path>> e : listing.cases().entrySet()) {
      SortedMap<Integer, Path> byIndex = e.getValue();
      for (int c = 0; c <= byIndex.lastKey(); c++) {
        if (!byIndex.containsKey(c)) {
          throw new VolumeFormatException(folder, String.format(Locale.ROOT, "case '%s' has channels %s but not "
              + "_%04d", e.getKey(), channelList(byIndex), c));
        }
      }
      out.add(new Case(e.getKey(), new ArrayList<>(byIndex.values())));
    }
    Case first = out.get(0);
    for (Case c : out) {
      if (c.channels().size() != first.channels().size()) {
        throw new VolumeFormatException(folder, String.format(Locale.ROOT, "cases have different numbers of "
            + "channels: '%s' has %d, '%s' has %d", first.id(), first.channels().size(), c.id(), c.channels().size()));
      }
    }
    if (channels > 0 && first.channels().size() != channels) {
      throw new VolumeFormatException(folder, String.format(Locale.ROOT, "the model expects %d channel(s) "
          + "(_0000 to _%04d) but the cases have %d", channels, channels - 1, first.channels().size()));
    }
    return out;
  }

  /**
   * A folder's files in nnU-Net's layout, before any check of the channels.
   *
   * @param cases the files {@code CASE_XXXX<ending>} by case (sorted) and channel index
   * @param others the other regular files, hidden ones left out, sorted
   */
  public record Listing(Map<String, SortedMap<Integer, Path>> cases, List<Path> others) {}

  /**
   * Lists {@code folder} by nnU-Net's layout for {@code fileEnding}.
   *
   * @throws VolumeFormatException if a file has the ending but not the 4-digit channel index
   */
  public static Listing list(Path folder, String fileEnding) throws IOException {
    Checks.argument(fileEnding != null && !fileEnding.isEmpty(), "file ending must not be empty");
    if (!Files.isDirectory(folder)) throw new NoSuchFileException(folder.toString(), null, "not a folder");
    Pattern pattern = Pattern.compile("(.+)_(\\d{4})" + Pattern.quote(fileEnding));
    Map<String, SortedMap<Integer, Path>> cases = new TreeMap<>();
    List<Path> others = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(folder)) {
      files = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
    for (Path f : files) {
      String name = f.getFileName().toString();
      if (name.startsWith(".")) continue;
      if (!name.endsWith(fileEnding)) {
        others.add(f);
        continue;
      }
      Matcher m = pattern.matcher(name);
      if (!m.matches()) {
        throw new VolumeFormatException(folder, String.format(Locale.ROOT, "'%s' ends in %s but is not named "
            + "CASE_XXXX%s with a 4-digit channel index (e.g. case01_0000%s); rename it or move it out", name,
            fileEnding, fileEnding, fileEnding));
      }
      cases.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(Integer.parseInt(m.group(2)), f);
    }
    return new Listing(cases, others);
  }

  private static String channelList(SortedMap<Integer, Path> byIndex) {
    return byIndex.keySet().stream().map(i -> String.format(Locale.ROOT, "_%04d", i))
        .collect(Collectors.joining(", "));
  }
}
