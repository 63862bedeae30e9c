package org.mednext.torch;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Decoders for the text forms of pickle protocols 0 and 1 and for byte strings. Each throws
 * {@link IllegalArgumentException} with a message for malformed input, which the unpickler reports with its offset.
 */
final class PickleText {

  /** Python 3.11+ refuses longer decimal strings too (sys.get_int_max_str_digits). */
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,4300}");
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private PickleText() {}

  /** A decimal integer as Long, or BigInteger beyond 64 bits. */
  static Object parseInt(String s) {
    if (!INTEGER.matcher(s).matches()) throw new IllegalArgumentException("not a decimal integer: '" + clip(s) + "'");
    return normalize(new BigInteger(s));
  }

  /** Python's {@code float(s)} for what repr(float) produces, including inf and nan. */
  static double parseFloat(String s) {
    String t = s.strip().toLowerCase();
    String body = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
    double sign = t.startsWith("-") ? -1 : 1;
    if (body.equals("inf") || body.equals("infinity")) return sign * Double.POSITIVE_INFINITY;
    if (body.equals("nan")) return Double.NaN;
    if (!DECIMAL.matcher(t).matches()) throw new IllegalArgumentException("not a float: '" + clip(s) + "'");
    return Double.parseDouble(t);
  }

  /** An int from little-endian two's-complement bytes (LONG1, LONG4); empty means 0. */
  static Object fromTwosComplement(byte[] littleEndian) {
    if (littleEndian.length == 0) return 0L;
    byte[] big = new byte[littleEndian.length];
    for (int i = 0; i < big.length; i++) big[i] = littleEndian[big.length - 1 - i];
    return normalize(new BigInteger(big));
  }

  /** Long when it fits in 64 bits, else the BigInteger itself. */
  static Object normalize(BigInteger v) {
    return v.bitLength() < 64 ? (Object) v.longValue() : v;
  }

  /** UTF-8 as Python decodes it; malformed sequences are an error rather than silently replaced. */
  static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("a string is not valid UTF-8");
    }
  }

  /** STRING's argument: a quoted Python 2 string literal with backslash escapes, as bytes. */
  static byte[] unquote(byte[] line) {
    int n = line.length;
    if (n < 2 || line[0] != line[n - 1] || (line[0] != '\'' && line[0] != '"')) {
      throw new IllegalArgumentException("the STRING opcode argument is not quoted");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(n);
    for (int i = 1; i < n - 1; i++) {
      int c = line[i] & 0xFF;
      if (c != '\\') {
        out.write(c);
        continue;
      }
      if (++i >= n - 1) throw new IllegalArgumentException("a STRING ends with a lone backslash");
      int e = line[i] & 0xFF;
      switch (e) {
        case 'n' -> out.write('\n');
        case 'r' -> out.write('\r');
        case 't' -> out.write('\t');
        case 'a' -> out.write(7);
        case 'b' -> out.write(8);
        case 'f' -> out.write(12);
        case 'v' -> out.write(11);
        case '\n' -> { } // line continuation
        case 'x' -> {
          if (i + 2 > n - 2) throw new IllegalArgumentException("truncated \\x escape in a STRING");
          out.write(Integer.parseInt(hex(line, i + 1, 2), 16));
          i += 2;
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 0; k < 2 && i + 1 < n - 1 && line[i + 1] >= '0' && line[i + 1] <= '7'; k++) {
              v = v * 8 + (line[++i] - '0');
            }
            out.write(v & 0xFF);
          } else {
            out.write('\\'); // Python keeps unknown escapes as they are
            out.write(e);
          }
        }
      }
    }
    return out.toByteArray();
  }

  /** UNICODE's argument: raw-unicode-escape, i.e. latin-1 bytes with \\uXXXX and \\UXXXXXXXX escapes. */
  static String rawUnicodeEscape(byte[] line) {
    StringBuilder sb = new StringBuilder(line.length);
    for (int i = 0; i < line.length; i++) {
      int c = line[i] & 0xFF;
      if (c == '\\' && i + 1 < line.length && (line[i + 1] == 'u' || line[i + 1] == 'U')) {
        int digits = line[i + 1] == 'u' ? 4 : 8;
        if (i + 2 + digits > line.length) throw new IllegalArgumentException("truncated \\u escape in a UNICODE");
        int cp = Integer.parseUnsignedInt(hex(line, i + 2, digits), 16);
        if (cp < 0 || cp > Character.MAX_CODE_POINT) {
          throw new IllegalArgumentException("invalid code point in a UNICODE");
        }
        sb.appendCodePoint(cp);
        i += 1 + digits;
      } else {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  private static String hex(byte[] b, int from, int count) {
    String s = new String(b, from, count, StandardCharsets.ISO_8859_1);
    if (!s.matches("[0-9A-Fa-f]+")) throw new IllegalArgumentException("invalid hex escape '" + clip(s) + "'");
    return s;
  }

  private static String clip(String s) {
    return Globals.printable(s.length() > 40 ? s.substring(0, 40) + "..." : s);
  }
}
