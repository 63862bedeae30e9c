package org.mednext.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a {@code torch.save} zip: {@code <root>/data.pkl} through the {@link Unpickler}, storages from
 * {@code <root>/data/<key>}, {@code <root>/byteorder} when present. Sizes in the zip directory and in the pickle
 * are checked against each other and against the file before anything is allocated.
 */
final class CheckpointZipReader {

  /** Deflate cannot expand data more than about 1032:1; larger claims are zip bombs. */
  private static final long MAX_DEFLATE_RATIO = 1100;
  private static final int MAX_LISTED_ENTRIES = 8;

  private final String file;
  private final long fileSize;
  private final ZipFile zip;
  private final String root;
  private final boolean bigEndian;

  private CheckpointZipReader(Path path, ZipFile zip, String root, boolean bigEndian) throws IOException {
    this.file = path.toString();
    this.fileSize = Files.size(path);
    this.zip = zip;
    this.root = root;
    this.bigEndian = bigEndian;
  }

  static Object read(Path path) throws IOException {
    String file = path.toString();
    sniff(path, file);
    ZipFile zip;
    try {
      zip = new ZipFile(path.toFile());
    } catch (ZipException e) {
      throw new CheckpointException(file + ": not a readable zip archive (" + e.getMessage() + "): the file is "
          + "truncated or corrupt", e);
    }
    try (zip) {
      String root = findRoot(zip, file);
      CheckpointZipReader r = new CheckpointZipReader(path, zip, root, readByteOrder(zip, file, root));
      String entry = root + "/data.pkl";
      ZipEntry pkl = zip.getEntry(entry);
      byte[] pickle = r.readEntry(pkl, pkl.getSize(), "the pickle");
      return Unpickler.load(pickle, file, entry, r::loadStorage);
    } catch (CheckpointException e) {
      throw e;
    } catch (IOException e) {
      throw new CheckpointException(file + ": corrupt zip archive (" + e + ")", e);
    }
  }

  /** Recognises empty files, the legacy format and non-zip files by their first bytes. */
  private static void sniff(Path path, String file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(path)) {
      head = in.readNBytes(4);
    }
    if (head.length == 0) throw new CheckpointException(file + ": the file is empty (0 bytes)");
    if ((head[0] & 0xFF) == Opcodes.PROTO) {
      throw new CheckpointException(file + ": legacy (pre-1.6) torch.save format is not supported: re-save with "
          + "torch>=1.6");
    }
    boolean zipMagic = head.length == 4 && head[0] == 'P' && head[1] == 'K'
        && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
    if (!zipMagic) {
      throw new CheckpointException(file + ": not a torch checkpoint: torch.save (torch>=1.6) writes a zip "
          + "archive, but the file starts with bytes " + hex(head));
    }
  }

  /** The folder that holds data.pkl ("archive", or the stem of the file's original name). */
  private static String findRoot(ZipFile zip, String file) throws CheckpointException {
    List<String> roots = new ArrayList<>();
    List<String> names = new ArrayList<>();
    Enumeration<? extends ZipEntry> en = zip.entries();
    while (en.hasMoreElements()) {
      String name = en.nextElement().getName();
      if (names.size() < MAX_LISTED_ENTRIES) names.add(name);
      int slash = name.indexOf('/');
      if (slash > 0 && name.substring(slash).equals("/data.pkl")) roots.add(name.substring(0, slash));
    }
    if (roots.isEmpty()) {
      throw new CheckpointException(file + ": no <folder>/data.pkl entry in the zip archive, so it is not a "
          + "torch.save checkpoint (entries: " + (names.isEmpty() ? "none" : String.join(", ", names))
          + (zip.size() > names.size() ? ", ..." : "") + ")");
    }
    if (roots.size() > 1) {
      throw new CheckpointException(file + ": several data.pkl entries (" + String.join(", ", roots)
          + "): not a single torch.save checkpoint");
    }
    String root = roots.get(0);
    if (zip.getEntry(root + "/constants.pkl") != null) {
      throw new CheckpointException(file + ": this is a TorchScript archive (torch.jit.save), not a torch.save "
          + "checkpoint; save the state dict with torch.save(model.state_dict(), path) instead");
    }
    return root;
  }

  private static boolean readByteOrder(ZipFile zip, String file, String root) throws IOException {
    ZipEntry e = zip.getEntry(root + "/byteorder");
    if (e == null) return false; // written since torch 1.13/2.x; older files are little-endian
    if (e.getSize() > 16) {
      throw new CheckpointException(file + ": implausible byteorder entry of " + e.getSize() + " bytes");
    }
    String order;
    try (InputStream in = zip.getInputStream(e)) {
      order = new String(in.readNBytes(16), StandardCharsets.US_ASCII).strip();
    }
    if (order.equals("little")) return false;
    if (order.equals("big")) return true;
    throw new CheckpointException(file + ": unknown byteorder '" + Globals.printable(order) + "' (expected 'little' "
        + "or 'big')");
  }

  /** {@link GlobalCalls.StorageSource}: the bytes of storage {@code key}, converted to little-endian. */
  private Globals.Storage loadStorage(PickleContext ctx, DType dtype, String key, String location, long numel)
      throws CheckpointException {
    String name = root + "/data/" + key;
    ZipEntry e = zip.getEntry(name);
    if (e == null) throw ctx.fail("storage entry %s is missing from the zip archive: the file is incomplete", name);
    if (numel > TensorData.MAX_BYTES / dtype.elementSize()) {
      throw ctx.fail("storage '%s' claims %d elements of %s, more than one Java array holds", key, numel, dtype);
    }
    long expected = numel * dtype.elementSize();
    if (e.getSize() != expected) {
      throw ctx.fail("storage '%s' claims %d x %s = %d bytes, but its entry %s holds %d bytes: the file is corrupt",
          key, numel, dtype, expected, name, e.getSize());
    }
    byte[] bytes;
    try {
      bytes = readEntry(e, expected, "storage '" + key + "'");
    } catch (IOException ex) {
      throw ctx.fail("cannot read storage entry %s: %s", name, ex.getMessage());
    }
    if (bigEndian) swapBytes(bytes, dtype.elementSize());
    return new Globals.Storage(dtype, key, numel, bytes);
  }

  /** The whole entry, after checking that its sizes are plausible; exactly {@code expected} bytes or an error. */
  private byte[] readEntry(ZipEntry e, long expected, String what) throws IOException {
    if (expected < 0 || expected > TensorData.MAX_BYTES) {
      throw new CheckpointException(file + ": " + what + " (" + e.getName() + ") claims " + expected + " bytes");
    }
    long packed = e.getCompressedSize();
    boolean plausible = e.getMethod() == ZipEntry.STORED ? packed == expected && packed <= fileSize
        : packed >= 0 && packed <= fileSize && expected <= packed * MAX_DEFLATE_RATIO;
    if (!plausible) {
      throw new CheckpointException(String.format(Locale.ROOT, "%s: zip entry %s claims %d bytes from %d stored "
          + "bytes in a file of %d bytes: the file is corrupt", file, e.getName(), expected, packed, fileSize));
    }
    byte[] out = new byte[(int) expected];
    try (InputStream in = zip.getInputStream(e)) {
      int n = in.readNBytes(out, 0, out.length);
      if (n != out.length || in.read() != -1) {
        throw new CheckpointException(String.format(Locale.ROOT, "%s: zip entry %s holds %s bytes instead of the "
            + "%d it declares: the file is truncated or corrupt", file, e.getName(), n != out.length ? n : "more",
            expected));
      }
    }
    return out;
  }

  private static void swapBytes(byte[] b, int size) {
    for (int i = 0; i + size <= b.length; i += size) {
      for (int lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
        byte t = b[lo];
        b[lo] = b[hi];
        b[hi] = t;
      }
    }
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) sb.append(String.format(Locale.ROOT, "%02x ", x & 0xFF));
    return sb.toString().strip();
  }
}
