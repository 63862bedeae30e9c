package org.mednext.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** {@link DType}: sizes and storage names as torch has them (torch/storage.py, torch.finfo/iinfo bits / 8). */
class DTypeTest {

  @Test
  void hasTorchsElementSizesAndStorageNames() {
    String[][] expected = {{"FLOAT32", "4", "FloatStorage"}, {"FLOAT64", "8", "DoubleStorage"},
        {"FLOAT16", "2", "HalfStorage"}, {"BFLOAT16", "2", "BFloat16Storage"}, {"INT64", "8", "LongStorage"},
        {"INT32", "4", "IntStorage"}, {"INT16", "2", "ShortStorage"}, {"INT8", "1", "CharStorage"},
        {"UINT8", "1", "ByteStorage"}, {"BOOL", "1", "BoolStorage"}};
    assertEquals(expected.length, DType.values().length);
    for (String[] e : expected) {
      DType t = DType.valueOf(e[0]);
      assertEquals(Integer.parseInt(e[1]), t.elementSize(), e[0]);
      assertEquals(e[2], t.storageClassName(), e[0]);
      assertEquals(t, DType.forStorageClass(e[2]));
    }
    assertNull(DType.forStorageClass("ComplexFloatStorage"));
  }
}
