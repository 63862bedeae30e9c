package org.mednext.io;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.ArrayDataAccess;
import net.imglib2.type.numeric.IntegerType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.ByteType;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.integer.LongType;
import net.imglib2.type.numeric.integer.ShortType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedIntType;
import net.imglib2.type.numeric.integer.UnsignedLongType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.DoubleType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Intervals;
import net.imglib2.view.Views;
import org.mednext.util.Checks;
import org.mednext.volume.Geometry;
import org.mednext.volume.Volume;
import org.mednext.util.AtomicFiles;

/**
 * Writes volumes as single-file NIfTI-1, {@code .nii} or gzip-compressed {@code .nii.gz} (chosen by the name),
 * little-endian, atomically; as NIfTI-2 when asked ({@link Builder#nifti2}) or when a size along an axis exceeds
 * NIfTI-1's 32767.
 *
 * <p>Header: dim = (x, y, z) or (x, y, z, c) when there are several channels; datatype as configured (default:
 * the one matching the volume's voxel type, see {@link NiftiDatatype#forType}); pixdim[1..3] = the geometry's
 * spacing; sform = the geometry's affine with {@code sform_code} (default 2, "aligned", as nibabel writes; pass
 * the source's {@link NiftiHeader#sformCode()} to keep it); qform = the same affine with {@code qform_code}
 * (default 1) when it is a rotation times the spacing (possibly with a z flip), else qform_code 0; units mm; no
 * scaling (slope 1, intercept 0). NIfTI-1 stores the affine and spacing as float32, so a volume read from a
 * NIfTI-1 file round-trips exactly; NIfTI-2 stores them as double, so every geometry does.
 *
 * <p>Voxels are converted exactly or not at all: a value that the datatype cannot hold (out of range, or a
 * fraction for an integer type) fails with an {@link IllegalArgumentException} naming the voxel, and nothing
 * is written. Compression uses level 1 (fast), as nibabel does.
 */
public final class NiftiWriter implements VolumeWriter {

  private static final int CHUNK = 1 << 20;

  private final NiftiDatatype datatype;
  private final int sformCode;
  private final int qformCode;
  private final String description;
  private final boolean nifti2;
  private final NiftiHeader transforms;

  private NiftiWriter(Builder b) {
    this.datatype = b.datatype;
    this.sformCode = b.sformCode;
    this.qformCode = b.qformCode;
    this.description = b.description;
    this.nifti2 = b.nifti2;
    this.transforms = b.transforms;
  }

  /** A writer with the defaults: datatype from the voxel type, sform_code 2, qform_code 1. */
  public NiftiWriter() {
    this(new Builder());
  }

  /** A builder for a configured writer. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String formatName() {
    return "NIfTI";
  }

  @Override
  public void write(Volume<?> volume, Path path) throws IOException {
    try (AtomicFiles.Pending file = prepare(volume, path)) {
      file.commit();
    }
  }

  /**
   * Writes {@code volume} as {@link #write} does, but leaves it in its temporary file for the caller to commit: for a
   * file that must appear together with others.
   */
  public AtomicFiles.Pending prepare(Volume<?> volume, Path path) throws IOException {
    Checks.notNull(volume, "volume");
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean gz = name.endsWith(".nii.gz");
    Checks.argument(gz || name.endsWith(".nii"),
        "NIfTI output must end in .nii or .nii.gz: %s (.hdr/.img pairs are not written)", path);
    RandomAccessibleInterval<? extends RealType<?>> img = volume.image();
    long[] size = {img.dimension(0), img.dimension(1), img.dimension(2), img.dimension(3)};
    boolean two = nifti2 || Arrays.stream(size).anyMatch(n -> n > Short.MAX_VALUE);
    NiftiDatatype dt = datatype != null ? datatype : NiftiDatatype.forType(img.getType());
    Geometry g = volume.geometry();
    byte[] header = two
        ? NiftiHeaderCodec.encodeNifti2(size, dt, g.spacing(), g.affine(), sformCode, qformCode, description)
        : NiftiHeaderCodec.encodeNifti1(size, dt, g.spacing(), g.affine(), sformCode, qformCode, description);
    if (transforms != null) NiftiHeaderCodec.copyTransforms(header, transforms);
    return AtomicFiles.prepare(path, out -> {
      OutputStream o = gz ? new FastGzip(out) : out;
      o.write(header);
      if (!writeStorage(volume, dt, o)) writeVoxels(img, size, dt, o);
      if (gz) ((GZIPOutputStream) o).finish();
    });
  }

  /**
   * Writes the voxels straight from an ArrayImg's storage array when it holds them as {@code dt} already (the type
   * is {@code dt}'s own); returns false, writing nothing, otherwise. A prediction's labels and most images read from
   * files go this way: one bulk copy instead of a call per voxel.
   */
  private static boolean writeStorage(Volume<?> volume, NiftiDatatype dt, OutputStream out) throws IOException {
    ArrayImg<?, ?> a = volume.arrayImg().orElse(null);
    if (a == null) return false;
    RealType<?> type = (RealType<?>) a.firstElement();
    Class<?> storage = STORAGE.get(type.getClass());
    if (storage == null || dt != NiftiDatatype.forType(type) || !(a.update(null) instanceof ArrayDataAccess<?> access)) {
      return false;
    }
    Object data = access.getCurrentStorageArray();
    if (data.getClass() != storage || Array.getLength(data) != Intervals.numElements(a)) return false;
    Npy.writeData(out, data, 0, Array.getLength(data));
    return true;
  }

  /** The storage array of each ImgLib2 type whose values are stored as their NIfTI datatype's bytes. */
  private static final Map<Class<?>, Class<?>> STORAGE = Map.of(UnsignedByteType.class, byte[].class,
      ByteType.class, byte[].class, ShortType.class, short[].class, UnsignedShortType.class, short[].class,
      IntType.class, int[].class, UnsignedIntType.class, int[].class, LongType.class, long[].class,
      UnsignedLongType.class, long[].class, FloatType.class, float[].class, DoubleType.class, double[].class);

  private static <T extends RealType<?>> void writeVoxels(RandomAccessibleInterval<T> img, long[] size,
      NiftiDatatype dt, OutputStream out) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    for (long c = 0; c < size[3]; c++) {
      for (long z = 0; z < size[2]; z++) {
        RandomAccessibleInterval<T> plane = Views.hyperSlice(Views.hyperSlice(img, 3, c), 2, z);
        Cursor<T> cursor = Views.flatIterable(plane).cursor();
        while (cursor.hasNext()) {
          T v = cursor.next();
          if (buf.remaining() < 8) flush(buf, out);
          put(v, dt, buf, cursor, z, c);
        }
      }
    }
    flush(buf, out);
  }

  private static void flush(ByteBuffer buf, OutputStream out) throws IOException {
    out.write(buf.array(), 0, buf.position());
    buf.clear();
  }

  private static void put(RealType<?> v, NiftiDatatype dt, ByteBuffer buf, Cursor<?> at, long z, long c) {
    if (dt == NiftiDatatype.FLOAT32) {
      buf.putFloat(v.getRealFloat());
      return;
    }
    if (dt == NiftiDatatype.FLOAT64) {
      buf.putDouble(v.getRealDouble());
      return;
    }
    long x = integerValue(v, dt, at, z, c);
    switch (dt.bytes()) {
      case 1: buf.put((byte) x); break;
      case 2: buf.putShort((short) x); break;
      case 4: buf.putInt((int) x); break;
      default: buf.putLong(x);
    }
  }

  /** The voxel as a long (for uint64: its bits), or an exception when the datatype cannot hold it exactly. */
  private static long integerValue(RealType<?> v, NiftiDatatype dt, Cursor<?> at, long z, long c) {
    if (v instanceof IntegerType) {
      long x = ((IntegerType<?>) v).getIntegerLong();
      boolean unsigned64 = v instanceof UnsignedLongType;
      if (dt == NiftiDatatype.UINT64) {
        if (unsigned64 || x >= 0) return x;
      } else if (!(unsigned64 && x < 0) && x >= dt.minLong() && (dt == NiftiDatatype.INT64 || x <= dt.maxLong())) {
        return x;
      }
      throw doesNotFit(v, dt, at, z, c);
    }
    double d = v.getRealDouble();
    if (d != Math.rint(d)) throw doesNotFit(v, dt, at, z, c);
    if (dt == NiftiDatatype.UINT64) {
      if (d < 0 || d >= 0x1p64) throw doesNotFit(v, dt, at, z, c);
      return d >= 0x1p63 ? (long) (d - 0x1p63) ^ Long.MIN_VALUE : (long) d;
    }
    if (dt == NiftiDatatype.INT64) {
      if (d < -0x1p63 || d >= 0x1p63) throw doesNotFit(v, dt, at, z, c);
      return (long) d;
    }
    if (d < dt.minLong() || d > dt.maxLong()) throw doesNotFit(v, dt, at, z, c);
    return (long) d;
  }

  private static IllegalArgumentException doesNotFit(RealType<?> v, NiftiDatatype dt, Cursor<?> at, long z, long c) {
    String range = dt == NiftiDatatype.UINT64 ? "0..2^64-1" : dt.minLong() + ".." + dt.maxLong();
    return new IllegalArgumentException(String.format(Locale.ROOT, "voxel (%d, %d, %d, %d) = %s cannot be stored "
        + "exactly as %s (whole numbers %s); choose a wider or a float datatype, or round/clip first",
        at.getLongPosition(0), at.getLongPosition(1), z, c, v, dt, range));
  }

  /** gzip at level 1: several times faster than the default, a few percent larger (nibabel's choice). */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 1 << 16);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }

  /** Configures a {@link NiftiWriter}. */
  public static final class Builder {
    private NiftiDatatype datatype;
    private int sformCode = 2;
    private int qformCode = 1;
    private String description = "MedNeXt for Fiji";
    private boolean nifti2;
    private NiftiHeader transforms;

    private Builder() {}

    /** The stored voxel type; default: the one matching the volume's voxel type. */
    public Builder datatype(NiftiDatatype datatype) {
      this.datatype = Checks.notNull(datatype, "datatype");
      return this;
    }

    /** {@code sform_code}, 1 to 5 (default 2 = aligned); e.g. the source file's, to keep it. */
    public Builder sformCode(int code) {
      Checks.argument(code >= 1 && code <= 5, "sform_code must be 1..5 (0 would drop the affine), got %d", code);
      this.sformCode = code;
      return this;
    }

    /**
     * {@code qform_code}, 0 to 5 (default 1 = scanner); with 0 readers ignore the quaternion, which is still filled, as
     * nibabel does.
     */
    public Builder qformCode(int code) {
      Checks.argument(code >= 0 && code <= 5, "qform_code must be 0..5, got %d", code);
      this.qformCode = code;
      return this;
    }

    /**
     * The sform and qform codes of the file a volume was read from, to keep them: the source's codes where set,
     * else the defaults (2 and 1).
     */
    public Builder codesFrom(NiftiHeader source) {
      Checks.notNull(source, "source");
      if (source.sformCode() >= 1 && source.sformCode() <= 5) this.sformCode = source.sformCode();
      if (source.qformCode() >= 1 && source.qformCode() <= 5) this.qformCode = source.qformCode();
      return this;
    }

    /**
     * The spatial transforms of {@code source} exactly as its file holds them (sform and qform with their codes,
     * also one that readers ignore), instead of the volume's affine: for a volume on the grid of the file
     * {@code source} was read from (a segmentation of it), so that every program places the two alike, whichever
     * transform its rules prefer where the file's two disagree. The source's spatial unit comes along (ITK scales the
     * spacing by it). Also NIfTI-2 when the source is.
     */
    public Builder transformsFrom(NiftiHeader source) {
      this.transforms = Checks.notNull(source, "source");
      if (source.version() == 2) this.nifti2 = true;
      return this;
    }

    /** The header's {@code descrip} (at most 79 characters are kept). */
    public Builder description(String text) {
      this.description = Checks.notNull(text, "description");
      return this;
    }

    /**
     * NIfTI-2 (64-bit sizes, geometry in double precision) rather than NIfTI-1 (default: NIfTI-1, as nibabel and
     * nnU-Net write, unless a size exceeds 32767).
     */
    public Builder nifti2(boolean on) {
      this.nifti2 = on;
      return this;
    }

    public NiftiWriter build() {
      return new NiftiWriter(this);
    }
  }
}
