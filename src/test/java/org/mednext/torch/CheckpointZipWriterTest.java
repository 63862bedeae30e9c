package org.mednext.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CheckpointZipWriter}: torch.save's entries, uncompressed, data 64-byte aligned. */
class CheckpointZipWriterTest {

  @TempDir Path tmp;

  @Test
  void writesTorchSaveEntriesWithDataAlignedTo64Bytes() throws Exception {
    OrderedDict weights = new OrderedDict();
    weights.put("a", TensorData.ofFloats(new long[] {3}, new float[] {1, 2, 3}));
    weights.put("b", TensorData.of(DType.INT8, new long[] {5}, ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5})));
    weights.put("c", TensorData.ofFloats(new long[] {0}, new float[0]));
    Path file = tmp.resolve("my.model.pth");

    TorchCheckpoint.write(file, weights);

    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (LocalEntry e : localEntries(Files.readAllBytes(file))) {
      assertEquals(0, e.method, e.name + " is stored uncompressed");
      assertEquals(0, e.dataOffset % 64, e.name + " data at " + e.dataOffset);
      entries.put(e.name, e.data);
    }
    assertEquals(List.of("my.model/data.pkl", "my.model/byteorder", "my.model/data/0", "my.model/data/1",
        "my.model/data/2", "my.model/version"), new ArrayList<>(entries.keySet()));
    assertEquals("little", new String(entries.get("my.model/byteorder")));
    assertEquals("3\n", new String(entries.get("my.model/version")));
    assertArrayEquals(ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3)
        .array(), entries.get("my.model/data/0"));
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, entries.get("my.model/data/1"));
    assertArrayEquals(new byte[0], entries.get("my.model/data/2"));
  }

  @Test
  void namesTheArchiveFolderAfterTheFileStem() {
    assertEquals("checkpoint_final", TorchCheckpoint.archiveName(Path.of("/x/checkpoint_final.pth")));
    assertEquals("model", TorchCheckpoint.archiveName(Path.of("model")));
    assertEquals(".pth", TorchCheckpoint.archiveName(Path.of(".pth")));
  }

  private record LocalEntry(String name, int method, long dataOffset, byte[] data) {}

  /** Walks the zip's local file headers (PKWARE APPNOTE 4.3.7) from the start of the file. */
  private static List<LocalEntry> localEntries(byte[] zip) {
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    List<LocalEntry> out = new ArrayList<>();
    int pos = 0;
    while (b.getInt(pos) == 0x04034b50) {
      int method = b.getShort(pos + 8);
      int size = b.getInt(pos + 18);
      int nameLength = b.getShort(pos + 26) & 0xFFFF;
      int extraLength = b.getShort(pos + 28) & 0xFFFF;
      String name = new String(zip, pos + 30, nameLength);
      int data = pos + 30 + nameLength + extraLength;
      byte[] content = java.util.Arrays.copyOfRange(zip, data, data + size);
      out.add(new LocalEntry(name, method, data, content));
      pos = data + size;
    }
    return out;
  }
}
