package org.mednext.torch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes pickle bytes by hand, opcode by opcode, for crafted (often malicious) test inputs. */
final class PickleBuilder {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  /** Offset of the last BINPERSID written by {@link #storage}. */
  int persidOffset = -1;

  /** The offset the next opcode will have. */
  int offset() {
    return out.size();
  }

  PickleBuilder op(int... opcodes) {
    for (int o : opcodes) out.write(o);
    return this;
  }

  /** Raw bytes, e.g. the text lines of protocol-0 opcodes. */
  PickleBuilder raw(String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  PickleBuilder proto2() {
    return op(Opcodes.PROTO, 2);
  }

  /** GLOBAL 'module name'. */
  PickleBuilder global(String module, String name) {
    op(Opcodes.GLOBAL);
    out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** BINUNICODE. */
  PickleBuilder str(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    op(Opcodes.BINUNICODE);
    le(b.length, 4);
    out.writeBytes(b);
    return this;
  }

  /** BININT1 (0..255), BININT (32 bits) or LONG1. */
  PickleBuilder integer(long v) {
    if (v >= 0 && v < 256) return op(Opcodes.BININT1, (int) v);
    if (v == (int) v) return op(Opcodes.BININT).le(v, 4);
    return op(Opcodes.LONG1, 8).le(v, 8);
  }

  /** Little-endian {@code n}-byte value. */
  PickleBuilder le(long v, int n) {
    for (int i = 0; i < n; i++) out.write((int) (v >>> (8 * i)));
    return this;
  }

  /** The persistent id ('storage', torch.{storageClass}, key, 'cpu', numel) and BINPERSID. */
  PickleBuilder storage(String storageClass, String key, long numel) {
    op(Opcodes.MARK).str("storage").global("torch", storageClass).str(key).str("cpu").integer(numel);
    op(Opcodes.TUPLE);
    persidOffset = offset();
    return op(Opcodes.BINPERSID);
  }

  /** A tuple of small ints. */
  PickleBuilder ints(long... values) {
    op(Opcodes.MARK);
    for (long v : values) integer(v);
    return op(Opcodes.TUPLE);
  }

  /**
   * A complete {@code _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())} call, with the
   * storage persistent id built by {@code storage}.
   */
  PickleBuilder tensor(String storageClass, String key, long numel, long offset, long[] size, long[] stride) {
    global("torch._utils", "_rebuild_tensor_v2").op(Opcodes.MARK).storage(storageClass, key, numel);
    integer(offset).ints(size).ints(stride).op(Opcodes.NEWFALSE);
    global("collections", "OrderedDict").op(Opcodes.EMPTY_TUPLE, Opcodes.REDUCE);
    return op(Opcodes.TUPLE, Opcodes.REDUCE);
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  /** Appends STOP and returns the bytes. */
  byte[] stop() {
    return op(Opcodes.STOP).bytes();
  }
}
