package org.mednext.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ParallelDeflater}: one valid deflate stream from chunks compressed apart, about as small as a serial one. */
class ParallelDeflaterTest {

  private static final int CHUNK = 1000;

  @ParameterizedTest
  @CsvSource({"0, 1", "1, 2", "999, 2", "1000, 2", "1001, 2", "20000, 1", "20000, 3", "64123, 2"})
  void chunksInflateToTheInputWithItsCrcAndLength(int length, int threads) throws Exception {
    for (int strategy : new int[] {Deflater.DEFAULT_STRATEGY, Deflater.HUFFMAN_ONLY}) {
      for (boolean compressible : new boolean[] {false, true}) {
        byte[] data = data(length, compressible);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ParallelDeflater d = new ParallelDeflater(out, Deflater.DEFAULT_COMPRESSION, strategy, threads, CHUNK)) {
          // uneven writes: a chunk boundary falls inside most of them
          for (int off = 0; off < length; off += 777) d.write(data, off, Math.min(777, length - off));
          d.finish();
          assertEquals(length, d.bytesIn());
          assertEquals(out.size(), d.bytesOut());
          CRC32 crc = new CRC32();
          crc.update(data);
          assertEquals(crc.getValue(), d.crc());
        }
        assertArrayEquals(data, inflate(out.toByteArray(), length),
            "length " + length + ", compressible " + compressible + ", strategy " + strategy);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"1", "2"})
  void compressesAboutAsWellAsOneDeflater(int threads) throws IOException {
    byte[] data = data(200_000, true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelDeflater d = new ParallelDeflater(out, Deflater.DEFAULT_COMPRESSION, Deflater.DEFAULT_STRATEGY, threads,
        20_000)) {
      d.write(data, 0, data.length);
      d.finish();
    }
    Deflater serial = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    serial.setInput(data);
    serial.finish();
    byte[] buffer = new byte[data.length];
    int serialSize = serial.deflate(buffer);
    serial.end();
    // without the previous chunk as dictionary every chunk would spell the motif out again (about 1.6x here)
    assertTrue(out.size() < serialSize * 1.05, out.size() + " bytes against " + serialSize + " serially");
  }

  @Test
  void huffmanOnlyFindsNoRepeats() throws IOException {
    byte[] data = data(200_000, true);
    int[] size = new int[2];
    int[] strategies = {Deflater.DEFAULT_STRATEGY, Deflater.HUFFMAN_ONLY};
    for (int i = 0; i < 2; i++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ParallelDeflater d = new ParallelDeflater(out, Deflater.DEFAULT_COMPRESSION, strategies[i], 2, 20_000)) {
        d.write(data, 0, data.length);
        d.finish();
      }
      size[i] = out.size();
    }
    // the data is a random 3000-byte motif repeated: matches make it tiny, symbol codes alone cannot (~1 byte each)
    assertTrue(size[1] > 0.9 * data.length && size[0] < 0.3 * data.length, size[0] + " vs " + size[1] + " bytes");
  }

  @Test
  void refusesWritesAfterFinish() throws IOException {
    try (ParallelDeflater d = new ParallelDeflater(new ByteArrayOutputStream(), 1, Deflater.DEFAULT_STRATEGY, 1, CHUNK)) {
      d.finish();
      assertThrows(IllegalStateException.class, () -> d.write(1));
    }
  }

  /** Random bytes, or float32-like data that repeats at a distance (what the preset dictionary is for). */
  private static byte[] data(int length, boolean compressible) {
    byte[] b = new byte[length];
    Random r = new Random(length);
    if (!compressible) {
      r.nextBytes(b);
      return b;
    }
    byte[] motif = new byte[3000];
    r.nextBytes(motif);
    for (int i = 0; i < length; i++) b[i] = (i / 3000) % 5 == 4 ? (byte) r.nextInt() : motif[i % 3000];
    return b;
  }

  /** Inflates a raw deflate stream, checking that it ends with a final block and nothing after it. */
  static byte[] inflate(byte[] compressed, int length) throws DataFormatException {
    Inflater inflater = new Inflater(true);
    inflater.setInput(compressed);
    byte[] out = new byte[length + 1];
    int n = 0;
    while (!inflater.finished()) {
      int k = inflater.inflate(out, n, out.length - n);
      if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) break;
      n += k;
    }
    assertTrue(inflater.finished(), "the stream ends with a final block");
    assertEquals(0, inflater.getRemaining(), "nothing after the final block");
    inflater.end();
    return java.util.Arrays.copyOf(out, n);
  }
}
