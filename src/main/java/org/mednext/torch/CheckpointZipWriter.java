package org.mednext.torch;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the zip container of {@code torch.save}: uncompressed entries {@code <root>/data.pkl},
 * {@code <root>/byteorder}, {@code <root>/data/<n>} and {@code <root>/version}, each entry's data starting at a
 * multiple of 64 bytes (padding in an "FB" extra field, as PyTorch's writer does) so that torch can mmap them.
 */
final class CheckpointZipWriter {

  static final int ALIGNMENT = 64;
  /** Size of a zip local file header before the name. */
  private static final int LOCAL_HEADER = 30;
  /** A fixed time inside the DOS range, so that equal checkpoints give equal files. */
  private static final LocalDateTime TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

  private final CountingStream counting;
  private final ZipOutputStream zip;

  private CheckpointZipWriter(OutputStream out) {
    this.counting = new CountingStream(out);
    this.zip = new ZipOutputStream(counting, StandardCharsets.UTF_8);
  }

  /** Writes the archive to {@code out} (not closed). */
  static void write(OutputStream out, String root, byte[] pickle, List<TensorData> storages) throws IOException {
    CheckpointZipWriter w = new CheckpointZipWriter(out);
    w.entry(root + "/data.pkl", ByteBuffer.wrap(pickle));
    w.entry(root + "/byteorder", ByteBuffer.wrap("little".getBytes(StandardCharsets.US_ASCII)));
    for (int i = 0; i < storages.size(); i++) w.entry(root + "/data/" + i, storages.get(i).data());
    w.entry(root + "/version", ByteBuffer.wrap("3\n".getBytes(StandardCharsets.US_ASCII)));
    w.zip.finish();
    w.zip.flush();
  }

  private void entry(String name, ByteBuffer data) throws IOException {
    int size = data.remaining();
    CRC32 crc = new CRC32();
    crc.update(data.duplicate());
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(size);
    e.setCompressedSize(size);
    e.setCrc(crc.getValue());
    e.setTimeLocal(TIME);
    int nameLength = name.getBytes(StandardCharsets.UTF_8).length;
    long dataStart = counting.count + LOCAL_HEADER + nameLength + 4;
    int pad = (int) ((ALIGNMENT - dataStart % ALIGNMENT) % ALIGNMENT);
    byte[] extra = new byte[4 + pad];
    extra[0] = 'F';
    extra[1] = 'B';
    extra[2] = (byte) pad;
    extra[3] = (byte) (pad >>> 8);
    for (int i = 4; i < extra.length; i++) extra[i] = 'Z';
    e.setExtra(extra);
    zip.putNextEntry(e);
    byte[] chunk = new byte[Math.min(size, 1 << 16)];
    ByteBuffer src = data.duplicate();
    while (src.hasRemaining()) {
      int n = Math.min(chunk.length, src.remaining());
      src.get(chunk, 0, n);
      zip.write(chunk, 0, n);
    }
    zip.closeEntry();
  }

  /** Counts the bytes that reach the file, to place each entry's data. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
