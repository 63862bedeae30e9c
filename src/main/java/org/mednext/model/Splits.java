package org.mednext.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonElement;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.mednext.util.Checks;

/**
 * Cross-validation splits of training cases, identical to nnU-Net's: {@code splits_final.json}, sklearn's
 * {@code KFold(n_splits=5, shuffle=True, random_state=12345)} over the sorted case identifiers, and the seeded
 * random 80:20 split for a fold beyond the split list. numpy's {@code RandomState} is reproduced bit-exactly.
 */
public final class Splits {

  /** nnU-Net's number of folds. */
  public static final int DEFAULT_FOLDS = 5;
  /** nnU-Net's split seed (KFold random_state; 80:20 splits use DEFAULT_SEED + fold). */
  public static final long DEFAULT_SEED = 12345;

  /** Code-point order, as numpy sorts strings (Java's String order differs beyond the BMP). */
  private static final Comparator<String> NUMPY_ORDER = (a, b) -> {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) return Integer.compare(ca, cb);
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  };

  /** One fold: training and validation case identifiers. */
  public record Split(List<String> train, List<String> val) {
    public Split {
      train = List.copyOf(train);
      val = List.copyOf(val);
    }
  }

  private Splits() {}

  /** {@code ids} sorted by Unicode code point, as {@code np.sort} orders strings. */
  public static List<String> sortedLikeNumpy(Collection<String> ids) {
    List<String> out = new ArrayList<>(ids);
    out.sort(NUMPY_ORDER);
    return out;
  }

  /**
   * nnU-Net's default split when there is no splits_final.json: 5-fold KFold, seed 12345, over the case
   * identifiers sorted as numpy sorts them.
   */
  public static List<Split> nnUNetDefault(Collection<String> caseIds) {
    return kfold(sortedLikeNumpy(caseIds), DEFAULT_FOLDS, DEFAULT_SEED);
  }

  /**
   * sklearn {@code KFold(n_splits, shuffle=True, random_state=seed).split(caseIds)}, with the cases taken in
   * the given order (pass them sorted to match nnU-Net): the indices are permuted by
   * {@code RandomState(seed).permutation(n)}; fold i validates on the next n/k (+1 for the first n%k folds)
   * permuted indices. Both lists of a split are in the order of {@code caseIds}.
   *
   * @throws IllegalArgumentException for fewer cases than folds, fewer than 2 folds, or duplicate identifiers
   */
  public static List<Split> kfold(List<String> caseIds, int nSplits, long seed) {
    int n = caseIds.size();
    Checks.argument(nSplits >= 2, "k-fold cross-validation requires at least 2 folds, got %d", nSplits);
    Checks.argument(nSplits <= n, "cannot make %d folds from %d case(s); nnU-Net needs at least %d training cases"
        + " for its default split (or a splits_final.json, or fold \"all\")", nSplits, n, nSplits);
    checkUnique(caseIds);
    int[] perm = new NumpyRandomState(seed).permutation(n);
    List<Split> out = new ArrayList<>();
    int start = 0;
    for (int f = 0; f < nSplits; f++) {
      int size = n / nSplits + (f < n % nSplits ? 1 : 0);
      boolean[] isVal = new boolean[n];
      for (int i = start; i < start + size; i++) isVal[perm[i]] = true;
      start += size;
      List<String> train = new ArrayList<>();
      List<String> val = new ArrayList<>();
      for (int i = 0; i < n; i++) (isVal[i] ? val : train).add(caseIds.get(i));
      out.add(new Split(train, val));
    }
    return out;
  }

  /**
   * nnU-Net's split for a fold beyond the split list: {@code RandomState(12345 + fold)}, training =
   * {@code choice(n, int(0.8 n), replace=False)} in drawing order, validation = the rest in case order.
   *
   * @param sortedCaseIds the case identifiers, sorted as numpy sorts them
   */
  public static Split randomSplit(List<String> sortedCaseIds, int fold) {
    Checks.argument(fold >= 0, "fold must be >= 0, got %d", fold);
    checkUnique(sortedCaseIds);
    int n = sortedCaseIds.size();
    int[] chosen = new NumpyRandomState(DEFAULT_SEED + fold).choiceWithoutReplacement(n, (int) (n * 0.8));
    boolean[] isTrain = new boolean[n];
    List<String> train = new ArrayList<>();
    for (int i : chosen) {
      isTrain[i] = true;
      train.add(sortedCaseIds.get(i));
    }
    List<String> val = new ArrayList<>();
    for (int i = 0; i < n; i++) if (!isTrain[i]) val.add(sortedCaseIds.get(i));
    return new Split(train, val);
  }

  /**
   * The split nnU-Net trains fold {@code fold} with: all cases for both with {@link Fold#ALL}, else
   * {@code splits[fold]} when it exists, else {@link #randomSplit}.
   *
   * @param splits the splits_final.json content (or {@link #nnUNetDefault})
   * @param caseIds all training case identifiers
   */
  public static Split forFold(List<Split> splits, Fold fold, Collection<String> caseIds) {
    List<String> sorted = sortedLikeNumpy(caseIds);
    if (fold.isAll()) return new Split(sorted, sorted);
    if (fold.index() < splits.size()) return splits.get(fold.index());
    return randomSplit(sorted, fold.index());
  }

  /** Reads a splits_final.json: a list of {"train": [...], "val": [...]}. */
  public static List<Split> read(Path file) throws IOException {
    String source = file.toString();
    JsonElement root = JsonFiles.readElement(file);
    JsonCursor c = JsonCursor.root(source, root);
    if (!root.isJsonArray()) throw c.failGot("expected a list of {\"train\": [...], \"val\": [...]}");
    List<Split> out = new ArrayList<>();
    for (JsonCursor s : c.list()) out.add(new Split(s.field("train").stringList(), s.field("val").stringList()));
    return out;
  }

  /** Writes {@code splits} atomically, formatted as nnU-Net's {@code save_json} (indent 4). */
  public static void write(Path file, List<Split> splits) throws IOException {
    JsonArray a = new JsonArray();
    for (Split s : splits) {
      JsonObject o = new JsonObject();
      o.add("train", strings(s.train()));
      o.add("val", strings(s.val()));
      a.add(o);
    }
    JsonFiles.writeAtomically(file, JsonFiles.format(a));
  }

  private static JsonArray strings(List<String> values) {
    JsonArray a = new JsonArray();
    for (String v : values) a.add(v);
    return a;
  }

  private static void checkUnique(List<String> ids) {
    Set<String> seen = new HashSet<>();
    for (String id : ids) {
      Objects.requireNonNull(id, "case identifier == null");
      Checks.argument(seen.add(id), "case identifier \"%s\" occurs twice", id);
    }
  }
}
