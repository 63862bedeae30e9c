package org.mednext.fiji;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a batch segmentation did.
 *
 * @param written files written (labels, and probabilities when asked for), in case order
 * @param skipped cases skipped because their output already existed
 * @param failed case id to error message, for cases that could not be segmented (the others still were)
 */
public record BatchResult(List<Path> written, List<String> skipped, Map<String, String> failed) {

  public BatchResult {
    written = List.copyOf(written);
    skipped = List.copyOf(skipped);
    failed = Collections.unmodifiableMap(new LinkedHashMap<>(failed));
  }

  /** One line, e.g. "3 case(s) segmented into /out, 1 skipped, 0 failed". */
  public String summary(Path outputFolder) {
    long cases = written.stream().filter(p -> p.getFileName().toString().endsWith(".nii.gz")).count();
    return String.format(Locale.ROOT, "%d case(s) segmented into %s, %d skipped (output existed), %d failed%s", cases,
        outputFolder, skipped.size(), failed.size(), failed.isEmpty() ? "" : ": " + String.join("; ",
            failed.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList()));
  }
}
