package org.mednext.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.mednext.util.Checks;

/**
 * numpy's .npz format, a zip of .npy files (one per key): read stored and deflated archives, write with
 * {@link NpzWriter} or {@link #write}. Keys are the entry names without ".npy", as {@code np.load} gives them.
 */
public final class Npz {

  /** Deflate cannot expand data more than about 1032 times; larger claims are corrupt. */
  private static final long MAX_DEFLATE_RATIO = 1032;

  private Npz() {}

  /** All arrays, in archive order. */
  public static Map<String, NpyArray> read(Path file) throws IOException {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    try (ZipFile zip = open(file)) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (e.isDirectory()) continue;
        out.put(key(e), readEntry(zip, e, file));
      }
    }
    return out;
  }

  /** One array by key (without ".npy"). */
  public static NpyArray read(Path file, String key) throws IOException {
    try (ZipFile zip = open(file)) {
      ZipEntry e = zip.getEntry(key + ".npy");
      if (e == null) e = zip.getEntry(key);
      if (e == null) {
        List<String> keys = new ArrayList<>();
        zip.stream().forEach(x -> keys.add(key(x)));
        throw new VolumeFormatException(file, "no array '" + key + "' in the archive; it holds " + keys);
      }
      return readEntry(zip, e, file);
    }
  }

  /** Writes the arrays (in map order) atomically; {@code compressed} as np.savez_compressed, else as np.savez. */
  public static void write(Path file, Map<String, NpyArray> arrays, boolean compressed) throws IOException {
    Checks.notNull(arrays, "arrays");
    try (NpzWriter w = NpzWriter.create(file, compressed)) {
      for (Map.Entry<String, NpyArray> e : arrays.entrySet()) w.add(e.getKey(), e.getValue());
      w.commit();
    }
  }

  private static ZipFile open(Path file) throws IOException {
    try {
      return new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new VolumeFormatException(file, "not a valid .npz (zip) archive: " + e.getMessage(), e);
    }
  }

  private static String key(ZipEntry e) {
    String name = e.getName();
    return name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
  }

  private static NpyArray readEntry(ZipFile zip, ZipEntry e, Path file) throws IOException {
    Path where = file.resolveSibling(file.getFileName() + "[" + e.getName() + "]");
    long size = e.getSize();
    long packed = e.getCompressedSize();
    if (size < 0 || packed < 0) throw new VolumeFormatException(where, "zip entry without sizes");
    if (e.getMethod() == ZipEntry.STORED ? size != packed : size > packed * MAX_DEFLATE_RATIO + 1024) {
      throw new VolumeFormatException(where, "zip entry claims " + size + " bytes from " + packed
          + " stored bytes, which is impossible; the archive is corrupt");
    }
    try (InputStream in = new BufferedInputStream(zip.getInputStream(e), 1 << 16)) {
      return Npy.read(in, size, where);
    } catch (ZipException x) {
      throw new VolumeFormatException(where, "corrupt zip data: " + x.getMessage(), x);
    }
  }
}
