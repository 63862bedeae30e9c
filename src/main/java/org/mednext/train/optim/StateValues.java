package org.mednext.train.optim;

import java.util.List;
import java.util.Map;
import org.mednext.torch.DType;
import org.mednext.torch.PyTuple;
import org.mednext.torch.TensorData;
import org.mednext.util.Checks;

/** Typed reads of a torch optimizer state dict as {@code TorchCheckpoint.read} returns it, with located errors. */
final class StateValues {

  private StateValues() {}

  static Map<?, ?> map(Object v, String where) {
    Checks.argument(v instanceof Map, "optimizer state_dict: %s must be a dict, got %s", where, typeName(v));
    return (Map<?, ?>) v;
  }

  static List<?> list(Object v, String where) {
    Checks.argument(v instanceof List, "optimizer state_dict: %s must be a list, got %s", where, typeName(v));
    return (List<?>) v;
  }

  /** An int (Long, Integer, Short, Byte). */
  static long integer(Object v, String where) {
    Checks.argument(v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte,
        "optimizer state_dict: %s must be an int, got %s", where, typeName(v));
    return ((Number) v).longValue();
  }

  /** {@code group[key]} as a number (Python int or float). */
  static double number(Map<?, ?> group, String key, String where) {
    Object v = group.get(key);
    Checks.argument(v != null, "optimizer state_dict: %s.%s is missing", where, key);
    Checks.argument(v instanceof Number, "optimizer state_dict: %s.%s must be a number, got %s", where, key,
        typeName(v));
    return ((Number) v).doubleValue();
  }

  /** {@code group[key]} as a bool, {@code absent} when the key is missing (older torch versions lack some flags). */
  static boolean flag(Map<?, ?> group, String key, boolean absent, String where) {
    if (!group.containsKey(key)) return absent;
    Object v = group.get(key);
    Checks.argument(v instanceof Boolean, "optimizer state_dict: %s.%s must be True or False, got %s", where, key,
        typeName(v));
    return (Boolean) v;
  }

  /** {@code group[key]} as a pair of numbers (tuple or list), e.g. AdamW's betas. */
  static double[] pair(Map<?, ?> group, String key, String where) {
    Object v = group.get(key);
    List<?> items = v instanceof PyTuple t ? t.items() : v instanceof List<?> l ? l : null;
    Checks.argument(items != null && items.size() == 2 && items.get(0) instanceof Number
        && items.get(1) instanceof Number, "optimizer state_dict: %s.%s must be a pair of numbers, got %s", where,
        key, v == null ? "nothing" : v);
    return new double[] {((Number) items.get(0)).doubleValue(), ((Number) items.get(1)).doubleValue()};
  }

  static boolean isFloat(DType t) {
    return t == DType.FLOAT32 || t == DType.FLOAT64 || t == DType.FLOAT16 || t == DType.BFLOAT16;
  }

  /** A scalar: a Python number or a one-element tensor (torch >= 1.12 stores AdamW's step as a 0-d tensor). */
  static double scalar(Object v, String where) {
    if (v instanceof Number n) return n.doubleValue();
    Checks.argument(v instanceof TensorData t && t.numel() == 1, "optimizer state_dict: %s must be a number or a "
        + "one-element tensor, got %s", where, typeName(v));
    return ((TensorData) v).toFloatArray()[0];
  }

  static String typeName(Object v) {
    return v == null ? "None" : v instanceof TensorData ? v.toString() : v.getClass().getSimpleName();
  }
}
