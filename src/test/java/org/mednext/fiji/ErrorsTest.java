package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
import org.junit.jupiter.api.Test;

class ErrorsTest {

  /** A GPU running out of memory during fine-tuning is the user's to fix (a smaller patch, the CPU), not a bug. */
  @Test
  void aGpuOutOfMemoryErrorIsNoInternalErrorAndNamesWhatToChange() {
    EngineException torch = new EngineException("CUDA out of memory. Tried to allocate 2.00 GiB.\nException raised from"
        + " malloc at c10/cuda/CUDACachingAllocator.cpp");
    String d = Errors.describe(new RuntimeException(torch), true);
    assertEquals("out of GPU memory (CUDA out of memory. Tried to allocate 2.00 GiB.); free the GPU (nvidia-smi lists"
        + " what holds it), use a smaller patch, or Device cpu", d);
    assertTrue(Errors.describe(new EngineException("something else"), true).startsWith("internal error ("));
  }
}
