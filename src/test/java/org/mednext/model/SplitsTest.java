package org.mednext.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Splits} against numpy (tools/fixtures/make_model_splits_reference.py). */
class SplitsTest {

  private static final JsonObject REF = TestResources.json("numpy_splits_reference.json");

  @TempDir Path tmp;

  @Test
  void nnUNetDefaultMatchesKFoldOnNumpySortedIdsForNFrom5To40() {
    JsonObject byN = REF.getAsJsonObject("kfold_12345_5");
    for (int n = 5; n <= 40; n++) {
      JsonObject ref = byN.getAsJsonObject(Integer.toString(n));
      List<String> ids = strings(ref.getAsJsonArray("ids"));
      Collections.reverse(ids); // the input order must not matter: nnU-Net sorts first
      assertEquals(splits(ref.getAsJsonArray("splits")), Splits.nnUNetDefault(ids), "n = " + n);
    }
  }

  @Test
  void kfoldRejectsFewerCasesThanFoldsAsSklearnDoes() {
    JsonObject byN = REF.getAsJsonObject("kfold_12345_5");
    for (int n = 1; n < 5; n++) {
      assertTrue(byN.get(Integer.toString(n)).getAsJsonObject().get("splits").isJsonNull());
      List<String> ids = strings(byN.getAsJsonObject(Integer.toString(n)).getAsJsonArray("ids"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Splits.nnUNetDefault(ids));
      assertEquals("cannot make 5 folds from " + n + " case(s); nnU-Net needs at least 5 training cases for its"
          + " default split (or a splits_final.json, or fold \"all\")", e.getMessage());
    }
  }

  @Test
  void kfoldKeepsTheGivenOrderAndCoversEveryCaseOnceAsValidation() {
    List<String> ids = List.of("z", "y", "x", "w", "v", "u", "t");
    List<Splits.Split> s = Splits.kfold(ids, 3, 0);
    List<String> allVal = new ArrayList<>();
    for (Splits.Split split : s) {
      allVal.addAll(split.val());
      assertEquals(ids.size(), split.train().size() + split.val().size());
      assertEquals(ids.stream().filter(split.train()::contains).collect(java.util.stream.Collectors.toList()), split.train());
    }
    assertEquals(List.of(3, 2, 2), s.stream().map(x -> x.val().size()).collect(java.util.stream.Collectors.toList()));
    allVal.sort(null);
    List<String> sorted = new ArrayList<>(ids);
    sorted.sort(null);
    assertEquals(sorted, allVal);
  }

  @Test
  void kfoldRejectsDuplicateIdsAndOneFold() {
    assertEquals("case identifier \"a\" occurs twice", assertThrows(IllegalArgumentException.class,
        () -> Splits.kfold(List.of("a", "b", "a"), 2, 1)).getMessage());
    assertEquals("k-fold cross-validation requires at least 2 folds, got 1", assertThrows(IllegalArgumentException.class,
        () -> Splits.kfold(List.of("a", "b"), 1, 1)).getMessage());
  }

  @Test
  void randomSplitMatchesNnUNetsSeededEightyTwenty() {
    int checked = 0;
    for (Map.Entry<String, JsonElement> byFold : REF.getAsJsonObject("random_80_20").entrySet()) {
      int fold = Integer.parseInt(byFold.getKey());
      for (Map.Entry<String, JsonElement> byN : byFold.getValue().getAsJsonObject().entrySet()) {
        int n = Integer.parseInt(byN.getKey());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) ids.add("case_" + i);
        JsonObject ref = byN.getValue().getAsJsonObject();
        Splits.Split expected = new Splits.Split(strings(ref.getAsJsonArray("train")), strings(ref.getAsJsonArray("val")));
        assertEquals(expected, Splits.randomSplit(Splits.sortedLikeNumpy(ids), fold), "fold " + fold + ", n " + n);
        checked++;
      }
    }
    assertEquals(32, checked);
  }

  @Test
  void forFoldPicksTheListedSplitThenEightyTwentyAndAllForFoldAll() {
    List<String> ids = List.of("b", "a", "c", "e", "d", "f");
    List<Splits.Split> five = Splits.nnUNetDefault(ids);
    assertEquals(five.get(3), Splits.forFold(five, Fold.of(3), ids));
    assertEquals(Splits.randomSplit(List.of("a", "b", "c", "d", "e", "f"), 5), Splits.forFold(five, Fold.of(5), ids));
    List<String> sorted = List.of("a", "b", "c", "d", "e", "f");
    assertEquals(new Splits.Split(sorted, sorted), Splits.forFold(five, Fold.ALL, ids));
  }

  @Test
  void sortsStringsByCodePointAsNumpy() {
    JsonObject ref = REF.getAsJsonObject("np_sort");
    assertEquals(strings(ref.getAsJsonArray("sorted")), Splits.sortedLikeNumpy(strings(ref.getAsJsonArray("input"))));
  }

  @Test
  void readsASplitsFileWrittenByPython() throws IOException {
    Path file = tmp.resolve("splits_final.json");
    Files.writeString(file, TestResources.text("splits_final_n12.json"));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) ids.add("case_" + i);
    assertEquals(Splits.nnUNetDefault(ids), Splits.read(file));
  }

  @Test
  void writesSplitsByteIdenticalToNnUNetsSaveJson() throws IOException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) ids.add("case_" + i);
    Path file = tmp.resolve("splits_final.json");
    Splits.write(file, Splits.nnUNetDefault(ids));
    assertEquals(TestResources.text("splits_final_n12.json"), Files.readString(file, StandardCharsets.UTF_8));
    try (var listing = Files.list(tmp)) {
      assertEquals(1, listing.count(), "no temporary file may remain");
    }
  }

  @Test
  void rejectsMalformedSplitsFiles() throws IOException {
    Path file = tmp.resolve("splits_final.json");
    Files.writeString(file, "{\"train\": []}");
    assertEquals(file + ": expected a list of {\"train\": [...], \"val\": [...]}, got {\"train\":[]}",
        assertThrows(ModelFormatException.class, () -> Splits.read(file)).getMessage());
    Files.writeString(file, "[{\"train\": [\"a\"]}]");
    assertEquals(file + ": [0].val: required key is missing",
        assertThrows(ModelFormatException.class, () -> Splits.read(file)).getMessage());
    Files.writeString(file, "[{\"train\": [\"a\", 3], \"val\": []}]");
    assertEquals(file + ": [0].train[1]: expected a string, got 3",
        assertThrows(ModelFormatException.class, () -> Splits.read(file)).getMessage());
  }

  static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : a) out.add(e.getAsString());
    return out;
  }

  private static List<Splits.Split> splits(JsonArray a) {
    List<Splits.Split> out = new ArrayList<>();
    for (JsonElement e : a) {
      JsonObject o = e.getAsJsonObject();
      out.add(new Splits.Split(strings(o.getAsJsonArray("train")), strings(o.getAsJsonArray("val"))));
    }
    return out;
  }
}
