package org.mednext.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.mednext.util.Checks;

/**
 * A raw deflate stream (no zlib or gzip wrapper) compressed on several threads, as pigz does: the input is cut into
 * chunks, each chunk is deflated on its own with the previous chunk's last 32 KB as preset dictionary and ends on
 * a byte boundary (sync flush), the last one with the final block; their concatenation is one valid deflate
 * stream that any inflater reads, about as small as a serial one (the dictionary keeps matches across chunks).
 * Huffman-only coding looks for no matches, so its chunks go without a dictionary; it is done by
 * {@link HuffmanDeflate}, about three times faster than zlib's.
 *
 * <p>Why: deflating float32 probabilities runs at about 35 MB/s on one core, seconds per case and minutes for a
 * many-class CT; this scales with the cores. Also computes the CRC-32 and length of the input, which ZIP and gzip
 * need. {@link #finish()} writes what is left; {@link #close()} only releases the threads (it does not finish,
 * so an error half-way leaves no complete-looking stream). Not thread-safe.
 */
final class ParallelDeflater extends OutputStream {

  /** Input bytes per chunk: small enough to keep every thread busy, large enough that flushes cost nothing. */
  static final int CHUNK = 1 << 20;
  private static final int DICTIONARY = 32 << 10;

  private final OutputStream out;
  private final int level;
  private final int strategy;
  private final int chunkSize;
  private final int maxPending;
  private final ExecutorService pool;
  private final Deque<Future<Compressed>> pending = new ArrayDeque<>();
  /** Spare input and output buffers: in flight are at most maxPending + 1 of each, reused rather than garbage. */
  private final Queue<byte[]> spareInput = new ConcurrentLinkedQueue<>();
  private final Queue<byte[]> spareOutput = new ConcurrentLinkedQueue<>();
  /** Huffman-only coders with their work arrays, one per task in flight. */
  private final Queue<HuffmanDeflate> spareCoders = new ConcurrentLinkedQueue<>();
  private final CRC32 crc = new CRC32();
  private byte[] chunk;
  private int filled;
  private byte[] dictionary;
  private long bytesIn;
  private long bytesOut;
  private boolean finished;

  /**
   * @param out receives the compressed bytes in order (not closed)
   * @param level zlib level 0..9, or {@link Deflater#DEFAULT_COMPRESSION} (6)
   * @param strategy {@link Deflater#DEFAULT_STRATEGY}, or {@link Deflater#HUFFMAN_ONLY} for data in which string
   *     matches are rare (float32 probabilities: ten times faster than the default, at most 1.5 % larger); the
   *     level does not matter then
   */
  ParallelDeflater(OutputStream out, int level, int strategy, int threads) {
    this(out, level, strategy, threads, CHUNK);
  }

  ParallelDeflater(OutputStream out, int level, int strategy, int threads, int chunkSize) {
    Checks.argument(threads >= 1, "threads must be >= 1, got %d", threads);
    Checks.argument(chunkSize > 0, "chunk size must be > 0");
    Checks.argument(strategy == Deflater.DEFAULT_STRATEGY || strategy == Deflater.HUFFMAN_ONLY,
        "unknown deflate strategy %d", strategy);
    this.out = out;
    this.level = level;
    this.strategy = strategy;
    this.chunkSize = chunkSize;
    this.maxPending = 2 * threads; // bounds memory: at most this many chunks in flight
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "mednext-deflate");
      t.setDaemon(true);
      return t;
    });
    this.chunk = new byte[chunkSize];
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Checks.state(!finished, "the deflate stream is finished");
    crc.update(b, off, len);
    bytesIn += len;
    while (len > 0) {
      int n = Math.min(len, chunkSize - filled);
      System.arraycopy(b, off, chunk, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == chunkSize) submit(false);
    }
  }

  /** Compresses the rest, ends the stream with the final block and writes everything; the threads are released. */
  void finish() throws IOException {
    Checks.state(!finished, "the deflate stream is finished");
    submit(true);
    while (!pending.isEmpty()) writeOldest();
    finished = true;
    pool.shutdown();
  }

  /** CRC-32 of the input so far. */
  long crc() {
    return crc.getValue();
  }

  /** Input bytes so far. */
  long bytesIn() {
    return bytesIn;
  }

  /** Compressed bytes written so far. */
  long bytesOut() {
    return bytesOut;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  private void submit(boolean last) throws IOException {
    byte[] data = chunk;
    int length = filled;
    byte[] dict = dictionary;
    if (!last) {
      // Huffman-only coding looks for no matches, so a dictionary would be a copy for nothing
      int d = strategy == Deflater.HUFFMAN_ONLY ? 0 : Math.min(DICTIONARY, length);
      dictionary = d == 0 ? null : Arrays.copyOfRange(data, length - d, length);
      byte[] spare = spareInput.poll();
      chunk = spare != null ? spare : new byte[chunkSize];
      filled = 0;
    }
    pending.add(pool.submit(() -> {
      byte[] buffer = spareOutput.poll();
      if (buffer == null) buffer = new byte[outputSize(chunkSize)];
      Compressed c;
      if (strategy == Deflater.HUFFMAN_ONLY) {
        HuffmanDeflate coder = spareCoders.poll();
        if (coder == null) coder = new HuffmanDeflate();
        c = new Compressed(buffer, coder.encode(data, 0, length, last, buffer));
        spareCoders.add(coder);
      } else {
        c = deflate(data, length, dict, level, last, buffer);
      }
      spareInput.add(data);
      return c;
    }));
    while (pending.size() > maxPending) writeOldest();
  }

  private void writeOldest() throws IOException {
    Compressed compressed;
    try {
      compressed = pending.removeFirst().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    } catch (ExecutionException e) {
      throw new IOException("compression failed: " + e.getCause(), e.getCause());
    }
    out.write(compressed.buffer, 0, compressed.length);
    bytesOut += compressed.length;
    spareOutput.add(compressed.buffer);
  }

  /**
   * Room for one chunk's deflate output: in the usual case for zlib (stored blocks cost 5 bytes per 64 KB; it can
   * grow), always for Huffman-only coding.
   */
  private static int outputSize(int chunkSize) {
    return Math.max(chunkSize + (chunkSize >> 8) + 64, HuffmanDeflate.maxOutput(chunkSize));
  }

  /** Deflate output: the first {@code length} bytes of {@code buffer}. */
  private record Compressed(byte[] buffer, int length) {}

  /**
   * One chunk as raw deflate data ending on a byte boundary, or with the final block when {@code last}, in
   * {@code buffer} or a larger one.
   */
  private static Compressed deflate(byte[] data, int length, byte[] dictionary, int level, boolean last,
      byte[] buffer) {
    Deflater deflater = new Deflater(level, true);
    try {
      if (dictionary != null) deflater.setDictionary(dictionary);
      deflater.setInput(data, 0, length);
      if (last) deflater.finish();
      int size = 0;
      while (true) {
        if (size == buffer.length) buffer = Arrays.copyOf(buffer, buffer.length * 2);
        int space = buffer.length - size;
        int n = deflater.deflate(buffer, size, space, last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH);
        size += n;
        // done: the final block is out, or (sync flush) all input is taken and the deflater left room in the
        // buffer, i.e. all is flushed
        if (last ? deflater.finished() : n < space && deflater.needsInput()) break;
      }
      return new Compressed(buffer, size);
    } finally {
      deflater.end();
    }
  }
}
