package org.mednext.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mednext.torch.Opcodes.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CheckpointZipReader}: the zip container, storages and every way a file can be broken. */
class CheckpointZipReaderTest {

  @TempDir Path tmp;

  @Test
  void refusesAnEmptyFile() throws Exception {
    Path file = Files.write(tmp.resolve("empty.pth"), new byte[0]);
    assertRefused(file + ": the file is empty (0 bytes)", file);
  }

  @Test
  void refusesANonZipFile() throws Exception {
    Path file = Files.writeString(tmp.resolve("notes.pth"), "hello world");
    assertRefused(file + ": not a torch checkpoint: torch.save (torch>=1.6) writes a zip archive, but the file "
        + "starts with bytes 68 65 6c 6c", file);
  }

  @Test
  void refusesTheLegacyFormatWrittenByTorch() throws Exception {
    Path file = TestFiles.resource("legacy.pth");
    assertRefused(file + ": legacy (pre-1.6) torch.save format is not supported: re-save with torch>=1.6", file);
  }

  @Test
  void refusesATruncatedZip() throws Exception {
    byte[] whole = Files.readAllBytes(TestFiles.resource("mixed.pth"));
    Path file = Files.write(tmp.resolve("cut.pth"), Arrays.copyOf(whole, whole.length / 2));

    CheckpointException e = assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(file));

    assertEquals(CheckpointException.class, e.getClass());
    assertTrue(e.getMessage().startsWith(file + ": not a readable zip archive ("), e.getMessage());
    assertTrue(e.getMessage().endsWith("): the file is truncated or corrupt"), e.getMessage());
  }

  @Test
  void refusesAZipWithoutDataPkl() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("notes/readme.txt", new byte[] {1});
    entries.put("notes/data/0", new byte[4]);
    Path file = TestFiles.zip(tmp.resolve("other.zip"), entries);
    assertRefused(file + ": no <folder>/data.pkl entry in the zip archive, so it is not a torch.save checkpoint "
        + "(entries: notes/readme.txt, notes/data/0)", file);
  }

  @Test
  void refusesATorchScriptArchive() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("model/data.pkl", new PickleBuilder().proto2().op(NONE).stop());
    entries.put("model/constants.pkl", new PickleBuilder().proto2().op(EMPTY_TUPLE).stop());
    Path file = TestFiles.zip(tmp.resolve("model.pt"), entries);
    assertRefused(file + ": this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint; save the "
        + "state dict with torch.save(model.state_dict(), path) instead", file);
  }

  @Test
  void refusesAMissingStorageEntry() throws Exception {
    PickleBuilder b = new PickleBuilder().proto2().tensor("FloatStorage", "7", 2, 0, new long[] {2}, new long[] {1});
    Path file = TestFiles.checkpoint(tmp.resolve("ckpt.pth"), "ckpt", b.stop(), Map.of("0", new byte[8]));
    assertRefused(file + ": storage entry ckpt/data/7 is missing from the zip archive: the file is incomplete (at byte "
        + b.persidOffset + " of ckpt/data.pkl)", file);
  }

  @Test
  void refusesAStorageLargerThanItsEntry() throws Exception {
    PickleBuilder b = new PickleBuilder().proto2()
        .tensor("FloatStorage", "0", 1000, 0, new long[] {1000}, new long[] {1});
    Path file = TestFiles.checkpoint(tmp.resolve("ckpt.pth"), "ckpt", b.stop(), Map.of("0", new byte[8]));
    assertRefused(file + ": storage '0' claims 1000 x FLOAT32 = 4000 bytes, but its entry ckpt/data/0 holds 8 bytes: "
        + "the file is corrupt (at byte " + b.persidOffset + " of ckpt/data.pkl)", file);
  }

  @Test
  void refusesAnAbsurdStorageSizeBeforeAllocating() throws Exception {
    PickleBuilder b = new PickleBuilder().proto2()
        .tensor("DoubleStorage", "0", 1L << 40, 0, new long[] {1}, new long[] {1});
    Path file = TestFiles.checkpoint(tmp.resolve("ckpt.pth"), "ckpt", b.stop(), Map.of("0", new byte[8]));
    assertRefused(file + ": storage '0' claims 1099511627776 elements of FLOAT64, more than one Java array holds (at "
        + "byte " + b.persidOffset + " of ckpt/data.pkl)", file);
  }

  @Test
  void refusesATensorThatRunsOutsideItsStorage() throws Exception {
    PickleBuilder b = new PickleBuilder().proto2();
    int at = b.tensor("FloatStorage", "0", 9, 2, new long[] {3, 3}, new long[] {3, 1}).offset() - 1;
    Path file = TestFiles.checkpoint(tmp.resolve("ckpt.pth"), "ckpt", b.stop(), Map.of("0", new byte[36]));
    assertRefused(file + ": tensor (offset 2, size [3, 3], stride [3, 1]) reaches element 10, outside storage '0' "
        + "(9 x FLOAT32): the file is corrupt (at byte " + at + " of ckpt/data.pkl)", file);
  }

  @Test
  void refusesOneStorageReferencedWithTwoTypes() throws Exception {
    PickleBuilder b = new PickleBuilder().proto2().op(MARK)
        .tensor("FloatStorage", "0", 2, 0, new long[] {2}, new long[] {1})
        .tensor("IntStorage", "0", 2, 0, new long[] {2}, new long[] {1}).op(LIST);
    Path file = TestFiles.checkpoint(tmp.resolve("ckpt.pth"), "ckpt", b.stop(), Map.of("0", new byte[8]));
    assertRefused(file + ": storage '0' is referenced as 2 x FLOAT32 and as 2 x INT32 (at byte " + b.persidOffset
        + " of ckpt/data.pkl)", file);
  }

  @Test
  void honoursABigEndianByteorderEntry() throws Exception {
    PickleBuilder b = new PickleBuilder().proto2().op(MARK)
        .tensor("FloatStorage", "0", 2, 0, new long[] {2}, new long[] {1})
        .tensor("ShortStorage", "1", 3, 1, new long[] {2}, new long[] {1}).op(LIST);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("be/data.pkl", b.stop());
    entries.put("be/byteorder", "big".getBytes());
    entries.put("be/data/0", ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-2f).array());
    entries.put("be/data/1", ByteBuffer.allocate(6).order(ByteOrder.BIG_ENDIAN).putShort((short) 1)
        .putShort((short) -300).putShort((short) 7).array());
    Path file = TestFiles.zip(tmp.resolve("be.pth"), entries);

    java.util.List<?> tensors = (java.util.List<?>) TorchCheckpoint.read(file);

    assertArrayEquals(new float[] {1.5f, -2f}, ((TensorData) tensors.get(0)).toFloatArray());
    assertArrayEquals(new float[] {-300f, 7f}, ((TensorData) tensors.get(1)).toFloatArray());
  }

  @Test
  void refusesAnUnknownByteorder() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("x/data.pkl", new PickleBuilder().proto2().op(NONE).stop());
    entries.put("x/byteorder", "middle".getBytes());
    Path file = TestFiles.zip(tmp.resolve("x.pth"), entries);
    assertRefused(file + ": unknown byteorder 'middle' (expected 'little' or 'big')", file);
  }

  @Test
  void refusesViewsThatWouldCopyFarMoreThanTheirStorages() throws Exception {
    // A 4-element storage expanded (stride 0) to 4097 x 4096 floats: 64 MiB out of 16 bytes.
    PickleBuilder b = new PickleBuilder().proto2()
        .tensor("FloatStorage", "0", 4, 0, new long[] {4097, 4096}, new long[] {0, 0});
    int at = b.offset() - 1;
    Path file = TestFiles.checkpoint(tmp.resolve("ckpt.pth"), "ckpt", b.stop(), Map.of("0", new byte[16]));
    assertRefused(file + ": tensor views would need 67125248 bytes of copies, far more than the 16 bytes of "
        + "storages they view: refusing an implausible checkpoint (at byte " + at + " of ckpt/data.pkl)", file);
  }

  @Test
  void readsTensorsSharingOneStorage() throws Exception {
    PickleBuilder b = new PickleBuilder().proto2().op(MARK)
        .tensor("FloatStorage", "0", 6, 0, new long[] {2, 3}, new long[] {3, 1})
        .tensor("FloatStorage", "0", 6, 0, new long[] {3, 2}, new long[] {1, 3})
        .tensor("FloatStorage", "0", 6, 4, new long[] {2}, new long[] {1}).op(LIST);
    ByteBuffer storage = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 6; i++) storage.putFloat(i + 0.5f);
    Path file = TestFiles.checkpoint(tmp.resolve("ckpt.pth"), "ckpt", b.stop(), Map.of("0", storage.array()));

    java.util.List<?> tensors = (java.util.List<?>) TorchCheckpoint.read(file);

    assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f}, ((TensorData) tensors.get(0)).toFloatArray());
    // the transpose: element (i, j) = storage[i + 3 j]
    assertArrayEquals(new float[] {0.5f, 3.5f, 1.5f, 4.5f, 2.5f, 5.5f}, ((TensorData) tensors.get(1)).toFloatArray());
    assertArrayEquals(new float[] {4.5f, 5.5f}, ((TensorData) tensors.get(2)).toFloatArray());
  }

  @Test
  void ignoresTheExtraEntriesOfNewerTorch() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("archive/data.pkl", new PickleBuilder().proto2()
        .tensor("BoolStorage", "0", 2, 0, new long[] {2}, new long[] {1}).stop());
    entries.put("archive/byteorder", "little".getBytes());
    entries.put("archive/data/0", new byte[] {1, 0});
    entries.put("archive/version", "3\n".getBytes());
    entries.put("archive/.data/version", "3\n".getBytes());
    entries.put("archive/.data/serialization_id", "1234567890".getBytes());
    Path file = TestFiles.zip(tmp.resolve("new.pt"), entries);

    TensorData t = (TensorData) TorchCheckpoint.read(file);

    assertArrayEquals(new float[] {1, 0}, t.toFloatArray());
    assertEquals(DType.BOOL, t.dtype());
  }

  @Test
  void reportsAMissingFileAsSuch() {
    assertThrows(NoSuchFileException.class, () -> TorchCheckpoint.read(tmp.resolve("absent.pth")));
  }

  private static void assertRefused(String message, Path file) {
    CheckpointException e = assertThrows(CheckpointException.class, () -> TorchCheckpoint.read(file));
    assertEquals(CheckpointException.class, e.getClass());
    assertEquals(message, e.getMessage());
  }
}
