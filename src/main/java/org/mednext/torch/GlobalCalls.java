package org.mednext.torch;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What REDUCE, NEWOBJ, BUILD and persistent ids do for the allow-listed globals: each checks its arguments'
 * types and sizes and builds plain data. Anything else is a {@link CheckpointException}.
 */
final class GlobalCalls {

  /** Reads storage records for persistent ids {@code ('storage', type, key, location, numel)}. */
  interface StorageSource {
    Globals.Storage load(PickleContext ctx, DType dtype, String key, String location, long numel)
        throws CheckpointException;
  }

  /** Copies of views may take this much plus {@link #COPY_FACTOR} times the storage bytes loaded. */
  static final long COPY_ALLOWANCE = 64L << 20;
  static final long COPY_FACTOR = 16;

  private static final Pattern NUMPY_SPEC = Pattern.compile("([fiub])([1248])");

  private final PickleContext ctx;
  private final StorageSource storages;
  private final Map<String, Globals.Storage> loaded = new HashMap<>();
  private final IdentityHashMap<Globals.Storage, Boolean> counted = new IdentityHashMap<>();
  private long storageBytes;
  private long copiedBytes;

  GlobalCalls(PickleContext ctx, StorageSource storages) {
    this.ctx = ctx;
    this.storages = storages;
  }

  /** BINPERSID: a storage persistent id as torch.save writes it. */
  Object persistentLoad(Object pid) throws CheckpointException {
    if (!(pid instanceof PyTuple t) || t.size() != 5 || !"storage".equals(t.get(0))) {
      throw ctx.fail("unsupported persistent id %s: torch.save writes ('storage', type, key, location, numel)",
          describe(pid));
    }
    if (!(t.get(1) instanceof Globals.StorageType type)) {
      throw ctx.fail("persistent id names %s where a torch storage type is expected", describe(t.get(1)));
    }
    if (!(t.get(2) instanceof String key) || !key.matches("[A-Za-z0-9_]{1,64}")) {
      throw ctx.fail("invalid storage key %s in a persistent id", describe(t.get(2)));
    }
    if (!(t.get(3) instanceof String location)) throw ctx.fail("storage location %s is not a str", describe(t.get(3)));
    if (!(t.get(4) instanceof Long numel) || numel < 0) {
      throw ctx.fail("invalid element count %s for storage '%s'", describe(t.get(4)), key);
    }
    Globals.Storage s = loaded.get(key);
    if (s == null) {
      s = storages.load(ctx, type.dtype(), key, location, numel);
      loaded.put(key, s);
    } else if (s.dtype() != type.dtype() || s.numel() != numel) {
      throw ctx.fail("storage '%s' is referenced as %d x %s and as %d x %s", key, s.numel(), s.dtype(), numel,
          type.dtype());
    }
    if (counted.put(s, Boolean.TRUE) == null) storageBytes += s.bytes().length;
    return s;
  }

  /** REDUCE: {@code callable(*args)}. */
  Object call(Object callable, Object argTuple) throws CheckpointException {
    if (!(callable instanceof Globals.Global g)) {
      throw ctx.fail("REDUCE calls %s, which is not an allowed callable", describe(callable));
    }
    if (!(argTuple instanceof PyTuple args)) {
      throw ctx.fail("REDUCE passes %s to %s instead of an argument tuple", describe(argTuple), g);
    }
    return switch (g.callable()) {
      case ORDERED_DICT -> {
        if (args.size() != 0) throw ctx.fail("collections.OrderedDict is only accepted with no arguments");
        yield new OrderedDict();
      }
      case REBUILD_TENSOR_V2 -> rebuildTensor(args);
      case REBUILD_PARAMETER -> rebuildParameter(args);
      case TORCH_DEVICE -> device(args);
      case NUMPY_DTYPE -> numpyDType(args);
      case NUMPY_SCALAR -> numpyScalar(args);
      case CODECS_ENCODE -> encode(args);
    };
  }

  /** NEWOBJ / NEWOBJ_EX: {@code cls.__new__(cls, *args)}, only for an argument-less OrderedDict. */
  Object newObject(Object cls, Object argTuple) throws CheckpointException {
    if (cls instanceof Globals.Global g && g.callable() == Globals.Callable.ORDERED_DICT
        && argTuple instanceof PyTuple args && args.size() == 0) {
      return new OrderedDict();
    }
    throw ctx.fail("NEWOBJ on %s with %s is not supported: only collections.OrderedDict() is", describe(cls),
        describe(argTuple));
  }

  /** BUILD: sets a numpy dtype's byte order; attributes of an OrderedDict (a state dict's _metadata) are dropped. */
  void build(Object target, Object state) throws CheckpointException {
    if (target instanceof OrderedDict) {
      if (state instanceof Map || state instanceof PyTuple || state == null) return;
      throw ctx.fail("BUILD sets %s as the state of an OrderedDict", describe(state));
    }
    if (target instanceof Globals.NumpyDType dt && state instanceof PyTuple t && (t.size() == 8 || t.size() == 9)
        && t.get(1) instanceof String order && order.length() == 1 && "<>|=".contains(order)
        && t.get(2) == null && t.get(3) == null && t.get(4) == null) {
      dt.byteOrder = order.charAt(0);
      return;
    }
    throw ctx.fail("BUILD with %s on %s is not supported", describe(state), describe(target));
  }

  private Object rebuildTensor(PyTuple a) throws CheckpointException {
    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata (torch >= 2)])
    if (a.size() != 6 && a.size() != 7) {
      throw ctx.fail("torch._utils._rebuild_tensor_v2 takes 6 or 7 arguments, got %d", a.size());
    }
    if (!(a.get(0) instanceof Globals.Storage s)) {
      throw ctx.fail("_rebuild_tensor_v2 gets %s instead of a storage", describe(a.get(0)));
    }
    if (!(a.get(1) instanceof Long offset)) {
      throw ctx.fail("_rebuild_tensor_v2 offset %s is not an int", describe(a.get(1)));
    }
    long[] size = longs(a.get(2), "size");
    long[] stride = longs(a.get(3), "stride");
    if (!(a.get(4) instanceof Boolean)) {
      throw ctx.fail("_rebuild_tensor_v2 requires_grad %s is not a bool", describe(a.get(4)));
    }
    checkNoHooks(a.get(5));
    if (a.size() == 7 && a.get(6) != null && !(a.get(6) instanceof Map)) {
      throw ctx.fail("_rebuild_tensor_v2 metadata %s is not a dict", describe(a.get(6)));
    }
    return Strided.gather(ctx, s, offset, size, stride, this::charge);
  }

  private Object rebuildParameter(PyTuple a) throws CheckpointException {
    if (a.size() != 3 || !(a.get(0) instanceof TensorData data) || !(a.get(1) instanceof Boolean)) {
      throw ctx.fail("torch._utils._rebuild_parameter expects (tensor, bool, OrderedDict), got %s", describe(a));
    }
    checkNoHooks(a.get(2));
    return data;
  }

  private void checkNoHooks(Object hooks) throws CheckpointException {
    if (!(hooks instanceof Map<?, ?> m) || !m.isEmpty()) {
      throw ctx.fail("tensor backward hooks %s are not supported (expected an empty OrderedDict)", describe(hooks));
    }
  }

  private void charge(long bytes) throws CheckpointException {
    copiedBytes += bytes;
    if (copiedBytes > COPY_ALLOWANCE + COPY_FACTOR * storageBytes) {
      throw ctx.fail("tensor views would need %d bytes of copies, far more than the %d bytes of storages they "
          + "view: refusing an implausible checkpoint", copiedBytes, storageBytes);
    }
  }

  private long[] longs(Object o, String what) throws CheckpointException {
    if (!(o instanceof PyTuple t) || t.size() > TensorData.MAX_RANK) {
      throw ctx.fail("tensor %s %s is not a tuple of at most %d ints", what, describe(o), TensorData.MAX_RANK);
    }
    long[] out = new long[t.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(t.get(i) instanceof Long v)) throw ctx.fail("tensor %s %s holds a non-int", what, t);
      out[i] = v;
    }
    return out;
  }

  private Object device(PyTuple a) throws CheckpointException {
    try {
      if (a.size() == 1 && a.get(0) instanceof String spec) return TorchDevice.parse(spec);
      if (a.size() == 2 && a.get(0) instanceof String type && a.get(1) instanceof Long index
          && index >= 0 && index <= Integer.MAX_VALUE) {
        return new TorchDevice(type, index.intValue());
      }
    } catch (IllegalArgumentException e) {
      throw ctx.fail("invalid torch.device: %s", e.getMessage());
    }
    throw ctx.fail("torch.device expects (str) or (str, int), got %s", describe(a));
  }

  private Object numpyDType(PyTuple a) throws CheckpointException {
    if (a.size() != 3 || !(a.get(0) instanceof String spec)) {
      throw ctx.fail("numpy.dtype expects (spec, align, copy), got %s", describe(a));
    }
    Matcher m = NUMPY_SPEC.matcher(spec);
    if (!m.matches() || spec.equals("b2") || spec.equals("b4") || spec.equals("b8") || spec.equals("f1")) {
      throw ctx.fail("numpy dtype '%s' is not supported: only bool, int, uint and float scalars are",
          Globals.printable(spec));
    }
    return new Globals.NumpyDType(spec, m.group(1).charAt(0), Integer.parseInt(m.group(2)));
  }

  private Object numpyScalar(PyTuple a) throws CheckpointException {
    if (a.size() != 2 || !(a.get(0) instanceof Globals.NumpyDType dt) || !(a.get(1) instanceof byte[] raw)) {
      throw ctx.fail("numpy scalar expects (numpy.dtype, bytes), got %s", describe(a));
    }
    if (raw.length != dt.size) {
      throw ctx.fail("numpy scalar of %s holds %d bytes instead of %d", dt, raw.length, dt.size);
    }
    ByteBuffer b = ByteBuffer.wrap(raw).order(dt.byteOrder == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    return switch (dt.kind) {
      case 'f' -> switch (dt.size) {
        case 2 -> (double) TensorData.halfToFloat(b.getShort());
        case 4 -> (double) b.getFloat();
        default -> b.getDouble();
      };
      case 'b' -> raw[0] != 0;
      default -> integer(b, dt.size, dt.kind == 'u');
    };
  }

  private static Object integer(ByteBuffer b, int size, boolean unsigned) {
    return switch (size) {
      case 1 -> unsigned ? (long) (b.get() & 0xFF) : (long) b.get();
      case 2 -> unsigned ? (long) (b.getShort() & 0xFFFF) : (long) b.getShort();
      case 4 -> unsigned ? b.getInt() & 0xFFFFFFFFL : (long) b.getInt();
      default -> {
        long v = b.getLong();
        yield unsigned && v < 0 ? new BigInteger(Long.toUnsignedString(v)) : (Object) v;
      }
    };
  }

  private Object encode(PyTuple a) throws CheckpointException {
    // How protocol-2 pickles carry bytes: _codecs.encode(<str of code points 0-255>, 'latin1').
    if (a.size() != 2 || !(a.get(0) instanceof String s) || !(a.get(1) instanceof String enc)
        || !List.of("latin1", "latin-1", "iso-8859-1", "iso8859-1").contains(enc.toLowerCase())) {
      throw ctx.fail("_codecs.encode is only accepted as (str, 'latin1'), got %s", describe(a));
    }
    byte[] out = new byte[s.length()];
    for (int i = 0; i < out.length; i++) {
      char ch = s.charAt(i);
      if (ch > 0xFF) throw ctx.fail("_codecs.encode: character U+%04X is not latin-1", (int) ch);
      out[i] = (byte) ch;
    }
    return out;
  }

  /** A short description of a value for messages: its Python type, and its value when small. */
  static String describe(Object o) {
    if (o instanceof PyTuple t && t.size() <= 6) {
      StringBuilder sb = new StringBuilder("tuple (");
      for (int i = 0; i < t.size(); i++) sb.append(i == 0 ? "" : ", ").append(describeShallow(t.get(i)));
      return sb.append(t.size() == 1 ? ",)" : ")").toString();
    }
    return describeShallow(o);
  }

  private static String describeShallow(Object o) {
    if (o == null) return "None";
    if (o instanceof String s) return "'" + Globals.printable(s) + "'";
    if (o instanceof Long || o instanceof Double || o instanceof BigInteger) return o.toString();
    if (o instanceof Boolean b) return b ? "True" : "False";
    if (o instanceof PyTuple t) return "a tuple of " + t.size();
    if (o instanceof Map<?, ?> m) return "a dict of " + m.size();
    if (o instanceof List<?> l) return "a list of " + l.size();
    if (o instanceof byte[] b) return "bytes of length " + b.length;
    return o.toString();
  }
}
