package org.mednext.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {

  @Test
  void aPlainLinuxProcessGetsTheSettingsInProcess() {
    assertTrue(NativeMemory.applies("Linux", Map.of("HOME", "/root"), null));
  }

  /** scripts/mednext sets them before the JVM starts; a user's own value is a choice, not an omission. */
  @Test
  void anyOfTheLaunchersVariablesInTheEnvironmentLeavesTheAllocatorAlone() {
    for (String v : NativeMemory.VARIABLES) {
      assertFalse(NativeMemory.applies("Linux", Map.of(v, "1"), null), v);
    }
  }

  @Test
  void otherSystemsAndTheSwitchLeaveTheAllocatorAlone() {
    assertFalse(NativeMemory.applies("Mac OS X", Map.of(), null));
    assertFalse(NativeMemory.applies("Windows 11", Map.of(), null));
    assertFalse(NativeMemory.applies("Linux", Map.of(), "default"));
  }

  /** The test JVM is started without the launcher's variables: glibc takes the settings, and trimming is safe. */
  @Test
  void glibcTakesTheSettingsWhenTheyApplyAndGivesFreedMemoryBack() {
    assumeTrue(NativeMemory.applies(System.getProperty("os.name"), System.getenv(),
        System.getProperty("mednext.nativeMemory")), "the environment configures the allocator already");
    NativeMemory.tuneForTensors();
    assertTrue(NativeMemory.isTuned());
    NativeMemory.releaseFreed();
  }
}
