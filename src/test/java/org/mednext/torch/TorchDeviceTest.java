package org.mednext.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link TorchDevice}. */
class TorchDeviceTest {

  @Test
  void parsesAndPrintsTorchsNotation() {
    assertEquals(new TorchDevice("cuda", 0), TorchDevice.parse("cuda:0"));
    assertEquals(new TorchDevice("cpu", -1), TorchDevice.parse("cpu"));
    assertEquals("cuda:1", new TorchDevice("cuda", 1).toString());
    assertEquals("mps", new TorchDevice("mps", -1).toString());
  }

  @Test
  void refusesMalformedDevices() {
    assertEquals("not a torch device: 'cuda:' (expected e.g. 'cuda', 'cuda:0' or 'cpu')",
        assertThrows(IllegalArgumentException.class, () -> TorchDevice.parse("cuda:")).getMessage());
    assertEquals("not a torch device type: 'CUDA'",
        assertThrows(IllegalArgumentException.class, () -> new TorchDevice("CUDA", 0)).getMessage());
    assertEquals("device index must be >= 0, or -1 for none: -2",
        assertThrows(IllegalArgumentException.class, () -> new TorchDevice("cuda", -2)).getMessage());
  }
}
