package org.mednext.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link NumpyRandomState} against numpy 2.4 (tools/fixtures/make_model_splits_reference.py). */
class NumpyRandomStateTest {

  private static final JsonObject REF = TestResources.json("numpy_splits_reference.json");

  @Test
  void rawStreamMatchesNumpyAcrossTwoRegenerations() {
    for (Map.Entry<String, JsonElement> e : REF.getAsJsonObject("raw_uint32").entrySet()) {
      NumpyRandomState r = new NumpyRandomState(Long.parseLong(e.getKey()));
      JsonArray expected = e.getValue().getAsJsonArray();
      assertEquals(1300, expected.size());
      for (int i = 0; i < expected.size(); i++) {
        assertEquals(expected.get(i).getAsLong(), r.nextUInt32(), "seed " + e.getKey() + ", output " + i);
      }
    }
  }

  @Test
  void permutationMatchesNumpyForEverySeedAndNUpTo40() {
    int checked = 0;
    for (Map.Entry<String, JsonElement> bySeed : REF.getAsJsonObject("permutation").entrySet()) {
      long seed = Long.parseLong(bySeed.getKey());
      for (Map.Entry<String, JsonElement> byN : bySeed.getValue().getAsJsonObject().entrySet()) {
        int n = Integer.parseInt(byN.getKey());
        assertArrayEquals(ints(byN.getValue().getAsJsonArray()), new NumpyRandomState(seed).permutation(n),
            "seed " + seed + ", n " + n);
        checked++;
      }
    }
    assertEquals(7 * 41, checked);
  }

  @Test
  void rejectsSeedsOutsideUnsigned32Bit() {
    assertEquals("seed must be between 0 and 2**32 - 1, got -1",
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandomState(-1)).getMessage());
    assertEquals("seed must be between 0 and 2**32 - 1, got 4294967296",
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandomState(1L << 32)).getMessage());
  }

  @Test
  void rejectsTakingMoreThanThePopulation() {
    assertEquals("cannot take 4 of 3 without replacement",
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandomState(1).choiceWithoutReplacement(3, 4)).getMessage());
  }

  static int[] ints(JsonArray a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsInt();
    return out;
  }
}
