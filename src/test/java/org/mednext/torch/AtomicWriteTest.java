package org.mednext.torch;

import org.mednext.util.AtomicFiles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AtomicFiles} and {@link TorchCheckpoint#write}: failures leave no partial file and clobber nothing. */
class AtomicWriteTest {

  @TempDir Path tmp;

  @Test
  void aFailureHalfwayLeavesNoFile() throws Exception {
    Path target = tmp.resolve("out.pth");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
      out.write(new byte[100_000]);
      throw new IOException("disk full");
    }));
    assertEquals("disk full", e.getMessage());
    assertEquals(List.of(), list(tmp));
  }

  @Test
  void aFailureHalfwayKeepsTheExistingFile() throws Exception {
    Path target = Files.write(tmp.resolve("out.pth"), new byte[] {1, 2, 3});
    assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
      out.write(new byte[] {9, 9});
      throw new IOException("disk full");
    }));
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
    assertEquals(List.of("out.pth"), list(tmp));
  }

  @Test
  void aTargetThatCannotBeReplacedStaysAsItWas() throws Exception {
    Path target = Files.createDirectory(tmp.resolve("taken.pth"));
    Files.write(target.resolve("inside"), new byte[] {7});
    assertThrows(IOException.class, () -> TorchCheckpoint.write(target, List.of(1L)));
    assertArrayEquals(new byte[] {7}, Files.readAllBytes(target.resolve("inside")));
    assertEquals(List.of("taken.pth"), list(tmp));
  }

  @Test
  void aMissingFolderFailsWithoutCreatingAnything() {
    assertThrows(NoSuchFileException.class, () -> TorchCheckpoint.write(tmp.resolve("no/such/dir/x.pth"), 1L));
    assertEquals(List.of(), list(tmp));
  }

  @Test
  void anUnwritableValueKeepsTheExistingCheckpoint() throws Exception {
    Path target = tmp.resolve("ckpt.pth");
    TorchCheckpoint.write(target, List.of(1L));
    byte[] before = Files.readAllBytes(target);
    assertThrows(IllegalArgumentException.class, () -> TorchCheckpoint.write(target, List.of(new Object())));
    assertArrayEquals(before, Files.readAllBytes(target));
    assertEquals(List.of("ckpt.pth"), list(tmp));
  }

  @Test
  void aSuccessfulWriteReplacesTheOldFile() throws Exception {
    Path target = Files.write(tmp.resolve("out.bin"), new byte[] {1, 2, 3});
    AtomicFiles.write(target, out -> out.write(new byte[] {4}));
    assertArrayEquals(new byte[] {4}, Files.readAllBytes(target));
    assertTrue(list(tmp).equals(List.of("out.bin")));
  }

  private static List<String> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
