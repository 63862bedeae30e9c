package org.mednext.torch;

import java.nio.charset.StandardCharsets;

/** Bounds-checked reading of a pickle's bytes; every length a pickle claims is checked before allocating. */
final class PickleInput {

  private final byte[] bytes;
  private final PickleContext ctx;
  private int pos;

  PickleInput(byte[] bytes, PickleContext ctx) {
    this.bytes = bytes;
    this.ctx = ctx;
  }

  int pos() {
    return pos;
  }

  int remaining() {
    return bytes.length - pos;
  }

  int u8() throws CheckpointException {
    need(1);
    return bytes[pos++] & 0xFF;
  }

  int u16() throws CheckpointException {
    need(2);
    int v = (bytes[pos] & 0xFF) | (bytes[pos + 1] & 0xFF) << 8;
    pos += 2;
    return v;
  }

  int s32() throws CheckpointException {
    need(4);
    int v = (bytes[pos] & 0xFF) | (bytes[pos + 1] & 0xFF) << 8 | (bytes[pos + 2] & 0xFF) << 16 | bytes[pos + 3] << 24;
    pos += 4;
    return v;
  }

  long u32() throws CheckpointException {
    return s32() & 0xFFFFFFFFL;
  }

  /** An unsigned 64-bit length; values beyond 2^63 read as negative and fail the later length check. */
  long u64() throws CheckpointException {
    long lo = u32();
    long hi = u32();
    return hi << 32 | lo;
  }

  double f64BigEndian() throws CheckpointException {
    need(8);
    long v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | (bytes[pos + i] & 0xFF);
    pos += 8;
    return Double.longBitsToDouble(v);
  }

  /** The next {@code n} bytes, after checking that the pickle holds them. */
  byte[] bytes(long n) throws CheckpointException {
    if (n < 0 || n > remaining()) {
      throw ctx.fail("the pickle claims %s bytes follow, but only %d remain: the file is truncated or corrupt",
          Long.toUnsignedString(n), remaining());
    }
    byte[] out = new byte[(int) n];
    System.arraycopy(bytes, pos, out, 0, (int) n);
    pos += (int) n;
    return out;
  }

  /** Bytes up to the next '\n' (consumed, not returned). */
  byte[] lineBytes() throws CheckpointException {
    int end = pos;
    while (end < bytes.length && bytes[end] != '\n') end++;
    if (end == bytes.length) throw ctx.fail("a text argument has no terminating newline: the file is truncated");
    byte[] out = new byte[end - pos];
    System.arraycopy(bytes, pos, out, 0, out.length);
    pos = end + 1;
    return out;
  }

  /** A text line as UTF-8 (names, numbers). */
  String line() throws CheckpointException {
    return new String(lineBytes(), StandardCharsets.UTF_8);
  }

  private void need(int n) throws CheckpointException {
    if (remaining() < n) throw ctx.fail("the pickle ends in the middle of an opcode argument: the file is truncated");
  }
}
