package org.mednext.torch;

import java.util.Locale;

/** Pickle opcodes of protocols 0 to 5 (CPython's Lib/pickle.py names and values). */
final class Opcodes {

  private Opcodes() {}

  static final int MARK = '(', STOP = '.', POP = '0', POP_MARK = '1', DUP = '2', FLOAT = 'F', INT = 'I';
  static final int BININT = 'J', BININT1 = 'K', LONG = 'L', BININT2 = 'M', NONE = 'N', PERSID = 'P';
  static final int BINPERSID = 'Q', REDUCE = 'R', STRING = 'S', BINSTRING = 'T', SHORT_BINSTRING = 'U';
  static final int UNICODE = 'V', BINUNICODE = 'X', APPEND = 'a', BUILD = 'b', GLOBAL = 'c', DICT = 'd';
  static final int EMPTY_DICT = '}', APPENDS = 'e', GET = 'g', BINGET = 'h', INST = 'i', LONG_BINGET = 'j';
  static final int LIST = 'l', EMPTY_LIST = ']', OBJ = 'o', PUT = 'p', BINPUT = 'q', LONG_BINPUT = 'r';
  static final int SETITEM = 's', TUPLE = 't', EMPTY_TUPLE = ')', SETITEMS = 'u', BINFLOAT = 'G';
  // protocol 2
  static final int PROTO = 0x80, NEWOBJ = 0x81, EXT1 = 0x82, EXT2 = 0x83, EXT4 = 0x84, TUPLE1 = 0x85;
  static final int TUPLE2 = 0x86, TUPLE3 = 0x87, NEWTRUE = 0x88, NEWFALSE = 0x89, LONG1 = 0x8a, LONG4 = 0x8b;
  // protocol 3
  static final int BINBYTES = 'B', SHORT_BINBYTES = 'C';
  // protocol 4
  static final int SHORT_BINUNICODE = 0x8c, BINUNICODE8 = 0x8d, BINBYTES8 = 0x8e, EMPTY_SET = 0x8f;
  static final int ADDITEMS = 0x90, FROZENSET = 0x91, NEWOBJ_EX = 0x92, STACK_GLOBAL = 0x93, MEMOIZE = 0x94;
  static final int FRAME = 0x95;
  // protocol 5
  static final int BYTEARRAY8 = 0x96, NEXT_BUFFER = 0x97, READONLY_BUFFER = 0x98;

  /** The opcode for messages: "STACK_GLOBAL (0x93)" for those that matter here, else e.g. "0x7a ('z')" or "0xff". */
  static String describe(int op) {
    String name = switch (op) {
      case GLOBAL -> "GLOBAL";
      case STACK_GLOBAL -> "STACK_GLOBAL";
      case INST -> "INST";
      case REDUCE -> "REDUCE";
      case NEWOBJ -> "NEWOBJ";
      case NEWOBJ_EX -> "NEWOBJ_EX";
      case BUILD -> "BUILD";
      case OBJ -> "OBJ";
      case EXT1, EXT2, EXT4 -> "EXT";
      case PERSID -> "PERSID";
      case NEXT_BUFFER -> "NEXT_BUFFER";
      case READONLY_BUFFER -> "READONLY_BUFFER";
      default -> null;
    };
    String hex = String.format(Locale.ROOT, "0x%02x", op);
    if (name != null) return name + " (" + hex + ")";
    return op >= 0x21 && op < 0x7F ? hex + " ('" + (char) op + "')" : hex;
  }
}
