package org.mednext.train.sampling;

import java.io.IOException;
import java.util.List;
import org.mednext.util.Checks;

/**
 * The training cases a {@link PatchSampler} draws from, by index. Implementations may load lazily from disk;
 * {@link #get} is called from several threads at once and must be safe for that.
 */
public interface CaseSource {

  /** Number of cases (> 0). */
  int size();

  /** Case {@code index} in {@code [0, size())}. */
  CaseData get(int index) throws IOException;

  /** A source over cases held in memory (the list is copied). */
  static CaseSource of(List<CaseData> cases) {
    Checks.notNull(cases, "cases");
    List<CaseData> copy = List.copyOf(cases);
    Checks.argument(!copy.isEmpty(), "at least one training case is needed");
    return new CaseSource() {
      @Override
      public int size() {
        return copy.size();
      }

      @Override
      public CaseData get(int index) {
        return copy.get(index);
      }
    };
  }
}
