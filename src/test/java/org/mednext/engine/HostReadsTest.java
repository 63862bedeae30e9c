package org.mednext.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class HostReadsTest {

  /**
   * A read that needs a copy (here a transposed view, which must be made contiguous; on a GPU every read) leaves
   * nothing in the array's manager, and the array stays in it. DJL's own toFloatArray() keeps that copy there.
   */
  @Test
  void aReadThatCopiesLeavesNothingInTheArraysManager() {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray a = m.arange(6f).reshape(2, 3);
      NDArray view = a.transpose();
      int before = m.getManagedArrays().size();
      assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, HostReads.floats(view));
      assertEquals(before, m.getManagedArrays().size());
      assertSame(m, view.getManager());
      view.toFloatArray(); // what the helper avoids: the contiguous copy stays in m
      assertEquals(before + 1, m.getManagedArrays().size());
    }
  }

  @Test
  void scalarsAndLongsReadTheirValues() {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray f = m.create(2.5f);
      NDArray l = m.arange(0, 4, 1, ai.djl.ndarray.types.DataType.INT64).reshape(new Shape(2, 2)).transpose();
      assertEquals(2.5f, HostReads.floatValue(f));
      assertEquals(3L, HostReads.longValue(l.get(1, 1)));
      assertArrayEquals(new long[] {0, 2, 1, 3}, HostReads.longs(l));
      assertSame(m, l.getManager());
    }
  }
}
