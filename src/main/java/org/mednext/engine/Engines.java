package org.mednext.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.engine.StandardCapabilities;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Platform;
import ai.djl.util.Utils;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up of DJL's PyTorch engine, thread counts, device choice and per-thread grad mode.
 *
 * <p>The engine loads its native libraries from the {@code pytorch-native-*} jar on the class path; with
 * {@code ai.djl.offline=true} (set here unless the user set it) DJL never tries the network. libtorch's grad
 * mode is per thread and on by default in new threads, so inference code calls {@link #inferenceMode()} on its
 * own thread (Fiji runs commands on worker threads).
 */
public final class Engines {

  private static volatile Engine engine;

  private Engines() {}

  /**
   * The PyTorch engine, started on first use.
   *
   * @throws EngineUnavailableException if the native libraries cannot be loaded, with what to check
   */
  public static Engine pytorch() {
    Engine e = engine;
    if (e != null) return e;
    synchronized (Engines.class) {
      if (engine == null) {
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
          System.setProperty("ai.djl.offline", "true");
        }
        // before libtorch starts its threads (an arena limit set later leaves their arenas), and before anything
        // of DJL's meets JNA: a JNA whose native part is unusable then fails here, where the plain Error it throws
        // is caught, and DJL's own use meets only the NoClassDefFoundError it copes with
        NativeMemory.tuneForTensors();
        String mismatch = libtorchMismatch(djlSetting("PYTORCH_LIBRARY_PATH"), djlSetting("PYTORCH_VERSION"),
            bridgeVersion(), djlVersion(), Engines::bridgeFile);
        if (mismatch != null) throw new EngineUnavailableException(mismatch, null);
        try {
          engine = Engine.getEngine("PyTorch");
        } catch (RuntimeException | UnsatisfiedLinkError err) {
          throw new EngineUnavailableException(
              "could not start DJL's PyTorch engine (" + err.getMessage() + "). Check that the "
                  + "pytorch-native-cpu jar (or a CUDA libtorch 2.7.1 via PYTORCH_LIBRARY_PATH and PYTORCH_FLAVOR) is "
                  + "available and that the DJL cache folder (DJL_CACHE_DIR, default ~/.djl.ai) is writable", err);
        }
      }
      return engine;
    }
  }

  /**
   * Why the libtorch in {@code libraryPath} (DJL's PYTORCH_LIBRARY_PATH) cannot be used with DJL's native bridge built
   * for libtorch {@code bridgeVersion}, or null when it can or its version cannot be read. The bridge is C++ compiled
   * against that version's headers, and other versions differ in their object layouts: with libtorch 2.13 the first
   * tensor failed ("set_stride is not allowed on a Tensor created from .data"), with 2.11 + CUDA 13 closing the
   * network failed inside the CUDA allocator - errors that do not say what is wrong. Let through, as DJL 0.36's
   * LibUtils finds them: a bridge beside that libtorch ({@code <djlVersion>-libdjl_torch.so} or
   * {@code libdjl_torch.so}), or one that {@code overrideVersion} (DJL's PYTORCH_VERSION) names in DJL's cache folder.
   */
  static String libtorchMismatch(String libraryPath, String overrideVersion, String bridgeVersion, String djlVersion,
      java.util.function.Function<String, String> bridgeFile) {
    if (libraryPath == null || bridgeVersion == null) return null;
    String torchLib = System.mapLibraryName("torch");
    String bridgeLib = System.mapLibraryName("djl_torch");
    for (String entry : libraryPath.split(java.io.File.pathSeparator)) {
      if (entry.isEmpty()) continue;
      Path p = Path.of(entry);
      // DJL takes a folder holding libtorch.so, or that file itself (no other file)
      Path dir = Files.isRegularFile(p) && p.getFileName().toString().equals(torchLib) ? p.getParent() : p;
      if (dir == null || !Files.isRegularFile(dir.resolve(torchLib))) continue;
      if (Files.exists(dir.resolve(djlVersion + '-' + bridgeLib)) || Files.exists(dir.resolve(bridgeLib))) return null;
      String[] found = libtorchVersion(dir);
      if (found == null) return null; // DJL uses the first folder with a libtorch: this one, of unknown version
      String base = found[0].replaceFirst("\\+.*", "");
      if (base.equals(bridgeVersion) || base.equals(overrideVersion)) return null;
      // a bridge that PYTORCH_VERSION names; not the jar's own, which DJL unpacks to that place for its version
      boolean jarsOwn = overrideVersion != null
          && (overrideVersion.equals(bridgeVersion) || overrideVersion.startsWith(bridgeVersion + '-'));
      if (overrideVersion != null && !jarsOwn && Files.exists(Path.of(bridgeFile.apply(overrideVersion)))) return null;
      return "PYTORCH_LIBRARY_PATH=" + libraryPath + " holds libtorch " + found[0] + " (" + found[1] + "), but DJL's"
          + " native bridge works with libtorch " + bridgeVersion + " only: other versions fail in ways that do not"
          + " name the cause. Point it (MEDNEXT_LIBTORCH for scripts/mednext) to the lib folder of torch "
          + bridgeVersion + ", e.g. of `pip install torch==" + bridgeVersion
          + " --index-url https://download.pytorch.org/whl/cu128` (README, 'GPU'); or, with a bridge built for " + base
          + " at " + bridgeFile.apply(base)
          + ", set PYTORCH_VERSION=" + base;
    }
    return null;
  }

  /**
   * The version of the libtorch in {@code libDir} and the file that said so, or null: a pip-installed torch keeps it
   * in {@code version.py} beside {@code lib/}, a libtorch archive in {@code build-version}.
   */
  static String[] libtorchVersion(Path libDir) {
    Path home = libDir.toAbsolutePath().getParent();
    if (home == null) return null;
    try {
      Path py = home.resolve("version.py");
      if (Files.isRegularFile(py) && Files.size(py) < 65536) {
        Matcher m = Pattern.compile("(?m)^__version__\\s*=\\s*['\"]([^'\"]+)['\"]").matcher(Files.readString(py));
        if (m.find()) return new String[] {m.group(1), py.toString()};
      }
      Path archive = home.resolve("build-version");
      if (Files.isRegularFile(archive) && Files.size(archive) < 1024) {
        String v = Files.readString(archive).trim();
        if (v.matches("\\d+\\.\\d+\\.\\d+\\S*")) return new String[] {v, archive.toString()};
      }
    } catch (IOException | RuntimeException unreadable) {
      // unknown version: let DJL try
    }
    return null;
  }

  /**
   * Where DJL looks for a bridge for libtorch {@code version} when PYTORCH_VERSION names it and PYTORCH_LIBRARY_PATH
   * a libtorch (DJL's LibUtils: cache folder, version, flavour and platform, then DJL's version).
   */
  static String bridgeFile(String version) {
    try {
      Platform platform = Platform.detectPlatform("pytorch");
      String flavor = djlSetting("PYTORCH_FLAVOR");
      if (flavor == null) { // DJL's default for a libtorch named by PYTORCH_LIBRARY_PATH
        flavor = CudaUtils.getGpuCount() > 0 ? "cu" + CudaUtils.getCudaVersionString() + "-precxx11"
            : "linux".equals(platform.getOsPrefix()) ? "cpu-precxx11" : "cpu";
      }
      return Utils.getEngineCacheDir("pytorch").resolve(version + '-' + flavor + '-' + platform.getClassifier())
          .resolve(platform.getApiVersion() + '-' + System.mapLibraryName("djl_torch")).toString();
    } catch (RuntimeException | LinkageError e) {
      return "DJL's cache folder";
    }
  }

  /** DJL's version, as DJL's native bridge files are named (e.g. 0.36.0). */
  static String djlVersion() {
    try {
      return Platform.detectPlatform("pytorch").getApiVersion();
    } catch (RuntimeException | LinkageError e) {
      return Engine.getDjlVersion();
    }
  }

  /** A setting as DJL reads it: the environment variable, else the system property; empty counts as unset. */
  static String djlSetting(String name) {
    String v = Utils.getEnvOrSystemProperty(name);
    return v == null || v.isEmpty() ? null : v;
  }

  /** The libtorch version DJL's native bridge (the pytorch-jni jar on the class path) was built for, or null. */
  static String bridgeVersion() {
    try (InputStream in = LibUtils.class.getResourceAsStream("/jnilib/pytorch.properties")) {
      if (in == null) return null;
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("jni_version"); // e.g. 2.7.1-0.36.0: libtorch version, then DJL's
      return v == null || v.indexOf('-') < 0 ? null : v.substring(0, v.indexOf('-'));
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Hands libtorch's freed memory back to the system where this process keeps it for speed (see {@link NativeMemory}:
   * Fiji and other JVMs not started by scripts/mednext); called when a prediction's tiles or a training are done.
   */
  public static void releaseFreedMemory() {
    NativeMemory.releaseFreed();
  }

  /** Whether the engine is up (asking does not start it, nor wait for a start under way). */
  public static boolean isStarted() {
    return engine != null;
  }

  /** Whether autograd is on for the calling thread (the engine is started first). */
  public static boolean gradMode() {
    pytorch();
    return JniUtils.isGradMode();
  }

  /** Sets libtorch's intra-op thread count (the engine is started first). */
  public static void setThreads(int threads) {
    if (threads <= 0) throw new IllegalArgumentException("threads must be > 0: " + threads);
    pytorch();
    JniUtils.setNumThreads(threads);
  }

  /** The current intra-op thread count. */
  public static int threads() {
    pytorch();
    return JniUtils.getNumThreads();
  }

  /** Turns autograd off for the calling thread; returns the previous state. */
  public static boolean inferenceMode() {
    pytorch();
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    return previous;
  }

  /** Sets autograd on or off for the calling thread. */
  public static void setGradMode(boolean on) {
    pytorch();
    JniUtils.setGradMode(on);
  }

  /**
   * The device for a user's choice: {@code cpu}, {@code gpu} (fails with a how-to when the loaded libtorch cannot
   * use a CUDA GPU) or {@code auto} (the GPU when it can, else the CPU).
   */
  public static Device device(String choice) {
    Engine e = pytorch();
    switch (choice.toLowerCase(Locale.ROOT)) {
      case "cpu":
        return Device.cpu();
      case "gpu":
      case "cuda": // nnUNetv2_predict's name
        if (!cudaUsable(e)) throw new EngineUnavailableException(noGpuHowTo(nvidiaGpuPresent()), null);
        return Device.gpu();
      case "auto":
        return cudaUsable(e) ? Device.gpu() : Device.cpu();
      default:
        throw new IllegalArgumentException("unknown device '" + choice + "': use auto, cpu or gpu");
    }
  }

  /**
   * Whether libtorch itself sees a CUDA GPU. Not DJL's {@code getGpuCount()}, which asks this and then a libcudart
   * found by name (JNA): a pip-installed CUDA torch keeps its libcudart.so.12 beside itself, outside that search, and
   * the count was 0 there although libtorch could use the GPU.
   */
  static boolean cudaUsable(Engine e) {
    return e.hasCapability(StandardCapabilities.CUDA);
  }

  /** Whether the NVIDIA driver lists a GPU (Linux), or a libcudart found by name counts one. */
  static boolean nvidiaGpuPresent() {
    try (var gpus = Files.list(Path.of("/proc/driver/nvidia/gpus"))) {
      if (gpus.findAny().isPresent()) return true;
    } catch (IOException | RuntimeException notThere) {
      // no driver, or not Linux
    }
    try {
      return CudaUtils.getGpuCount() > 0;
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  static String noGpuHowTo(boolean gpuPresent) {
    String custom = djlSetting("PYTORCH_LIBRARY_PATH");
    String howTo = "run scripts/mednext with MEDNEXT_LIBTORCH=/path/to/libtorch-2.7.1-cu128/lib (see README, 'GPU')";
    String cause;
    if (custom != null) {
      cause = "the libtorch loaded sees no CUDA GPU, with PYTORCH_LIBRARY_PATH=" + custom + ": that folder must hold"
          + " libtorch.so of a CUDA build of libtorch 2.7.1 (without one there DJL loads the bundled CPU natives), and"
          + " nvidia-smi must list a GPU that CUDA_VISIBLE_DEVICES does not hide";
    } else if (gpuPresent) {
      cause = "this machine has a CUDA GPU, but the bundled PyTorch natives are CPU-only; to use the GPU, " + howTo;
    } else {
      cause = "no CUDA GPU is visible (no NVIDIA driver lists one), and the bundled PyTorch natives are CPU-only; to"
          + " use a GPU, " + howTo;
    }
    return "--device gpu: " + cause + "; or use --device cpu";
  }

  /**
   * libtorch's report of running out of GPU memory when {@code error} or one of its causes is one (DJL passes it on
   * in an EngineException), its first line (the rest is a C++ stack); else null.
   */
  public static String gpuOutOfMemory(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage();
      if (t instanceof EngineException && m != null && m.contains("CUDA out of memory")) {
        int n = m.indexOf('\n');
        return n < 0 ? m : m.substring(0, n);
      }
    }
    return null;
  }

  /**
   * A one-line description of the engine and device, for logs; with the folder libtorch was loaded from, which tells
   * a GPU user whether MEDNEXT_LIBTORCH took effect (the bundled CPU build unpacks under DJL's cache folder).
   */
  public static String describe(Device device) {
    Engine e = pytorch();
    return String.format(Locale.ROOT, "PyTorch %s via DJL %s on %s, %d threads, %s libtorch from %s",
        e.getVersion(), Engine.getDjlVersion(), device, JniUtils.getNumThreads(), cudaUsable(e) ? "CUDA" : "CPU-only",
        LibUtils.getLibtorchPath());
  }
}
