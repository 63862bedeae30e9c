package org.mednext.torch;

/** Tensor element types that checkpoints may hold, with their size and PyTorch's legacy storage class name. */
public enum DType {
  FLOAT32(4, "FloatStorage"),
  FLOAT64(8, "DoubleStorage"),
  FLOAT16(2, "HalfStorage"),
  BFLOAT16(2, "BFloat16Storage"),
  INT64(8, "LongStorage"),
  INT32(4, "IntStorage"),
  INT16(2, "ShortStorage"),
  INT8(1, "CharStorage"),
  UINT8(1, "ByteStorage"),
  BOOL(1, "BoolStorage");

  private final int elementSize;
  private final String storageClassName;

  DType(int elementSize, String storageClassName) {
    this.elementSize = elementSize;
    this.storageClassName = storageClassName;
  }

  /** Bytes per element. */
  public int elementSize() {
    return elementSize;
  }

  /** The class name in module {@code torch} that pickles name for this type's storage, e.g. "FloatStorage". */
  public String storageClassName() {
    return storageClassName;
  }

  /** The type whose storage class is {@code name} (e.g. "HalfStorage"), or null if there is none. */
  static DType forStorageClass(String name) {
    for (DType t : values()) {
      if (t.storageClassName.equals(name)) return t;
    }
    return null;
  }
}
