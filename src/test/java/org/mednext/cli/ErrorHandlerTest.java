package org.mednext.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mednext.predict.OutputException;

/** {@link ErrorHandler}'s lines and exit codes for errors that are not about one input. */
class ErrorHandlerTest {

  @Test
  void theOutOfMemoryHintNamesOnlyWhatEveryCommandHas() {
    String m = ErrorHandler.message(new OutOfMemoryError("Java heap space"));
    assertTrue(m.startsWith("out of memory; give Java more than its ") && m.endsWith(" GB with MEDNEXT_JAVA_OPTS=-Xmx..g"),
        m);
    assertFalse(m.contains("patch") || m.contains("--threads"), "predict has no patch option, and threads hardly "
        + "change the memory: " + m);
  }

  /**
   * libtorch's GPU out-of-memory error, as DJL passes it on (several lines of C++ stack, possibly wrapped): one line
   * that says what to do on the GPU, not the Java heap hint.
   */
  @Test
  void aGpuOutOfMemoryErrorSaysWhatToDoOnTheGpu() {
    EngineException torch = new EngineException("CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total "
        + "capacity of 7.79 GiB of which 1.02 GiB is free.\nException raised from malloc at c10/cuda/CUDACachingAllocator.cpp");
    for (Throwable e : new Throwable[] {torch, new IllegalStateException("step 3 failed", torch)}) {
      String m = ErrorHandler.message(e);
      assertEquals("out of GPU memory (CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of "
          + "7.79 GiB of which 1.02 GiB is free.); free the GPU (nvidia-smi lists what holds it), use less memory per "
          + "step (train: a smaller --batch or --patch, --recompute-levels 5) or --device cpu", m);
    }
    assertEquals("CPU allocator: out of memory", ErrorHandler.message(new EngineException("CPU allocator: out of memory")),
        "only libtorch's CUDA report");
  }

  @Test
  void anOutputThatCannotBeWrittenIsNoBadInput() {
    assertFalse(ErrorHandler.isBadInput(new OutputException(Path.of("out"), "is a file")));
  }
}
