package org.mednext.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mednext.preprocess.NpyTestFiles.Array;
import org.mednext.util.Half;

/**
 * {@link Half} against numpy's float16 casts: {@code half.npz} from tools/fixtures/make_preprocess_fixtures.py
 * (tricky values: ties, subnormals, overflow, NaN, infinities, signed zeros; random values and random bit
 * patterns; all 65536 fp16 patterns back to float32).
 */
class HalfTest {

  private static Map<String, Array> ref;

  @BeforeAll
  static void load() throws IOException {
    ref = NpyTestFiles.resourceNpz("half.npz");
  }

  @Test
  void floatToHalfMatchesNumpy() {
    Array in = ref.get("f32_bits");
    Array out = ref.get("f32_to_f16");
    for (int i = 0; i < in.size(); i++) {
      long bits = in.bits(i);
      float v = Float.intBitsToFloat((int) bits);
      assertEquals(out.bits(i), Half.fromFloat(v) & 0xffff, () -> "float " + v + " (" + Long.toHexString(bits) + ")");
    }
  }

  @Test
  void doubleToHalfRoundsOnceLikeNumpy() {
    Array in = ref.get("f64_bits");
    Array out = ref.get("f64_to_f16");
    for (int i = 0; i < in.size(); i++) {
      double v = Double.longBitsToDouble(in.bits(i));
      assertEquals(out.bits(i), Half.fromDouble(v) & 0xffff, () -> "double " + v);
    }
    // 1 + 2^-11 + 2^-40 rounds up from a double, but to 1.0 through float (a tie there)
    assertEquals(0x3c01, Half.fromDouble(1 + 0x1p-11 + 0x1p-40));
    assertEquals(0x3c00, Half.fromFloat((float) (1 + 0x1p-11 + 0x1p-40)));
  }

  @Test
  void floatAndDoubleRoundingAgreeOnEveryFloat() {
    // a float is exactly a double, so both conversions must give the same fp16; each has its own fast path for fp16's
    // normal range, and this walks across its ends (2^-14, 65520) bit by bit and over all floats in coarse steps
    int[] edges = {0x38800000, 0x477ff000, 0x47800000};
    for (int sign : new int[] {0, 0x80000000}) {
      for (int edge : edges) {
        for (int bits = edge - 5000; bits <= edge + 5000; bits++) assertSameRounding(sign | bits);
      }
    }
    for (long bits = 0; bits <= 0xffffffffL; bits += 4099) assertSameRounding((int) bits);
  }

  private static void assertSameRounding(int bits) {
    float f = Float.intBitsToFloat(bits);
    if (Float.isNaN(f)) { // widening may quiet a NaN and so change its payload: both must just be NaN
      assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(f))) && Float.isNaN(Half.toFloat(Half.fromDouble(f))));
      return;
    }
    assertEquals(Half.fromFloat(f), Half.fromDouble(f), () -> "float bits " + Integer.toHexString(bits));
  }

  @Test
  void everyHalfConvertsToNumpysFloat() {
    Array out = ref.get("half_to_f32");
    for (int h = 0; h < 65536; h++) {
      int expected = (int) out.bits(h);
      int actual = Float.floatToRawIntBits(Half.toFloat((short) h));
      assertEquals(expected, actual, "fp16 bits " + Integer.toHexString(h));
    }
  }

  @Test
  void roundReturnsTheNearestHalfAsFloat() {
    assertEquals(65504f, Half.round(65519.0));
    assertEquals(Float.POSITIVE_INFINITY, Half.round(65520.0));
    assertEquals(0x1p-24f, Half.round(0x1.8p-25));
    assertEquals(0f, Half.round(0x1p-25));
  }
}
