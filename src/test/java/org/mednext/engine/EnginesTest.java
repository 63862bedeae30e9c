package org.mednext.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

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
}
