package org.mednext.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.mednext.util.AtomicFiles;
import org.mednext.util.Checks;

/**
 * Writes a .npz archive entry by entry, atomically: entries go to a temporary file beside the target, which
 * {@link #commit()} flushes to disk and moves into place; {@link #close()} without a commit deletes it, so an error
 * half-way never leaves a partial archive. Use in try-with-resources:
 *
 * <pre>{@code
 * try (NpzWriter w = NpzWriter.create(path, true, threads)) {
 *   w.addFloat32("probabilities", new long[] {k, z, y, x}, planes);
 *   w.commit();
 * }
 * }</pre>
 *
 * <p>Compressed archives deflate each entry (as np.savez_compressed) on several threads ({@link ParallelDeflater});
 * uncompressed ones store them (np.savez). Entries added with {@link #addFloat32} are Huffman-coded without string
 * matching: in float32 probabilities the low mantissa bytes are noise, zlib's default level finds almost no matches
 * and spends most of its time looking (on nnU-Net's probability files zlib's Huffman-only mode is three times
 * faster and 0-1.5 % larger; our coder, {@link HuffmanDeflate}, makes the same bytes' size 2.8 times faster again);
 * other entries get zlib's default level. The ZIP container is written here rather than
 * by {@code java.util.zip.ZipOutputStream}, which can only deflate on one thread: each entry is streamed once and its
 * local header patched afterwards with the CRC and sizes, so no entry is ever held in memory. Sizes and offsets of
 * 4 GiB and more use ZIP64 records, as Python's zipfile (and so numpy) writes and reads them.
 */
public final class NpzWriter implements AutoCloseable {

  private static final long MAX_32 = 0xFFFFFFFFL;
  private static final int LOCAL_HEADER = 30;
  /** The ZIP64 extra field of a local header: id, length, size, compressed size. */
  private static final int LOCAL_ZIP64_EXTRA = 20;

  private final Path target;
  private final Path tmp;
  private final boolean compressed;
  private final int threads;
  private final FileChannel channel;
  private final OutputStream out;
  private final List<Entry> entries = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private final int dosTime;
  private final int dosDate;
  private long position;
  private boolean finished;
  private boolean committed;
  private boolean closed;
  /** An entry or the directory failed half-way: what was written is no archive, so commit is refused. */
  private boolean broken;
  /** Tests: ZIP64 records even where 32 bits would do, to exercise them without 4 GiB files. */
  boolean forceZip64;

  private record Entry(byte[] name, int method, long crc, long size, long compressedSize, long offset) {}

  private NpzWriter(Path target, Path tmp, boolean compressed, int threads) throws IOException {
    this.target = target;
    this.tmp = tmp;
    this.compressed = compressed;
    this.threads = threads;
    this.channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        super.write(b, off, len);
        position += len;
      }

      @Override
      public void write(int b) throws IOException {
        super.write(b);
        position++;
      }
    };
    LocalDateTime now = LocalDateTime.now();
    this.dosTime = now.getHour() << 11 | now.getMinute() << 5 | now.getSecond() / 2;
    this.dosDate = Math.max(0, now.getYear() - 1980) << 9 | now.getMonthValue() << 5 | now.getDayOfMonth();
  }

  /** Starts an archive that {@link #commit()} will place at {@code file}; compressed entries use one thread. */
  public static NpzWriter create(Path file, boolean compressed) throws IOException {
    return create(file, compressed, 1);
  }

  /** Starts an archive that {@link #commit()} will place at {@code file}, deflating on {@code threads} threads. */
  public static NpzWriter create(Path file, boolean compressed, int threads) throws IOException {
    Checks.argument(threads >= 1, "threads must be >= 1, got %d", threads);
    Path target = file.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + System.nanoTime() + ".tmp");
    return new NpzWriter(target, tmp, compressed, threads);
  }

  /** Adds {@code array} as {@code name}.npy. */
  public void add(String name, NpyArray array) throws IOException {
    Checks.notNull(array, "array");
    entry(name, Deflater.DEFAULT_STRATEGY, o -> Npy.write(o, array));
  }

  /**
   * Adds a float32 array of the given shape whose C-order data is the concatenation of {@code chunks} (e.g. the
   * class maps of a probability map), without joining them; a lazy iterable has each made only when it is written.
   *
   * @throws IllegalArgumentException if the chunks do not hold exactly product(shape) values; the archive can then
   *     only be closed (nothing is written)
   */
  public void addFloat32(String name, long[] shape, Iterable<float[]> chunks) throws IOException {
    entry(name, Deflater.HUFFMAN_ONLY, o -> Npy.writeFloat32(o, shape, chunks));
  }

  private void entry(String name, int strategy, AtomicFiles.Body content) throws IOException {
    Checks.state(!closed && !finished, "NpzWriter for %s is already finished", target);
    Checks.state(!broken, "NpzWriter for %s failed in an earlier entry", target);
    Checks.argument(name != null && !name.isEmpty() && !name.contains("/"), "bad array name '%s'", name);
    Checks.argument(names.add(name), "array name '%s' used twice", name);
    byte[] fileName = (name + ".npy").getBytes(StandardCharsets.UTF_8);
    int method = compressed ? 8 : 0;
    long offset = position;
    broken = true; // until the entry is complete
    // the header's CRC and sizes are not known yet: written as placeholders, patched below
    out.write(localHeader(fileName, method, 0, 0, 0));
    long start = position;
    long crc;
    long size;
    if (compressed) {
      try (ParallelDeflater deflater = new ParallelDeflater(new NoClose(out), Deflater.DEFAULT_COMPRESSION, strategy,
          threads)) {
        content.writeTo(deflater);
        deflater.finish();
        crc = deflater.crc();
        size = deflater.bytesIn();
      }
    } else {
      Crc32Counter counter = new Crc32Counter(out);
      content.writeTo(counter);
      crc = counter.crc.getValue();
      size = counter.count;
    }
    long compressedSize = position - start;
    out.flush();
    ByteBuffer header = ByteBuffer.wrap(localHeader(fileName, method, crc, size, compressedSize));
    while (header.hasRemaining()) channel.write(header, offset + header.position());
    entries.add(new Entry(fileName, method, crc, size, compressedSize, offset));
    broken = false;
  }

  /**
   * A local file header. It always carries a ZIP64 extra field with both sizes, so that its length does not depend
   * on sizes that are only known after the data (readers take the sizes from the central directory anyway).
   */
  private byte[] localHeader(byte[] name, int method, long crc, long size, long compressedSize) {
    ByteBuffer b = ByteBuffer.allocate(LOCAL_HEADER + name.length + LOCAL_ZIP64_EXTRA).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x04034b50).putShort((short) 45).putShort((short) 0x0800).putShort((short) method)
        .putShort((short) dosTime).putShort((short) dosDate).putInt((int) crc).putInt(-1).putInt(-1)
        .putShort((short) name.length).putShort((short) LOCAL_ZIP64_EXTRA).put(name)
        .putShort((short) 0x0001).putShort((short) 16).putLong(size).putLong(compressedSize);
    return b.array();
  }

  /** Finishes the archive (unless {@link #finish()} did) and moves it to its target, replacing any existing file. */
  public void commit() throws IOException {
    if (!finished) finish();
    Checks.state(!closed && !committed, "NpzWriter for %s is already committed", target);
    AtomicFiles.move(tmp, target);
    committed = true;
  }

  /**
   * Completes the archive in its temporary file and flushes it to disk, without moving it into place: for an archive
   * that must appear together with other files, each completed first and then committed. No entry can follow.
   */
  public void finish() throws IOException {
    Checks.state(!closed && !finished, "NpzWriter for %s is already finished", target);
    Checks.state(!broken, "NpzWriter for %s failed in an entry; nothing can be committed", target);
    broken = true; // until the directory is complete
    long directoryOffset = position;
    for (Entry e : entries) out.write(centralHeader(e));
    long directorySize = position - directoryOffset;
    boolean zip64 = forceZip64 || directoryOffset >= MAX_32 || directorySize >= MAX_32 || entries.size() >= 0xFFFF;
    ByteBuffer end = ByteBuffer.allocate(56 + 20 + 22).order(ByteOrder.LITTLE_ENDIAN);
    if (zip64) {
      long recordOffset = position;
      end.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
          .putLong(entries.size()).putLong(entries.size()).putLong(directorySize).putLong(directoryOffset);
      end.putInt(0x07064b50).putInt(0).putLong(recordOffset).putInt(1);
    }
    short count = (short) (zip64 ? 0xFFFF : entries.size());
    end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort(count).putShort(count)
        .putInt((int) (zip64 ? MAX_32 : directorySize)).putInt((int) (zip64 ? MAX_32 : directoryOffset))
        .putShort((short) 0);
    out.write(end.array(), 0, end.position());
    out.flush();
    // on disk before it is renamed into place (as AtomicFiles does): after a crash, a label file written later must
    // not vouch for a case whose archive is empty
    channel.force(true);
    out.close();
    broken = false;
    finished = true;
  }

  /** A central directory header; values that do not fit 32 bits go to a ZIP64 extra field, in the order the spec sets. */
  private byte[] centralHeader(Entry e) {
    boolean bigSize = forceZip64 || e.size >= MAX_32;
    boolean bigCompressed = forceZip64 || e.compressedSize >= MAX_32;
    boolean bigOffset = forceZip64 || e.offset >= MAX_32;
    int extra = (bigSize ? 8 : 0) + (bigCompressed ? 8 : 0) + (bigOffset ? 8 : 0);
    int extraLength = extra == 0 ? 0 : 4 + extra;
    ByteBuffer b = ByteBuffer.allocate(46 + e.name.length + extraLength).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x02014b50).putShort((short) (3 << 8 | 45)).putShort((short) 45).putShort((short) 0x0800)
        .putShort((short) e.method).putShort((short) dosTime).putShort((short) dosDate).putInt((int) e.crc)
        .putInt((int) (bigCompressed ? MAX_32 : e.compressedSize)).putInt((int) (bigSize ? MAX_32 : e.size))
        .putShort((short) e.name.length).putShort((short) extraLength).putShort((short) 0)
        .putShort((short) 0).putShort((short) 0).putInt(0100644 << 16)
        .putInt((int) (bigOffset ? MAX_32 : e.offset)).put(e.name);
    if (extra > 0) {
      b.putShort((short) 0x0001).putShort((short) extra);
      if (bigSize) b.putLong(e.size);
      if (bigCompressed) b.putLong(e.compressedSize);
      if (bigOffset) b.putLong(e.offset);
    }
    return b.array();
  }

  /** Releases the temporary file; without a prior {@link #commit()} nothing is written to the target. */
  @Override
  public void close() throws IOException {
    if (closed) return;
    closed = true;
    if (!committed) {
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Passes bytes on, counting them and their CRC-32. */
  private static final class Crc32Counter extends java.io.FilterOutputStream {
    final CRC32 crc = new CRC32();
    long count;

    Crc32Counter(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      crc.update(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      crc.update(b, off, len);
      count += len;
    }

    @Override
    public void close() {}
  }

  /** Keeps entry writers from closing the archive's stream. */
  private static final class NoClose extends java.io.FilterOutputStream {
    NoClose(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() {}
  }
}
