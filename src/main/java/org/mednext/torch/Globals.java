package org.mednext.torch;

import java.util.Locale;
import java.util.Map;

/**
 * The allow-list of Python globals a checkpoint pickle may name, and the placeholders that stand for them on the
 * unpickler's stack. Nothing else is ever resolved; these placeholders never reach a result.
 */
final class Globals {

  private Globals() {}

  /** The allowed callables. */
  enum Callable {
    ORDERED_DICT, REBUILD_TENSOR_V2, REBUILD_PARAMETER, TORCH_DEVICE, NUMPY_SCALAR, NUMPY_DTYPE, CODECS_ENCODE
  }

  /** A resolved allowed callable, with the name the pickle used (for messages). */
  record Global(String qualifiedName, Callable callable) {
    @Override
    public String toString() {
      return qualifiedName;
    }
  }

  /** A {@code torch.XStorage} class: only meaningful inside a storage persistent id. */
  record StorageType(DType dtype) {
    @Override
    public String toString() {
      return "torch." + dtype.storageClassName();
    }
  }

  /** A storage loaded from the zip: {@code numel} elements of {@code dtype}, little-endian. */
  record Storage(DType dtype, String key, long numel, byte[] bytes) {
    @Override
    public String toString() {
      return "storage '" + key + "' (" + numel + " x " + dtype + ")";
    }
  }

  /** A {@code numpy.dtype} of a fixed-size number type; byte order set by BUILD. */
  static final class NumpyDType {
    final String spec;
    final char kind;
    final int size;
    char byteOrder = '=';

    NumpyDType(String spec, char kind, int size) {
      this.spec = spec;
      this.kind = kind;
      this.size = size;
    }

    @Override
    public String toString() {
      return "numpy.dtype('" + spec + "')";
    }
  }

  private static final Map<String, Callable> CALLABLES = Map.of(
      "collections.OrderedDict", Callable.ORDERED_DICT,
      "torch._utils._rebuild_tensor_v2", Callable.REBUILD_TENSOR_V2,
      "torch._utils._rebuild_parameter", Callable.REBUILD_PARAMETER,
      "torch.device", Callable.TORCH_DEVICE,
      "numpy.core.multiarray.scalar", Callable.NUMPY_SCALAR,
      "numpy._core.multiarray.scalar", Callable.NUMPY_SCALAR,
      "numpy.dtype", Callable.NUMPY_DTYPE,
      "_codecs.encode", Callable.CODECS_ENCODE);

  /** The placeholder for {@code module.name}, or null when it is not on the allow-list. */
  static Object resolve(String module, String name) {
    String qualified = module + "." + name;
    Callable c = CALLABLES.get(qualified);
    if (c != null) return new Global(qualified, c);
    if (module.equals("torch")) {
      DType t = DType.forStorageClass(name);
      if (t != null) return new StorageType(t);
    }
    return null;
  }

  /** A printable form of a name taken from an untrusted file: control characters escaped, length capped. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < 200; i++) {
      char ch = s.charAt(i);
      sb.append(ch < 0x20 || ch == 0x7F ? String.format(Locale.ROOT, "\\x%02x", (int) ch) : String.valueOf(ch));
    }
    return s.length() > 200 ? sb + "..." : sb.toString();
  }
}
