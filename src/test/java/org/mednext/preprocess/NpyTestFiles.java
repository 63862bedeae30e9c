package org.mednext.preprocess;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Test-only readers for the reference files: .npy/.npz (little-endian, C order, the handful of dtypes the
 * fixture scripts write) and the one kind of NIfTI-1 .nii.gz the shared sample data uses. The project's real
 * readers live in {@code org.mednext.io}; these stay small on purpose.
 */
final class NpyTestFiles {

  private NpyTestFiles() {}

  /** An n-d array: dtype descr (e.g. {@code <f4}), shape, raw little-endian data. */
  record Array(String dtype, int[] shape, ByteBuffer data) {

    int size() {
      int n = 1;
      for (int s : shape) n *= s;
      return n;
    }

    float[] floats() {
      float[] out = new float[size()];
      for (int i = 0; i < out.length; i++) out[i] = (float) get(i);
      return out;
    }

    double[] doubles() {
      double[] out = new double[size()];
      for (int i = 0; i < out.length; i++) out[i] = get(i);
      return out;
    }

    short[] shorts() {
      short[] out = new short[size()];
      for (int i = 0; i < out.length; i++) out[i] = (short) get(i);
      return out;
    }

    byte[] bytes() {
      byte[] out = new byte[size()];
      for (int i = 0; i < out.length; i++) out[i] = (byte) get(i);
      return out;
    }

    /** Raw bits of 2-, 4- or 8-byte elements, zero-extended. */
    long bits(int i) {
      switch (dtype.substring(1)) {
        case "u2": case "i2": case "f2": return data.getShort(2 * i) & 0xffffL;
        case "u4": case "i4": case "f4": return data.getInt(4 * i) & 0xffff_ffffL;
        case "u8": case "i8": case "f8": return data.getLong(8 * i);
        default: throw new IllegalStateException("no raw bits for dtype " + dtype);
      }
    }

    double get(int i) {
      switch (dtype) {
        case "<f4": return data.getFloat(4 * i);
        case "<f8": return data.getDouble(8 * i);
        case "|u1": return data.get(i) & 0xff;
        case "|i1": return data.get(i);
        case "|b1": return data.get(i);
        case "<i2": return data.getShort(2 * i);
        case "<u2": return data.getShort(2 * i) & 0xffff;
        case "<i4": return data.getInt(4 * i);
        case "<i8": return data.getLong(8 * i);
        default: throw new IllegalStateException("unsupported dtype " + dtype);
      }
    }
  }

  private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
  private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

  static Array readNpy(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10 || bytes[0] != (byte) 0x93 || bytes[1] != 'N') throw new IllegalArgumentException("not an npy file");
    int major = bytes[6];
    int headerLen = major == 1 ? b.getShort(8) & 0xffff : b.getInt(8);
    int start = major == 1 ? 10 : 12;
    String header = new String(bytes, start, headerLen, StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher o = ORDER.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !o.find() || !s.find()) throw new IllegalArgumentException("bad npy header " + header);
    if (o.group(1).equals("True")) throw new IllegalArgumentException("fortran order not supported");
    String[] parts = s.group(1).split(",");
    int[] shape = java.util.Arrays.stream(parts).map(String::trim).filter(p -> !p.isEmpty())
        .mapToInt(Integer::parseInt).toArray();
    ByteBuffer data = ByteBuffer.wrap(bytes, start + headerLen, bytes.length - start - headerLen).slice()
        .order(ByteOrder.LITTLE_ENDIAN);
    return new Array(d.group(1), shape, data);
  }

  static Array readNpy(Path path) throws IOException {
    return readNpy(Files.readAllBytes(path));
  }

  /** All arrays of an .npz (stored or deflated) found on the test class path next to this class. */
  static Map<String, Array> resourceNpz(String name) throws IOException {
    Map<String, Array> out = new HashMap<>();
    try (InputStream in = NpyTestFiles.class.getResourceAsStream(name)) {
      if (in == null) throw new IOException("test resource " + name + " missing; run tools/fixtures scripts");
      try (ZipInputStream zip = new ZipInputStream(in)) {
        for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
          String key = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
          out.put(key, readNpy(zip.readAllBytes()));
        }
      }
    }
    return out;
  }

  /** A NIfTI-1 volume as read by nnU-Net's NibabelIO: float32 array in (z, y, x) C order = the file's voxel order. */
  record Nifti(float[] data, int[] shapeZyx, double[] spacingZyx) {}

  /** Reads a little-endian single-file NIfTI-1 .nii.gz with uint8, int16 or int32 voxels and unit scaling. */
  static Nifti readNiftiGz(Path path) throws IOException {
    byte[] raw;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(path))) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      in.transferTo(buf);
      raw = buf.toByteArray();
    }
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(0) != 348) throw new IOException(path + ": not a little-endian NIfTI-1 file");
    int nx = b.getShort(42);
    int ny = b.getShort(44);
    int nz = b.getShort(46);
    int datatype = b.getShort(70);
    int offset = (int) b.getFloat(108);
    float slope = b.getFloat(112);
    float inter = b.getFloat(116);
    if (!(slope == 0 || slope == 1) || inter != 0) throw new IOException(path + ": scaled data not supported here");
    int n = nx * ny * nz;
    int bytesPer = datatype == 2 ? 1 : datatype == 4 ? 2 : datatype == 8 ? 4 : -1;
    if (bytesPer < 0) throw new IOException(path + ": datatype " + datatype + " not supported here");
    if ((long) offset + (long) n * bytesPer > raw.length) throw new IOException(path + ": truncated");
    float[] data = new float[n];
    for (int i = 0; i < n; i++) {
      int p = offset + i * bytesPer;
      data[i] = datatype == 2 ? raw[p] & 0xff : datatype == 4 ? b.getShort(p) : b.getInt(p);
    }
    double[] spacing = {b.getFloat(88), b.getFloat(84), b.getFloat(80)};
    return new Nifti(data, new int[] {nz, ny, nx}, spacing);
  }
}
