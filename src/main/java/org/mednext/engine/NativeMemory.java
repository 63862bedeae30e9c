package org.mednext.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.Map;
import java.util.logging.Logger;

/**
 * glibc's allocator settings for libtorch's tensor traffic, for processes that scripts/mednext did not start (Fiji,
 * scripts, other JVMs). libtorch allocates and frees tensors of many megabytes per block; with glibc's defaults the
 * freed blocks often go back to the system, and the next ones fault their pages in again. The launcher sets glibc's
 * environment variables before the JVM starts; in a running JVM the same settings are made with {@code mallopt}
 * before libtorch loads (no new arenas, keep freed memory, grow the heap in large steps, serve blocks up to 32 MB
 * from the heap): the CT fixture case with mirroring, in a plain {@code java} process, 18.5-21.6 s instead of
 * 22.7-26.8 s (3 runs each, alternating; made after libtorch had started its threads, they gained nothing). Not
 * libtorch's transparent huge pages, which the launcher also switches on: that needs {@code setenv}, unsafe beside
 * other threads, and gained nothing measurable on that case. The price, memory held at its peak, is paid back by
 * {@link #releaseFreed()} when a prediction's tiles or a training are done: a long-lived application does not keep
 * gigabytes it no longer uses. Fewer arenas also serialise other native code's allocations more;
 * {@code -Dmednext.nativeMemory=default} leaves glibc as it was.
 *
 * <p>Nothing is changed where the process's environment already sets one of these variables (the launcher's, or a
 * user's choice), off Linux, or with {@code -Dmednext.nativeMemory=default}.
 */
final class NativeMemory {

  private static final Logger LOG = Logger.getLogger(NativeMemory.class.getName());

  /** The launcher's variables (scripts/mednext); any of them set means the allocator is configured already. */
  static final String[] VARIABLES = {"MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_",
      "MALLOC_TOP_PAD_", "THP_MEM_ALLOC_ENABLE"};

  // mallopt parameters (malloc.h)
  private static final int M_TRIM_THRESHOLD = -1;
  private static final int M_TOP_PAD = -2;
  private static final int M_MMAP_THRESHOLD = -3;
  private static final int M_ARENA_MAX = -8;

  private static boolean tried;
  private static volatile LibC libc; // set once glibc keeps freed memory: then releaseFreed hands it back

  private NativeMemory() {}

  interface LibC extends Library {
    int mallopt(int param, int value);

    int malloc_trim(long pad);
  }

  /** Whether the settings are made in-process: Linux, none of {@link #VARIABLES} set, not switched off. */
  static boolean applies(String os, Map<String, String> env, String property) {
    if (!os.startsWith("Linux") || "default".equals(property)) return false;
    for (String v : VARIABLES) {
      if (env.containsKey(v)) return false;
    }
    return true;
  }

  /** The launcher's settings, made in this process where they apply; once (mallopt is not thread-safe). */
  static synchronized void tuneForTensors() {
    if (tried) return;
    tried = true;
    if (!applies(System.getProperty("os.name", ""), System.getenv(), System.getProperty("mednext.nativeMemory"))) {
      return;
    }
    try {
      LibC c = Native.load(Platform.C_LIBRARY_NAME, LibC.class);
      // no new arenas: libtorch's threads then reuse each other's freed blocks (arenas made before stay)
      boolean ok = c.mallopt(M_ARENA_MAX, 1) == 1;
      ok &= c.mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1; // glibc's largest; also stops its sliding threshold
      if (c.mallopt(M_TRIM_THRESHOLD, Integer.MAX_VALUE) == 1) libc = c; // from now on freed memory is kept
      else ok = false;
      ok &= c.mallopt(M_TOP_PAD, 512 << 20) == 1;
      if (!ok) LOG.warning("glibc refused some allocator settings; predictions may run slower");
    } catch (LinkageError | RuntimeException e) { // no glibc (musl), JNA's native part unusable: keep the defaults
      LOG.fine("allocator settings not made: " + e);
    } catch (Error e) { // JNA reports an incompatible native part as a plain Error
      if (e instanceof VirtualMachineError) throw e;
      LOG.fine("allocator settings not made: " + e);
    }
  }

  /** Whether {@link #tuneForTensors()} told glibc to keep freed memory in this process. */
  static boolean isTuned() {
    return libc != null;
  }

  /**
   * Hands the memory that libtorch freed back to the system, where {@link #tuneForTensors()} told glibc to keep it;
   * called when a prediction's tiles or a training are done.
   */
  static void releaseFreed() {
    LibC c = libc;
    if (c == null) return;
    try {
      c.malloc_trim(0);
    } catch (LinkageError | RuntimeException e) {
      LOG.fine("malloc_trim failed: " + e);
    }
  }
}
