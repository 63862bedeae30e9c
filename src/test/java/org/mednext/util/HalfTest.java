package org.mednext.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Half against numpy's float16 (reference table made by tools/fixtures/make_half_table.py). */
class HalfTest {

  @Test
  void decodesEveryBitPatternLikeNumpy() throws IOException {
    float[] ref = table("half_to_float.bin", 65536);
    for (int i = 0; i < 65536; i++) {
      float got = Half.toFloat((short) i);
      if (Float.isNaN(ref[i])) {
        assertTrue(Float.isNaN(got), "bits " + i);
      } else {
        assertEquals(Float.floatToRawIntBits(ref[i]), Float.floatToRawIntBits(got), "bits " + i);
      }
    }
  }

  @Test
  void roundsFloatsToNearestEvenLikeNumpy() throws IOException {
    float[] in = table("float_inputs.bin", -1);
    short[] want = shorts("float_to_half.bin");
    assertEquals(in.length, want.length);
    for (int i = 0; i < in.length; i++) {
      short got = Half.fromFloat(in[i]);
      if (Float.isNaN(in[i])) {
        assertTrue(Float.isNaN(Half.toFloat(got)));
      } else {
        assertEquals(want[i], got, "input " + in[i] + " (bits " + Integer.toHexString(Float.floatToRawIntBits(in[i])) + ")");
      }
    }
  }

  private static float[] table(String name, int expected) throws IOException {
    ByteBuffer b = bytes(name);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    if (expected >= 0) assertEquals(expected, out.length);
    return out;
  }

  private static short[] shorts(String name) throws IOException {
    ByteBuffer b = bytes(name);
    short[] out = new short[b.remaining() / 2];
    b.asShortBuffer().get(out);
    return out;
  }

  private static ByteBuffer bytes(String name) throws IOException {
    try (InputStream in = HalfTest.class.getResourceAsStream("/org/mednext/util/" + name)) {
      return ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
    }
  }
}
