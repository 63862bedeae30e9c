package org.mednext.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnginesTest {

  @Test
  void withALibtorchThatCannotUseAGpuAutoIsTheCpuAndGpuIsRefusedWithAHowTo() {
    assumeTrue(!Engines.cudaUsable(Engines.pytorch()), "this machine's libtorch can use a GPU");
    assertEquals(Device.cpu(), Engines.device("auto"));
    EngineUnavailableException e = assertThrows(EngineUnavailableException.class, () -> Engines.device("gpu"));
    assertTrue(e.getMessage().startsWith("--device gpu: ") && e.getMessage().contains("MEDNEXT_LIBTORCH")
        && e.getMessage().endsWith("or use --device cpu"), e.getMessage());
    assertThrows(EngineUnavailableException.class, () -> Engines.device("CUDA"));
  }

  @Test
  void aGpuBesideTheBundledCpuLibtorchIsNamedAsSuch() {
    assumeTrue(System.getenv("PYTORCH_LIBRARY_PATH") == null, "a libtorch of the user's is set");
    String withGpu = Engines.noGpuHowTo(true);
    assertTrue(withGpu.contains("this machine has a CUDA GPU, but the bundled PyTorch natives are CPU-only"), withGpu);
    assertTrue(Engines.noGpuHowTo(false).contains("no CUDA GPU is visible"), Engines.noGpuHowTo(false));
  }

  /** The engine line says where libtorch came from: how a GPU user sees whether MEDNEXT_LIBTORCH took effect. */
  @Test
  void theDescriptionNamesTheLibtorchFolderAndWhetherItHasCuda() {
    assumeTrue(!Engines.cudaUsable(Engines.pytorch()), "this machine's libtorch can use a GPU");
    String d = Engines.describe(Device.cpu());
    assertTrue(d.startsWith("PyTorch 2.7.1 via DJL ") && d.contains(" on cpu(), "), d);
    assertTrue(d.endsWith("CPU-only libtorch from " + ai.djl.pytorch.jni.LibUtils.getLibtorchPath()), d);
  }

  @Test
  void anUnknownDeviceIsRefusedWithTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Engines.device("tpu"));
    assertEquals("unknown device 'tpu': use auto, cpu or gpu", e.getMessage());
  }

  /** A pip-installed torch: torch/lib/libtorch.so beside torch/version.py. */
  private static Path pipTorch(Path root, String version) throws IOException {
    Path lib = Files.createDirectories(root.resolve("site-packages/torch/lib"));
    Files.write(lib.resolve(System.mapLibraryName("torch")), new byte[0]);
    Files.writeString(lib.resolveSibling("version.py"),
        "from typing import Optional\n\n__all__ = ['__version__']\n__version__ = '" + version + "'\ndebug = False\n");
    return lib;
  }

  @Test
  void theLibtorchVersionIsReadFromAPipTorchAndFromALibtorchArchive(@TempDir Path tmp) throws IOException {
    Path pip = pipTorch(tmp.resolve("a"), "2.11.0+cu130");
    assertArrayEquals(new String[] {"2.11.0+cu130", pip.resolveSibling("version.py").toString()},
        Engines.libtorchVersion(pip));
    Path archive = Files.createDirectories(tmp.resolve("b/libtorch/lib"));
    Files.writeString(archive.resolveSibling("build-version"), "2.7.1+cu128\n");
    assertEquals("2.7.1+cu128", Engines.libtorchVersion(archive)[0]);
    assertNull(Engines.libtorchVersion(Files.createDirectories(tmp.resolve("c/lib"))), "no version file: unknown");
  }

  /** DJL's bridge is C++ built against one libtorch: another version's layouts make it fail without naming why. */
  @Test
  void aLibtorchOfAnotherVersionThanTheBridgesIsRefusedWithTheVersionsAndTheFix(@TempDir Path tmp) throws IOException {
    Path lib = pipTorch(tmp, "2.11.0+cu130");
    String m = Engines.libtorchMismatch(lib.toString(), null, "2.7.1", "0.36.0", v -> "/cache/" + v + "/bridge.so");
    assertTrue(m != null && m.startsWith("PYTORCH_LIBRARY_PATH=" + lib + " holds libtorch 2.11.0+cu130 (")
        && m.contains("works with libtorch 2.7.1 only") && m.contains("pip install torch==2.7.1 ")
        && m.endsWith("with a bridge built for 2.11.0 at /cache/2.11.0/bridge.so, set PYTORCH_VERSION=2.11.0"), m);
    // DJL takes the first folder with a libtorch.so, or that file named itself
    String sep = java.io.File.pathSeparator;
    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.write(other.resolve("libc10.so"), new byte[0]);
    assertTrue(Engines.libtorchMismatch(tmp.resolve("none") + sep + lib.resolve(System.mapLibraryName("torch")), null,
        "2.7.1", "0.36.0", Engines::bridgeFile) != null);
    assertTrue(Engines.libtorchMismatch(other.resolve("libc10.so") + sep + lib, null, "2.7.1", "0.36.0",
        Engines::bridgeFile) != null, "a file other than libtorch.so is passed over, as DJL does");
  }

  @Test
  void theBridgesOwnVersionAnOverriddenVersionOrAnUnknownOneIsLetThrough(@TempDir Path tmp) throws IOException {
    assertNull(Engines.libtorchMismatch(pipTorch(tmp.resolve("a"), "2.7.1+cu128").toString(), null, "2.7.1", "0.36.0",
        Engines::bridgeFile));
    assertNull(Engines.libtorchMismatch(pipTorch(tmp.resolve("b"), "2.11.0+cu130").toString(), "2.11.0", "2.7.1",
        "0.36.0", Engines::bridgeFile), "a bridge built for 2.11.0 named by PYTORCH_VERSION");
    Path unknown = Files.createDirectories(tmp.resolve("c/lib"));
    Files.write(unknown.resolve(System.mapLibraryName("torch")), new byte[0]);
    assertNull(Engines.libtorchMismatch(unknown.toString(), null, "2.7.1", "0.36.0", Engines::bridgeFile));
    assertNull(Engines.libtorchMismatch(null, null, "2.7.1", "0.36.0", Engines::bridgeFile),
        "no PYTORCH_LIBRARY_PATH: the bundled libtorch");
  }

  /** DJL 0.36 takes a bridge beside the libtorch first, then one that PYTORCH_VERSION names in its cache folder. */
  @Test
  void aBridgeBesideTheLibtorchOrOneNamedByACustomVersionIsLetThrough(@TempDir Path tmp) throws IOException {
    Path lib = pipTorch(tmp.resolve("a"), "2.11.0+cu130");
    Files.write(lib.resolve("0.36.0-" + System.mapLibraryName("djl_torch")), new byte[0]);
    assertNull(Engines.libtorchMismatch(lib.toString(), null, "2.7.1", "0.36.0", Engines::bridgeFile));
    Path plain = pipTorch(tmp.resolve("b"), "2.11.0+cu130");
    Files.write(plain.resolve(System.mapLibraryName("djl_torch")), new byte[0]);
    assertNull(Engines.libtorchMismatch(plain.toString(), null, "2.7.1", "0.36.0", Engines::bridgeFile));
    Path cached = Files.write(tmp.resolve("mine.so"), new byte[0]);
    Path custom = pipTorch(tmp.resolve("c"), "2.11.0+cu130");
    assertNull(Engines.libtorchMismatch(custom.toString(), "2.11.0-mine", "2.7.1", "0.36.0", v -> cached.toString()));
    assertTrue(Engines.libtorchMismatch(custom.toString(), "2.11.0-mine", "2.7.1", "0.36.0",
        v -> tmp.resolve("absent.so").toString()) != null, "a custom version without its bridge");
    // PYTORCH_VERSION=2.7.1 names the place where DJL unpacks the jar's own bridge: that one is still the wrong one
    assertTrue(Engines.libtorchMismatch(custom.toString(), "2.7.1", "2.7.1", "0.36.0", v -> cached.toString()) != null,
        "the jar's own bridge, unpacked, named by PYTORCH_VERSION=2.7.1");
  }

  @Test
  void theBridgeVersionComesFromThePytorchJniJar() {
    assertEquals("2.7.1", Engines.bridgeVersion());
  }

  /** Where DJL's LibUtils looks for a bridge that PYTORCH_VERSION names: the message tells a user where to put it. */
  @Test
  void aBridgeForAnotherVersionIsLookedForInDjlsCacheFolderUnderVersionFlavourAndPlatform() {
    String f = Engines.bridgeFile("2.11.0");
    assertTrue(f.startsWith(ai.djl.util.Utils.getEngineCacheDir("pytorch").resolve("2.11.0-").toString())
        && f.endsWith("-linux-x86_64/0.36.0-libdjl_torch.so"), f);
  }
}
