package org.mednext.io;

import java.util.Arrays;

/**
 * Deflate (RFC 1951) with literals only: each block of input gets its own Huffman code for the 256 byte values,
 * and no string matches are searched, as zlib's {@code Z_HUFFMAN_ONLY} strategy does.
 *
 * <p>Why our own: zlib codes Huffman-only data at about 120 MB/s per core on this project's machines, which made
 * writing a case's probabilities (tens of MB of float32, where matches are rare) the largest part of exporting it;
 * this runs several times faster and makes files within a fraction of a percent of zlib's size. Any inflater reads
 * the output: blocks use dynamic codes, or are stored when that is smaller.
 */
final class HuffmanDeflate {

  /** Input bytes per block: as zlib's Huffman-only blocks (16383 symbols), so the code follows local statistics. */
  static final int BLOCK = 16 << 10;

  private static final int LITERALS = 257; // 256 byte values and end-of-block
  private static final int END_OF_BLOCK = 256;
  private static final int MAX_BITS = 15;
  private static final int MAX_LENGTH_BITS = 7; // the code-length code's limit
  /** The order in which the code-length code's lengths are sent (RFC 1951, 3.2.7). */
  private static final int[] LENGTH_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

  // work arrays reused for every block and call: a many-class export codes thousands of chunks, and garbage per chunk
  // lets the collector's young generation, and so the process, grow by hundreds of MB
  private final Block block = new Block();
  private final BitWriter writer = new BitWriter();

  /** Output room that {@link #encode} needs at most for {@code length} input bytes. */
  static int maxOutput(int length) {
    int blocks = length / BLOCK + 1;
    // no block is larger than stored (5 bytes of header and up to 7 bits of padding), plus the closing block
    return length + 6 * (blocks + 1) + 8;
  }

  /**
   * Codes {@code data[offset, offset + length)} into {@code out} (at least {@link #maxOutput} bytes) as complete
   * blocks ending on a byte boundary: with the final block when {@code last}, else with an empty stored block
   * (zlib's sync flush), so that streams of consecutive pieces can be concatenated. One call at a time per coder.
   *
   * @return the number of bytes written
   */
  int encode(byte[] data, int offset, int length, boolean last, byte[] out) {
    BitWriter w = writer.start(out);
    Block b = block;
    int[] frequencies = b.frequencies;
    int[] table = b.table;
    int end = offset + length;
    // the per-byte loops are here, not in methods called per block: a loop's method gets its optimised code at
    // its next call or on a long enough run of the loop (OSR), and short loops in a method called per block ran
    // slow code for the first 10 MB
    for (int from = offset; from < end; from += BLOCK) {
      int to = Math.min(end, from + BLOCK);
      boolean closing = last && to == end;
      Arrays.fill(frequencies, 0);
      for (int i = from; i < to; i++) frequencies[data[i] & 0xFF]++;
      if (!b.prepare(to - from)) {
        Block.stored(w, data, from, to, closing);
        continue;
      }
      w.bits(closing ? 0b101 : 0b100, 3); // BFINAL, then type 10 (dynamic), both least significant bit first
      b.writeHeader(w);
      long buf = w.buffer;
      int n = w.count;
      int pos = w.position;
      int i = from;
      // two codes of at most 15 bits each fit above fewer than 32 pending bits
      for (; i + 1 < to; i += 2) {
        int c0 = table[data[i] & 0xFF];
        int c1 = table[data[i + 1] & 0xFF];
        buf |= (long) (c0 & 0xFFFF) << n;
        n += c0 >>> 16;
        buf |= (long) (c1 & 0xFFFF) << n;
        n += c1 >>> 16;
        if (n >= 32) {
          putInt(out, pos, (int) buf);
          pos += 4;
          buf >>>= 32;
          n -= 32;
        }
      }
      w.buffer = buf;
      w.count = n;
      w.position = pos;
      if (i < to) w.code(table[data[i] & 0xFF]);
      w.code(table[END_OF_BLOCK]);
    }
    if (!last || length == 0) {
      // an empty stored block: BFINAL, type 00, then LEN 0 and NLEN 0xFFFF from the next byte boundary
      w.bits(last ? 1 : 0, 3);
      w.alignToByte();
      w.bits(0xFFFF0000, 32);
    }
    w.alignToByte();
    return w.flush();
  }

  /** Little-endian. */
  private static void putInt(byte[] out, int position, int value) {
    out[position] = (byte) value;
    out[position + 1] = (byte) (value >>> 8);
    out[position + 2] = (byte) (value >>> 16);
    out[position + 3] = (byte) (value >>> 24);
  }

  /** One block's code, built and written; its arrays are reused for the next block. */
  private static final class Block {
    final int[] frequencies = new int[LITERALS];
    private final int[] lengths = new int[LITERALS];
    /** Per literal: its bit-reversed code in the low 16 bits, its length above. */
    final int[] table = new int[LITERALS];
    private final CodeBuilder builder = new CodeBuilder();
    // the block header: code lengths of literals and the two distance codes, run-length coded
    private final int[] sequence = new int[LITERALS + 2];
    private final int[] symbols = new int[LITERALS + 2];
    private final int[] extra = new int[LITERALS + 2];
    private final int[] lengthFrequencies = new int[19];
    private final int[] lengthLengths = new int[19];
    private final int[] lengthCodes = new int[19];
    private final int[] bitCounts = new int[MAX_BITS + 1];
    private final int[] nextCodes = new int[MAX_BITS + 1];
    private int runs;
    private int codeLengthCount;

    /**
     * Builds the block's code from {@code frequencies} (the END_OF_BLOCK count is set here) and its header, unless
     * a stored block of {@code size} bytes would be smaller.
     *
     * @return whether to write a dynamic block (with {@code table} and {@link #writeHeader}), else a stored one
     */
    boolean prepare(int size) {
      frequencies[END_OF_BLOCK] = 1;
      builder.lengths(frequencies, LITERALS, MAX_BITS, lengths);
      int headerBits = prepareHeader();
      long dataBits = 0;
      for (int s = 0; s < LITERALS; s++) dataBits += (long) frequencies[s] * lengths[s];
      long storedBits = 8L * (size + 5) + 7;
      if (3 + headerBits + dataBits > storedBits) return false;
      canonicalCodes(lengths, LITERALS, table);
      for (int s = 0; s < LITERALS; s++) table[s] |= lengths[s] << 16;
      return true;
    }

    /**
     * Builds the dynamic block header that follows its first three bits (HLIT, HDIST, HCLEN, the code-length code,
     * then the literal and distance code lengths in that code) for the current {@code lengths}.
     *
     * @return its length in bits
     */
    private int prepareHeader() {
      int n = 0;
      for (int s = 0; s < LITERALS; s++) sequence[n++] = lengths[s];
      // two distance codes of one bit, unused: zlib sends the same, so every inflater accepts the block
      sequence[n++] = 1;
      sequence[n++] = 1;
      runs = runLengths(n);
      Arrays.fill(lengthFrequencies, 0);
      for (int i = 0; i < runs; i++) lengthFrequencies[symbols[i]]++;
      builder.lengths(lengthFrequencies, 19, MAX_LENGTH_BITS, lengthLengths);
      canonicalCodes(lengthLengths, 19, lengthCodes);
      codeLengthCount = 19;
      while (codeLengthCount > 4 && lengthLengths[LENGTH_ORDER[codeLengthCount - 1]] == 0) codeLengthCount--;
      int bits = 5 + 5 + 4 + 3 * codeLengthCount;
      for (int i = 0; i < runs; i++) bits += lengthLengths[symbols[i]] + extraBits(symbols[i]);
      return bits;
    }

    private void writeHeader(BitWriter w) {
      w.bits(LITERALS - 257, 5); // HLIT
      w.bits(2 - 1, 5); // HDIST: two distance codes
      w.bits(codeLengthCount - 4, 4); // HCLEN
      for (int i = 0; i < codeLengthCount; i++) w.bits(lengthLengths[LENGTH_ORDER[i]], 3);
      for (int i = 0; i < runs; i++) {
        int s = symbols[i];
        w.bits(lengthCodes[s], lengthLengths[s]);
        if (s >= 16) w.bits(extra[i], extraBits(s));
      }
    }

    /** Run-length codes {@code sequence[0, n)} with the symbols 16 (repeat previous), 17 and 18 (zeros). */
    private int runLengths(int n) {
      int count = 0;
      for (int i = 0; i < n; ) {
        int value = sequence[i];
        int run = 1;
        while (i + run < n && sequence[i + run] == value) run++;
        int left = run;
        if (value == 0) {
          while (left >= 11) {
            int r = Math.min(left, 138);
            symbols[count] = 18;
            extra[count++] = r - 11;
            left -= r;
          }
          if (left >= 3) {
            symbols[count] = 17;
            extra[count++] = left - 3;
            left = 0;
          }
        } else {
          symbols[count++] = value;
          left--;
          while (left >= 3) {
            int r = Math.min(left, 6);
            symbols[count] = 16;
            extra[count++] = r - 3;
            left -= r;
          }
        }
        for (; left > 0; left--) symbols[count++] = value;
        i += run;
      }
      return count;
    }

    private static int extraBits(int symbol) {
      return symbol == 16 ? 2 : symbol == 17 ? 3 : symbol == 18 ? 7 : 0;
    }

    /**
     * Canonical Huffman codes (RFC 1951, 3.2.2) for the given lengths, bit-reversed because deflate sends codes from
     * their most significant bit but packs bits from the least significant one.
     */
    private void canonicalCodes(int[] lengths, int n, int[] codes) {
      int[] count = bitCounts;
      Arrays.fill(count, 0);
      for (int s = 0; s < n; s++) count[lengths[s]]++;
      count[0] = 0;
      int[] next = nextCodes;
      int code = 0;
      for (int bits = 1; bits <= MAX_BITS; bits++) {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
      }
      for (int s = 0; s < n; s++) {
        int len = lengths[s];
        codes[s] = len == 0 ? 0 : Integer.reverse(next[len]++) >>> (32 - len);
      }
    }

    static void stored(BitWriter w, byte[] data, int from, int to, boolean last) {
      int n = to - from;
      w.bits(last ? 1 : 0, 3);
      w.alignToByte();
      w.bits(n | (~n & 0xFFFF) << 16, 32);
      w.bytes(data, from, n);
    }
  }

  /** Huffman code lengths limited to a maximum, with reusable work arrays. */
  static final class CodeBuilder {
    private final long[] queue = new long[2 * LITERALS];
    private final int[] parent = new int[2 * LITERALS];
    private final int[] scaled = new int[LITERALS];
    private final int[] order = new int[LITERALS];
    private final long[] weight = new long[2 * LITERALS];
    private final int[] depth = new int[2 * LITERALS];

    /**
     * Lengths of a prefix code for symbols {@code 0..n-1} with these frequencies, none longer than {@code maxBits}:
     * a Huffman code, built again from halved frequencies while it is too deep (rare: it takes frequencies that
     * grow like Fibonacci numbers). Symbols of frequency 0 get length 0; when fewer than two have a frequency, the
     * first symbols get one bit each, since a code of one symbol is not complete.
     */
    void lengths(int[] frequencies, int n, int maxBits, int[] lengths) {
      System.arraycopy(frequencies, 0, scaled, 0, n);
      while (!huffman(scaled, n, maxBits, lengths)) {
        for (int s = 0; s < n; s++) if (scaled[s] > 0) scaled[s] = (scaled[s] + 1) >>> 1;
      }
    }

    /** A Huffman code's lengths; false if one is longer than {@code maxBits}. */
    private boolean huffman(int[] f, int n, int maxBits, int[] lengths) {
      Arrays.fill(lengths, 0, n, 0);
      int used = 0;
      for (int s = 0; s < n; s++) if (f[s] > 0) order[used++] = s;
      for (int s = 0; used < 2; s++) {
        if (f[s] == 0) order[used++] = s;
      }
      // leaves sorted by frequency (then symbol), as weight << 32 | node; internal nodes follow in a second queue
      for (int i = 0; i < used; i++) queue[i] = (long) Math.max(1, f[order[i]]) << 32 | i;
      Arrays.sort(queue, 0, used);
      int leafHead = 0;
      int nodeHead = used;
      int nodeTail = used;
      for (int i = 0; i < used; i++) weight[(int) queue[i]] = queue[i] >>> 32;
      for (int merged = 0; merged < used - 1; merged++) {
        int a = nodeHead < nodeTail && (leafHead >= used || weight[(int) queue[nodeHead]] < queue[leafHead] >>> 32)
            ? (int) queue[nodeHead++] : (int) queue[leafHead++];
        int b = nodeHead < nodeTail && (leafHead >= used || weight[(int) queue[nodeHead]] < queue[leafHead] >>> 32)
            ? (int) queue[nodeHead++] : (int) queue[leafHead++];
        int node = used + merged;
        weight[node] = weight[a] + weight[b];
        parent[a] = node;
        parent[b] = node;
        queue[nodeTail++] = node;
      }
      // depths from the root (the last node) down: a parent always has a larger index than its children
      int root = 2 * used - 2;
      depth[root] = 0;
      for (int node = root - 1; node >= 0; node--) depth[node] = depth[parent[node]] + 1;
      for (int i = 0; i < used; i++) {
        if (depth[i] > maxBits) return false;
        lengths[order[i]] = depth[i];
      }
      return true;
    }
  }

  /** Bits packed least significant first into a byte array, 32 at a time. */
  private static final class BitWriter {
    private byte[] out;
    private int position;
    private long buffer;
    private int count;

    /** Starts writing at the beginning of {@code out}. */
    BitWriter start(byte[] out) {
      this.out = out;
      position = 0;
      buffer = 0;
      count = 0;
      return this;
    }

    /** Appends the low {@code n} (0..32) bits of {@code value}. */
    void bits(int value, int n) {
      buffer |= (value & 0xFFFFFFFFL & ((1L << n) - 1)) << count;
      count += n;
      if (count >= 32) {
        putInt(out, position, (int) buffer);
        position += 4;
        buffer >>>= 32;
        count -= 32;
      }
    }

    /** Appends a code from a literal table entry (code in the low 16 bits, length above). */
    void code(int entry) {
      bits(entry & 0xFFFF, entry >>> 16);
    }

    /** Appends whole bytes; the writer must be on a byte boundary. */
    void bytes(byte[] data, int from, int n) {
      while (count > 0) {
        out[position++] = (byte) buffer;
        buffer >>>= 8;
        count -= 8;
      }
      count = 0;
      System.arraycopy(data, from, out, position, n);
      position += n;
    }

    /** Pads with zero bits to the next byte boundary. */
    void alignToByte() {
      count = (count + 7) & ~7;
      if (count >= 32) bits(0, 0);
    }

    /** Writes the pending whole bytes; returns the length written. */
    int flush() {
      while (count > 0) {
        out[position++] = (byte) buffer;
        buffer >>>= 8;
        count -= 8;
      }
      count = 0;
      return position;
    }
  }
}
