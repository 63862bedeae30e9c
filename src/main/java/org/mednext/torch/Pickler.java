package org.mednext.torch;

import static org.mednext.torch.Opcodes.*;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes plain data and tensors as pickle protocol 2 the way {@code torch.save} does: tensors become
 * {@code torch._utils._rebuild_tensor_v2(persistent storage id, 0, size, stride, False, OrderedDict())} and their
 * bytes go to {@link #storages()} (storage key = index). Containers and tensors are memoized by identity, so
 * shared objects stay shared; cycles are refused.
 */
final class Pickler {

  /** CPython's batch size for APPENDS / SETITEMS. */
  private static final int BATCH = 1000;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final IdentityHashMap<Object, Integer> memo = new IdentityHashMap<>();
  private final HashMap<String, Integer> globalMemo = new HashMap<>();
  private final IdentityHashMap<Object, Boolean> active = new IdentityHashMap<>();
  private final List<TensorData> storages = new ArrayList<>();
  private final ArrayDeque<Object> path = new ArrayDeque<>();
  private int nextMemo;
  /** Whether numpy arrays may be written: not into checkpoints, which torch.load(weights_only=True) would refuse. */
  private final boolean numpyArrays;

  /** A pickler for checkpoints. */
  Pickler() {
    this(false);
  }

  /** @param numpyArrays whether {@link NumpyArray}s may be written (plain pickles for Python code with numpy) */
  Pickler(boolean numpyArrays) {
    this.numpyArrays = numpyArrays;
  }

  /**
   * The pickle of {@code root}.
   *
   * @throws IllegalArgumentException for a value that cannot be written, naming where it sits in {@code root}
   */
  byte[] pickle(Object root) {
    out.write(PROTO);
    out.write(2);
    save(root);
    out.write(STOP);
    return out.toByteArray();
  }

  /** The tensors whose bytes are the storages, in key order ("0", "1", ...). */
  List<TensorData> storages() {
    return storages;
  }

  private void save(Object o) {
    if (o == null) {
      out.write(NONE);
    } else if (o instanceof Boolean b) {
      out.write(b ? NEWTRUE : NEWFALSE);
    } else if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
      saveLong(((Number) o).longValue());
    } else if (o instanceof BigInteger v) {
      saveBig(v);
    } else if (o instanceof Double || o instanceof Float) {
      out.write(BINFLOAT);
      long bits = Double.doubleToRawLongBits(((Number) o).doubleValue());
      for (int i = 7; i >= 0; i--) out.write((int) (bits >>> (8 * i)));
    } else if (o instanceof String s) {
      saveString(s);
    } else if (o instanceof byte[] b) {
      // Protocol 2 has no bytes opcode: CPython writes _codecs.encode(<latin-1 str>, 'latin1').
      saveGlobal("_codecs", "encode");
      saveString(new String(b, StandardCharsets.ISO_8859_1));
      saveString("latin1");
      out.write(TUPLE2);
      out.write(REDUCE);
    } else if (o instanceof TorchDevice d) {
      saveGlobal("torch", "device");
      saveString(d.type());
      if (d.index() >= 0) {
        saveLong(d.index());
        out.write(TUPLE2);
      } else {
        out.write(TUPLE1);
      }
      out.write(REDUCE);
    } else if (o instanceof NumpyArray a && numpyArrays) {
      saveNumpy(a);
    } else if (o instanceof TensorData || o instanceof PyTuple || o instanceof Map || o instanceof List) {
      saveShared(o);
    } else {
      throw new IllegalArgumentException("cannot write a " + o.getClass().getName() + " at " + where()
          + ": checkpoints hold only tensors and plain data (Map, OrderedDict, List, PyTuple, String, Long, "
          + "Integer, BigInteger, Double, Float, Boolean, null, byte[], TorchDevice, TensorData"
          + (numpyArrays ? ", NumpyArray)" : ")"));
    }
  }

  /**
   * A float64 array as numpy pickles one: {@code _reconstruct(ndarray, (0,), b'b')}, then the state (version 1,
   * shape, {@code dtype('f8')} with its own state (3, '<', ...), C order, the little-endian bytes).
   */
  private void saveNumpy(NumpyArray a) {
    saveGlobal("numpy.core.multiarray", "_reconstruct");
    saveGlobal("numpy", "ndarray");
    saveLongTuple(new long[] {0});
    save(new byte[] {'b'});
    out.write(TUPLE3);
    out.write(REDUCE);
    out.write(MARK);
    saveLong(1);
    saveLongTuple(a.shape());
    saveGlobal("numpy", "dtype");
    saveString("f8");
    out.write(NEWFALSE);
    out.write(NEWTRUE);
    out.write(TUPLE3);
    out.write(REDUCE);
    out.write(MARK);
    saveLong(3);
    saveString("<");
    for (int i = 0; i < 3; i++) out.write(NONE);
    saveLong(-1);
    saveLong(-1);
    saveLong(0);
    out.write(TUPLE);
    out.write(BUILD);
    out.write(NEWFALSE); // not Fortran order
    ByteBuffer bytes = ByteBuffer.allocate(8 * a.values().length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (double v : a.values()) bytes.putDouble(v);
    save(bytes.array());
    out.write(TUPLE);
    out.write(BUILD);
  }

  /** Memoized objects: written once, then referred to with BINGET. */
  private void saveShared(Object o) {
    // Checked before the memo: lists and dicts enter the memo before their elements are written.
    if (active.containsKey(o)) {
      throw new IllegalArgumentException("cyclic structure at " + where() + ": a container contains itself");
    }
    Integer seen = memo.get(o);
    if (seen != null) {
      get(seen);
      return;
    }
    active.put(o, Boolean.TRUE);
    if (active.size() > Values.MAX_DEPTH) {
      throw new IllegalArgumentException("containers are nested deeper than " + Values.MAX_DEPTH + " at " + where());
    }
    if (o instanceof TensorData t) {
      saveTensor(t);
      put(o);
    } else if (o instanceof PyTuple t) {
      saveTuple(t);
      put(o);
    } else if (o instanceof OrderedDict d) {
      saveGlobal("collections", "OrderedDict");
      out.write(EMPTY_TUPLE);
      out.write(REDUCE);
      put(o);
      saveItems(d);
    } else if (o instanceof Map<?, ?> m) {
      out.write(EMPTY_DICT);
      put(o);
      saveItems(m);
    } else {
      out.write(EMPTY_LIST);
      put(o);
      saveElements((List<?>) o);
    }
    active.remove(o);
  }

  private void saveTensor(TensorData t) {
    saveGlobal("torch._utils", "_rebuild_tensor_v2");
    out.write(MARK);
    out.write(MARK); // persistent id ('storage', torch.XStorage, key, location, numel)
    saveString("storage");
    saveGlobal("torch", t.dtype().storageClassName());
    saveString(Integer.toString(storages.size()));
    saveString("cpu");
    saveLong(t.numel());
    out.write(TUPLE);
    out.write(BINPERSID);
    storages.add(t);
    saveLong(0);
    long[] shape = t.shape();
    long[] stride = new long[shape.length];
    long s = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      stride[d] = s;
      s *= Math.max(shape[d], 1); // torch's contiguous strides treat empty dimensions as size 1
    }
    saveLongTuple(shape);
    saveLongTuple(stride);
    out.write(NEWFALSE);
    saveGlobal("collections", "OrderedDict");
    out.write(EMPTY_TUPLE);
    out.write(REDUCE);
    out.write(TUPLE);
    out.write(REDUCE);
  }

  private void saveTuple(PyTuple t) {
    int n = t.size();
    if (n == 0) {
      out.write(EMPTY_TUPLE);
      return;
    }
    if (n > 3) out.write(MARK);
    for (int i = 0; i < n; i++) {
      path.push(i);
      save(t.get(i));
      path.pop();
    }
    out.write(n == 1 ? TUPLE1 : n == 2 ? TUPLE2 : n == 3 ? TUPLE3 : TUPLE);
  }

  private void saveItems(Map<?, ?> m) {
    Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
    while (it.hasNext()) {
      out.write(MARK);
      for (int i = 0; i < BATCH && it.hasNext(); i++) {
        Map.Entry<?, ?> e = it.next();
        if (!isKey(e.getKey(), 0)) {
          throw new IllegalArgumentException("dict key of type " + e.getKey().getClass().getName() + " in " + where()
              + " is not a plain hashable value (str, int, float, bool, None, torch.device or a tuple of such)");
        }
        path.push(e.getKey() == null ? "None" : e.getKey());
        save(e.getKey());
        save(e.getValue());
        path.pop();
      }
      out.write(SETITEMS);
    }
  }

  private static boolean isKey(Object k, int depth) {
    if (k instanceof PyTuple t) {
      if (depth > 20) return false;
      for (Object item : t.items()) {
        if (!isKey(item, depth + 1)) return false;
      }
      return true;
    }
    return k == null || k instanceof String || k instanceof Long || k instanceof Integer || k instanceof Short
        || k instanceof Byte || k instanceof BigInteger || k instanceof Double || k instanceof Float
        || k instanceof Boolean || k instanceof TorchDevice;
  }

  private void saveElements(List<?> list) {
    for (int start = 0; start < list.size(); start += BATCH) {
      out.write(MARK);
      for (int i = start; i < Math.min(list.size(), start + BATCH); i++) {
        path.push(i);
        save(list.get(i));
        path.pop();
      }
      out.write(APPENDS);
    }
  }

  private void saveGlobal(String module, String name) {
    String key = module + "\n" + name;
    Integer seen = globalMemo.get(key);
    if (seen != null) {
      get(seen);
      return;
    }
    out.write(GLOBAL);
    out.writeBytes((key + "\n").getBytes(StandardCharsets.US_ASCII));
    globalMemo.put(key, nextMemo);
    putIndex(nextMemo++);
  }

  private void saveLongTuple(long[] values) {
    PyTuple t = new PyTuple(java.util.Arrays.stream(values).boxed().map(v -> (Object) v).toList());
    saveTuple(t);
  }

  private void saveLong(long v) {
    if (v >= 0 && v < 256) {
      out.write(BININT1);
      out.write((int) v);
    } else if (v >= 0 && v < 65536) {
      out.write(BININT2);
      out.write((int) v);
      out.write((int) (v >>> 8));
    } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      out.write(BININT);
      for (int i = 0; i < 4; i++) out.write((int) (v >>> (8 * i)));
    } else {
      saveBig(BigInteger.valueOf(v));
    }
  }

  private void saveBig(BigInteger v) {
    if (v.bitLength() < 32) {
      saveLong(v.longValue());
      return;
    }
    byte[] big = v.toByteArray(); // minimal two's complement, big-endian
    int n = big.length;
    if (n < 256) {
      out.write(LONG1);
      out.write(n);
    } else {
      out.write(LONG4);
      for (int i = 0; i < 4; i++) out.write(n >>> (8 * i));
    }
    for (int i = n - 1; i >= 0; i--) out.write(big[i]);
  }

  private void saveString(String s) {
    byte[] utf8;
    try {
      ByteBuffer b = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(s));
      utf8 = new byte[b.remaining()];
      b.get(utf8);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("string at " + where() + " contains an unpaired surrogate character");
    }
    out.write(BINUNICODE);
    for (int i = 0; i < 4; i++) out.write(utf8.length >>> (8 * i));
    out.writeBytes(utf8);
  }

  private void put(Object o) {
    memo.put(o, nextMemo);
    putIndex(nextMemo++);
  }

  private void putIndex(int index) {
    if (index < 256) {
      out.write(BINPUT);
      out.write(index);
    } else {
      out.write(LONG_BINPUT);
      for (int i = 0; i < 4; i++) out.write(index >>> (8 * i));
    }
  }

  private void get(int index) {
    if (index < 256) {
      out.write(BINGET);
      out.write(index);
    } else {
      out.write(LONG_BINGET);
      for (int i = 0; i < 4; i++) out.write(index >>> (8 * i));
    }
  }

  /** The path to the value being written, e.g. root['network_weights']['conv.weight']. */
  private String where() {
    StringBuilder sb = new StringBuilder("root");
    Iterator<Object> it = path.descendingIterator();
    while (it.hasNext()) {
      Object k = it.next();
      sb.append('[').append(k instanceof String s ? "'" + s + "'" : String.valueOf(k)).append(']');
    }
    return sb.toString();
  }
}
