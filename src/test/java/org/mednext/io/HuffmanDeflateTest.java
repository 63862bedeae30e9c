package org.mednext.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link HuffmanDeflate}: deflate streams zlib inflates to the input, about as small as zlib's Huffman-only ones. */
class HuffmanDeflateTest {

  private static final int BLOCK = HuffmanDeflate.BLOCK;

  @ParameterizedTest
  @CsvSource({"0", "1", "2", "100", "16383", "16384", "16385", "49157", "200000"})
  void zlibInflatesEveryKindOfInputBack(int length) throws DataFormatException {
    HuffmanDeflate coder = new HuffmanDeflate(); // one coder for all: its reused state must not leak between calls
    for (String kind : new String[] {"constant", "random", "skewed", "float32"}) {
      byte[] data = data(kind, length, 7);
      byte[] out = new byte[HuffmanDeflate.maxOutput(length)];
      int n = coder.encode(data, 0, length, true, out);
      assertArrayEquals(data, ParallelDeflaterTest.inflate(Arrays.copyOf(out, n), length), kind + ", " + length + " bytes");
    }
  }

  @Test
  void randomBytesAreStoredNotInflated() throws DataFormatException {
    byte[] data = data("random", 3 * BLOCK + 5, 1);
    byte[] out = new byte[HuffmanDeflate.maxOutput(data.length)];
    int n = new HuffmanDeflate().encode(data, 0, data.length, true, out);
    // a Huffman code cannot shorten uniform bytes; its header and end code would make each block longer
    assertTrue(n <= data.length + 4 * 6, n + " bytes for " + data.length);
    assertArrayEquals(data, ParallelDeflaterTest.inflate(Arrays.copyOf(out, n), data.length));
  }

  @Test
  void piecesEndOnByteBoundariesAndConcatenate() throws DataFormatException {
    byte[] data = data("float32", 3 * BLOCK + 1001, 3);
    int[] cuts = {0, 1000, 1000, 2 * BLOCK + 17, data.length}; // with an empty piece in the middle
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    HuffmanDeflate coder = new HuffmanDeflate();
    for (int i = 0; i + 1 < cuts.length; i++) {
      int length = cuts[i + 1] - cuts[i];
      byte[] out = new byte[HuffmanDeflate.maxOutput(length)];
      int n = coder.encode(data, cuts[i], length, i + 2 == cuts.length, out);
      stream.write(out, 0, n);
    }
    assertArrayEquals(data, ParallelDeflaterTest.inflate(stream.toByteArray(), data.length));
  }

  @Test
  void skewedFrequenciesGetCodesOfAtMostFifteenBits() throws DataFormatException {
    // symbol s occurs fib(s + 1) times: a plain Huffman code would be 19 bits deep, deeper than deflate allows
    int[] counts = fibonacci(19);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int s = 0; s < counts.length; s++) {
      for (int i = 0; i < counts[s]; i++) b.write(s);
    }
    byte[] data = b.toByteArray();
    assertTrue(data.length <= BLOCK, "one block");
    byte[] out = new byte[HuffmanDeflate.maxOutput(data.length)];
    int n = new HuffmanDeflate().encode(data, 0, data.length, true, out);
    assertArrayEquals(data, ParallelDeflaterTest.inflate(Arrays.copyOf(out, n), data.length));
    assertTrue(n < data.length / 2, n + " bytes: still a variable-length code, not stored");

    int[] lengths = new int[25];
    new HuffmanDeflate.CodeBuilder().lengths(fibonacci(25), 25, 15, lengths);
    double kraft = 0;
    for (int len : lengths) {
      assertTrue(len >= 1 && len <= 15, "length " + len);
      kraft += Math.pow(2, -len);
    }
    assertEquals(1.0, kraft, 1e-12, "a complete prefix code");
  }

  private static int[] fibonacci(int n) {
    int[] f = new int[n];
    for (int i = 0; i < n; i++) f[i] = i < 2 ? 1 : f[i - 1] + f[i - 2];
    return f;
  }

  @Test
  void probabilityLikeFloatsComeOutAsSmallAsWithZlibsHuffmanOnlyCoding() {
    byte[] data = data("float32", 1 << 20, 5);
    byte[] out = new byte[HuffmanDeflate.maxOutput(data.length)];
    int ours = new HuffmanDeflate().encode(data, 0, data.length, true, out);
    Deflater zlib = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    zlib.setStrategy(Deflater.HUFFMAN_ONLY);
    zlib.setInput(data);
    zlib.finish();
    byte[] z = new byte[data.length + 1024];
    int theirs = 0;
    while (!zlib.finished()) theirs += zlib.deflate(z, theirs, z.length - theirs);
    zlib.end();
    assertTrue(ours < 0.9 * data.length, "it compresses: " + ours + " of " + data.length);
    assertTrue(Math.abs(ours - theirs) < 0.005 * theirs, ours + " bytes against zlib's " + theirs);
  }

  /** Test inputs: one value repeated, uniform bytes, a geometric byte distribution, softmax-like float32 values. */
  private static byte[] data(String kind, int length, long seed) {
    Random r = new Random(seed);
    byte[] b = new byte[length];
    switch (kind) {
      case "constant" -> Arrays.fill(b, (byte) 42);
      case "random" -> r.nextBytes(b);
      case "skewed" -> {
        for (int i = 0; i < length; i++) b[i] = (byte) Math.min(255, (int) (-Math.log(1 - r.nextDouble()) * 3));
      }
      default -> {
        ByteBuffer f = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        // mostly near-certain voxels (values close to 0 or 1), some uncertain ones
        for (int i = 0; i + 4 <= length; i += 4) {
          double u = r.nextDouble();
          float p = u < 0.45 ? (float) (r.nextDouble() * 1e-6) : u < 0.9 ? 1 - (float) (r.nextDouble() * 1e-6)
              : r.nextFloat();
          f.putFloat(i, p);
        }
      }
    }
    return b;
  }
}
