package org.mednext.io;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a .npy file: format version, dtype with byte order, memory order and shape. numpy writes it as
 * a Python dict literal, e.g. {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }}, padded so the
 * data starts at a multiple of 64 bytes.
 */
final class NpyHeader {

  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
  private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

  final String dtype;
  final ByteOrder order;
  final boolean fortranOrder;
  final long[] shape;

  NpyHeader(String dtype, ByteOrder order, boolean fortranOrder, long[] shape) {
    this.dtype = dtype;
    this.order = order;
    this.fortranOrder = fortranOrder;
    this.shape = shape;
  }

  /** Parses the dict text that follows the magic, version and length fields. */
  static NpyHeader parse(String text, Path file) throws VolumeFormatException {
    if (text.contains("'descr': [") || text.contains("\"descr\": [")) {
      throw new VolumeFormatException(file, "structured (record) dtypes are not supported: " + text.trim());
    }
    Matcher d = DESCR.matcher(text);
    Matcher f = FORTRAN.matcher(text);
    Matcher s = SHAPE.matcher(text);
    if (!d.find() || !f.find() || !s.find()) {
      throw new VolumeFormatException(file, "npy header is not a dict with 'descr', 'fortran_order' and 'shape': "
          + text.trim());
    }
    String descr = d.group(1);
    char o = descr.isEmpty() ? '?' : descr.charAt(0);
    String dtype = descr.isEmpty() ? "" : descr.substring(1);
    if (!NpyArray.isSupported(dtype) || "<>|=".indexOf(o) < 0) {
      throw new VolumeFormatException(file, "unsupported npy dtype '" + descr + "'; supported: bool, int8..int64, "
          + "uint8..uint64, float16, float32, float64, either byte order");
    }
    ByteOrder order = o == '>' ? ByteOrder.BIG_ENDIAN : o == '<' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.nativeOrder();
    List<Long> dims = new ArrayList<>();
    for (String part : s.group(1).split(",")) {
      String p = part.trim();
      if (p.endsWith("L")) p = p.substring(0, p.length() - 1); // Python 2 longs
      if (p.isEmpty()) continue;
      try {
        long v = Long.parseLong(p);
        if (v < 0) throw new NumberFormatException();
        dims.add(v);
      } catch (NumberFormatException e) {
        throw new VolumeFormatException(file, "npy shape entry '" + part.trim() + "' is not a count: " + text.trim());
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    return new NpyHeader(dtype, order, f.group(1).equals("True"), shape);
  }

  /**
   * The complete header bytes (magic, version, length, little-endian dict, padding to a multiple of 64, newline):
   * version 1.0 when the dict fits 65535 bytes, else 2.0.
   */
  static byte[] encode(String dtype, long[] shape) {
    StringBuilder tuple = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) tuple.append(i > 0 ? ", " : "").append(shape[i]);
    if (shape.length == 1) tuple.append(',');
    tuple.append(')');
    char order = dtype.endsWith("1") ? '|' : '<';
    String dict = String.format(Locale.ROOT, "{'descr': '%c%s', 'fortran_order': False, 'shape': %s, }", order,
        dtype, tuple);
    int prefix = dict.length() + 1 <= 65535 - 64 ? 10 : 12;
    int total = prefix + dict.length() + 1;
    int padded = (total + 63) / 64 * 64;
    byte[] text = (dict + " ".repeat(padded - total) + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[prefix + text.length];
    System.arraycopy(MAGIC, 0, out, 0, 6);
    out[6] = (byte) (prefix == 10 ? 1 : 2);
    out[7] = 0;
    int len = text.length;
    out[8] = (byte) len;
    out[9] = (byte) (len >>> 8);
    if (prefix == 12) {
      out[10] = (byte) (len >>> 16);
      out[11] = (byte) (len >>> 24);
    }
    System.arraycopy(text, 0, out, prefix, text.length);
    return out;
  }
}
