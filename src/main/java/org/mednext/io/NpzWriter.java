package org.mednext.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.mednext.util.Checks;
import org.mednext.util.AtomicFiles;

/**
 * Writes a .npz archive entry by entry, atomically: entries go to a temporary file beside the target, which
 * {@link #commit()} moves into place; {@link #close()} without a commit deletes it, so an error half-way never
 * leaves a partial archive. Use in try-with-resources:
 *
 * <pre>{@code
 * try (NpzWriter w = NpzWriter.create(path, true)) {
 *   w.addFloat32("probabilities", new long[] {k, z, y, x}, planes);
 *   w.commit();
 * }
 * }</pre>
 *
 * <p>Compressed archives deflate each entry (np.savez_compressed); uncompressed ones store them (np.savez), for
 * which each entry is encoded twice: once for its CRC, once to write it, so no entry is ever held in memory.
 */
public final class NpzWriter implements AutoCloseable {

  private final Path target;
  private final Path tmp;
  private final boolean compressed;
  private final ZipOutputStream zip;
  private final Set<String> names = new HashSet<>();
  private boolean committed;
  private boolean closed;

  private NpzWriter(Path target, Path tmp, boolean compressed) throws IOException {
    this.target = target;
    this.tmp = tmp;
    this.compressed = compressed;
    OutputStream out = new BufferedOutputStream(
        Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16);
    this.zip = new ZipOutputStream(out);
  }

  /** Starts an archive that {@link #commit()} will place at {@code file}. */
  public static NpzWriter create(Path file, boolean compressed) throws IOException {
    Path target = file.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + System.nanoTime() + ".tmp");
    return new NpzWriter(target, tmp, compressed);
  }

  /** Adds {@code array} as {@code name}.npy. */
  public void add(String name, NpyArray array) throws IOException {
    Checks.notNull(array, "array");
    entry(name, out -> Npy.write(out, array));
  }

  /**
   * Adds a float32 array of the given shape whose C-order data is the concatenation of {@code chunks} (e.g. the
   * planes of a probability map), without joining them.
   */
  public void addFloat32(String name, long[] shape, List<float[]> chunks) throws IOException {
    Npy.checkChunks(shape, chunks);
    entry(name, out -> Npy.writeFloat32(out, shape, chunks));
  }

  private void entry(String name, AtomicFiles.Body content) throws IOException {
    Checks.state(!closed && !committed, "NpzWriter for %s is already finished", target);
    Checks.argument(name != null && !name.isEmpty() && !name.contains("/"), "bad array name '%s'", name);
    Checks.argument(names.add(name), "array name '%s' used twice", name);
    ZipEntry e = new ZipEntry(name + ".npy");
    if (compressed) {
      e.setMethod(ZipEntry.DEFLATED);
    } else {
      CountingCrc crc = new CountingCrc();
      content.writeTo(crc);
      e.setMethod(ZipEntry.STORED);
      e.setSize(crc.count);
      e.setCompressedSize(crc.count);
      e.setCrc(crc.crc.getValue());
    }
    zip.putNextEntry(e);
    content.writeTo(new NoClose(zip));
    zip.closeEntry();
  }

  /** Finishes the archive and moves it to its target, replacing any existing file. */
  public void commit() throws IOException {
    Checks.state(!closed && !committed, "NpzWriter for %s is already finished", target);
    zip.close();
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    committed = true;
  }

  /** Releases the temporary file; without a prior {@link #commit()} nothing is written to the target. */
  @Override
  public void close() throws IOException {
    if (closed) return;
    closed = true;
    if (!committed) {
      try {
        zip.close();
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Counts bytes and their CRC-32, discarding them. */
  private static final class CountingCrc extends OutputStream {
    final CRC32 crc = new CRC32();
    long count;

    @Override
    public void write(int b) {
      crc.update(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      crc.update(b, off, len);
      count += len;
    }
  }

  /** Keeps entry writers from closing the zip stream. */
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
