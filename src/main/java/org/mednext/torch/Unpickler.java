package org.mednext.torch;

import static org.mednext.torch.Opcodes.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A restricted pickle virtual machine for protocols 0 to 5. It builds plain data only: globals are resolved
 * against {@link Globals}' allow-list the moment GLOBAL, STACK_GLOBAL or INST names them (anything else is an
 * {@link UnsafeCheckpointException}), and REDUCE, NEWOBJ and BUILD act only through {@link GlobalCalls}. Every
 * misuse of stack, marks or memo is a {@link CheckpointException} naming opcode and byte offset.
 */
final class Unpickler {

  private final PickleContext ctx;
  private final PickleInput in;
  private final GlobalCalls calls;
  private final ArrayList<Object> stack = new ArrayList<>();
  private final ArrayList<Integer> marks = new ArrayList<>();
  private final HashMap<Long, Object> memo = new HashMap<>();
  private int op;

  private Unpickler(byte[] pickle, PickleContext ctx, GlobalCalls.StorageSource storages) {
    this.ctx = ctx;
    this.in = new PickleInput(pickle, ctx);
    this.calls = new GlobalCalls(ctx, storages);
  }

  /**
   * Unpickles {@code pickle}, the zip entry {@code entry} of {@code file} (both only for messages).
   *
   * @return plain data: Map, OrderedDict, List, PyTuple, String, Long, BigInteger, Double, Boolean, null,
   *     byte[], TorchDevice, TensorData
   */
  static Object load(byte[] pickle, String file, String entry, GlobalCalls.StorageSource storages)
      throws CheckpointException {
    return new Unpickler(pickle, new PickleContext(file, entry), storages).run();
  }

  private Object run() throws CheckpointException {
    while (true) {
      ctx.opOffset = in.pos();
      if (in.remaining() == 0) throw ctx.fail("the pickle ends without a STOP opcode: the file is truncated");
      op = in.u8();
      if (op == STOP) return finish();
      try {
        step();
      } catch (IllegalArgumentException e) {
        throw ctx.fail("%s", e.getMessage());
      }
    }
  }

  private void step() throws CheckpointException {
    switch (op) {
      case PROTO -> {
        int v = in.u8();
        if (v > 5) throw ctx.fail("unsupported pickle protocol %d (this reader knows 0 to 5)", v);
      }
      case FRAME -> {
        long n = in.u64();
        if (n < 0 || n > in.remaining()) throw ctx.fail("a frame of %s bytes runs past the end of the pickle",
            Long.toUnsignedString(n));
      }
      case MARK -> marks.add(stack.size());
      case POP -> {
        if (!marks.isEmpty() && stack.size() == topMark()) marks.remove(marks.size() - 1);
        else pop();
      }
      case POP_MARK -> popMark();
      case DUP -> push(peek());
      case NONE -> push(null);
      case NEWTRUE -> push(Boolean.TRUE);
      case NEWFALSE -> push(Boolean.FALSE);
      case INT -> {
        String s = in.line();
        push(s.equals("01") ? Boolean.TRUE : s.equals("00") ? Boolean.FALSE : PickleText.parseInt(s));
      }
      case BININT -> push((long) in.s32());
      case BININT1 -> push((long) in.u8());
      case BININT2 -> push((long) in.u16());
      case LONG -> {
        String s = in.line();
        push(PickleText.parseInt(s.endsWith("L") ? s.substring(0, s.length() - 1) : s));
      }
      case LONG1 -> push(PickleText.fromTwosComplement(in.bytes(in.u8())));
      case LONG4 -> push(PickleText.fromTwosComplement(in.bytes(in.s32())));
      case FLOAT -> push(PickleText.parseFloat(in.line()));
      case BINFLOAT -> push(in.f64BigEndian());
      // torch.load decodes Python 2 byte strings as UTF-8 (its default encoding='utf-8').
      case STRING -> push(PickleText.utf8(PickleText.unquote(in.lineBytes())));
      case BINSTRING -> push(PickleText.utf8(in.bytes(in.s32())));
      case SHORT_BINSTRING -> push(PickleText.utf8(in.bytes(in.u8())));
      case UNICODE -> push(PickleText.rawUnicodeEscape(in.lineBytes()));
      case BINUNICODE -> push(PickleText.utf8(in.bytes(in.u32())));
      case SHORT_BINUNICODE -> push(PickleText.utf8(in.bytes(in.u8())));
      case BINUNICODE8 -> push(PickleText.utf8(in.bytes(in.u64())));
      case BINBYTES -> push(in.bytes(in.u32()));
      case SHORT_BINBYTES -> push(in.bytes(in.u8()));
      case BINBYTES8, BYTEARRAY8 -> push(in.bytes(in.u64()));
      case NEXT_BUFFER, READONLY_BUFFER -> throw ctx.fail("opcode %s (out-of-band buffers) is not supported: "
          + "torch.save does not use it", Opcodes.describe(op));
      case EMPTY_LIST, EMPTY_SET -> push(new ArrayList<>());
      case EMPTY_DICT -> push(new LinkedHashMap<>());
      case EMPTY_TUPLE -> push(PyTuple.of());
      case LIST, FROZENSET -> push(new ArrayList<>(popMark()));
      case TUPLE -> push(new PyTuple(popMark()));
      case TUPLE1 -> push(PyTuple.of(pop()));
      case TUPLE2 -> {
        Object b = pop();
        push(PyTuple.of(pop(), b));
      }
      case TUPLE3 -> {
        Object c = pop();
        Object b = pop();
        push(PyTuple.of(pop(), b, c));
      }
      case DICT -> {
        LinkedHashMap<Object, Object> d = new LinkedHashMap<>();
        putAll(d, popMark());
        push(d);
      }
      case APPEND -> {
        Object v = pop();
        list().add(v);
      }
      case APPENDS, ADDITEMS -> {
        List<Object> items = popMark();
        list().addAll(items);
      }
      case SETITEM -> {
        Object v = pop();
        Object k = pop();
        put(dict(), k, v);
      }
      case SETITEMS -> {
        List<Object> items = popMark();
        putAll(dict(), items);
      }
      case GET -> push(memoGet(longIndex(PickleText.parseInt(in.line()))));
      case BINGET -> push(memoGet(in.u8()));
      case LONG_BINGET -> push(memoGet(in.u32()));
      case PUT -> memo.put(longIndex(PickleText.parseInt(in.line())), peek());
      case BINPUT -> memo.put((long) in.u8(), peek());
      case LONG_BINPUT -> memo.put(in.u32(), peek());
      case MEMOIZE -> memo.put((long) memo.size(), peek());
      case GLOBAL -> {
        String module = in.line();
        push(resolve(module, in.line()));
      }
      case STACK_GLOBAL -> {
        Object name = pop();
        Object module = pop();
        if (!(module instanceof String m) || !(name instanceof String n)) {
          throw ctx.fail("STACK_GLOBAL needs two str, got %s and %s", GlobalCalls.describe(module),
              GlobalCalls.describe(name));
        }
        push(resolve(m, n));
      }
      case INST -> {
        String module = in.line();
        Object cls = resolve(module, in.line());
        push(calls.call(cls, new PyTuple(popMark())));
      }
      case OBJ -> {
        List<Object> items = popMark();
        if (items.isEmpty()) throw ctx.fail("OBJ without a class");
        push(calls.call(items.get(0), new PyTuple(items.subList(1, items.size()))));
      }
      case REDUCE -> {
        Object args = pop();
        push(calls.call(pop(), args));
      }
      case NEWOBJ -> {
        Object args = pop();
        push(calls.newObject(pop(), args));
      }
      case NEWOBJ_EX -> {
        Object kwargs = pop();
        Object args = pop();
        Object cls = pop();
        if (!(kwargs instanceof Map<?, ?> m) || !m.isEmpty()) throw ctx.fail("NEWOBJ_EX with keyword arguments");
        push(calls.newObject(cls, args));
      }
      case BUILD -> {
        Object state = pop();
        calls.build(peek(), state);
      }
      case BINPERSID -> push(calls.persistentLoad(pop()));
      case PERSID -> throw ctx.fail("text persistent ids (opcode %s) are not used by torch.save",
          Opcodes.describe(op));
      case EXT1, EXT2, EXT4 -> {
        long code = op == EXT1 ? in.u8() : op == EXT2 ? in.u16() : in.s32();
        throw ctx.unsafe("copyreg extension code " + code + " (opcode EXT)");
      }
      default -> throw ctx.fail("unknown pickle opcode %s: the file is corrupt or not a torch checkpoint",
          Opcodes.describe(op));
    }
  }

  private Object resolve(String module, String name) throws CheckpointException {
    Object g = Globals.resolve(module, name);
    if (g == null) {
      String opcode = op == GLOBAL ? "GLOBAL" : op == STACK_GLOBAL ? "STACK_GLOBAL" : "INST";
      throw ctx.unsafe("pickle global '" + Globals.printable(module + "." + name) + "' (opcode " + opcode + ")");
    }
    return g;
  }

  private Object finish() throws CheckpointException {
    if (stack.size() != 1 || !marks.isEmpty()) {
      throw ctx.fail("STOP with %d values and %d open MARKs on the stack instead of one value", stack.size(),
          marks.size());
    }
    Object result = stack.get(0);
    String problem = Values.problem(result);
    if (problem != null) throw ctx.fail("%s", problem);
    return result;
  }

  private int topMark() {
    return marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
  }

  private void push(Object o) {
    stack.add(o);
  }

  private Object pop() throws CheckpointException {
    Object o = peek();
    stack.remove(stack.size() - 1);
    return o;
  }

  private Object peek() throws CheckpointException {
    if (stack.size() <= topMark()) {
      throw ctx.fail("opcode %s needs a value, but the stack is empty%s: the file is corrupt",
          Opcodes.describe(op), marks.isEmpty() ? "" : " above the last MARK");
    }
    return stack.get(stack.size() - 1);
  }

  private List<Object> popMark() throws CheckpointException {
    if (marks.isEmpty()) throw ctx.fail("opcode %s needs a MARK, but there is none", Opcodes.describe(op));
    int m = marks.remove(marks.size() - 1);
    List<Object> top = stack.subList(m, stack.size());
    List<Object> items = new ArrayList<>(top);
    top.clear();
    return items;
  }

  @SuppressWarnings("unchecked")
  private List<Object> list() throws CheckpointException {
    Object o = peek();
    if (!(o instanceof ArrayList)) {
      throw ctx.fail("opcode %s appends to %s, which is not a list", Opcodes.describe(op), GlobalCalls.describe(o));
    }
    return (List<Object>) o;
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> dict() throws CheckpointException {
    Object o = peek();
    if (!(o instanceof LinkedHashMap)) {
      throw ctx.fail("opcode %s sets an item of %s, which is not a dict", Opcodes.describe(op),
          GlobalCalls.describe(o));
    }
    return (Map<Object, Object>) o;
  }

  private void putAll(Map<Object, Object> d, List<Object> items) throws CheckpointException {
    if (items.size() % 2 != 0) throw ctx.fail("opcode %s has an odd number of keys and values", Opcodes.describe(op));
    for (int i = 0; i < items.size(); i += 2) put(d, items.get(i), items.get(i + 1));
  }

  private void put(Map<Object, Object> d, Object key, Object value) throws CheckpointException {
    if (!Values.isKey(key)) {
      throw ctx.fail("dict key %s is not a plain hashable value", GlobalCalls.describe(key));
    }
    d.put(key, value);
  }

  private Object memoGet(long index) throws CheckpointException {
    if (!memo.containsKey(index)) throw ctx.fail("memo entry %d is read before it is written", index);
    return memo.get(index);
  }

  private long longIndex(Object parsed) throws CheckpointException {
    if (!(parsed instanceof Long v) || v < 0) throw ctx.fail("invalid memo index %s", parsed);
    return v;
  }
}
