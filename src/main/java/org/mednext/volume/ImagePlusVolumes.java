package org.mednext.volume;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.basictypeaccess.array.ArrayDataAccess;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.img.basictypeaccess.array.ShortArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.transform.integer.MixedTransform;
import net.imglib2.type.NativeType;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.ShortType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.util.Fraction;
import net.imglib2.view.IntervalView;
import net.imglib2.view.MixedTransformView;
import net.imglib2.view.Views;
import org.mednext.util.Checks;

/**
 * Converts between ImageJ 1.x {@link ImagePlus} stacks and {@link Volume}s, sharing pixel arrays where the types
 * allow. Headless-safe: builds no window or menu.
 *
 * <p>ImagePlus to Volume: 8-bit (also with a colour LUT), 16-bit and 32-bit stacks become a
 * {@link PlanarImg} over the stack's own slice arrays (UnsignedByteType, UnsignedShortType, FloatType), so
 * writes show in ImageJ. Hyperstacks (ImageJ order x, y, c, z) get channels moved last by a view; frames are
 * taken as channels when there is a single channel. Calibrated 16-bit data is converted, into a new ShortType
 * (or FloatType) image, because ImageJ stores it unsigned with a calibration function: signed 16-bit (CT, stored
 * +32768) comes out as the true values (-1000 HU stays -1000), and any straight-line calibration a + b * v is
 * applied. Other calibration functions are ignored. Virtual stacks are loaded slice by slice into new arrays.
 *
 * <p>Volume to ImagePlus: UnsignedByteType, UnsignedShortType and FloatType volumes backed by a PlanarImg (as
 * every reader in this project makes them, and views that only add, permute or translate axes) share their
 * plane arrays with the stack; other volumes are copied: ShortType to signed 16-bit (stored +32768 with ImageJ's
 * signed calibration), the rest to 32-bit float.
 *
 * <p>Geometry: spacing from/to the calibration's pixel width, height and depth, in mm (units "µm", "nm", "cm",
 * "m", "inch" are converted; "pixel" or unknown units are taken as mm). ImageJ has no orientation, so
 * {@link #toImagePlus} also stores the affine and spacing as image properties ({@link #AFFINE_PROPERTY},
 * {@link #SPACING_PROPERTY}, kept in ImageJ TIFFs) and {@link #toVolume} uses them when present (rescaled if
 * the calibration was changed since); otherwise the affine is diagonal with the calibration's origin.
 */
public final class ImagePlusVolumes {

  /** Image property holding the row-major 4x4 voxel-to-RAS affine as 16 numbers. */
  public static final String AFFINE_PROPERTY = "mednext.affine";
  /** Image property holding the spacing (x, y, z) in mm that went with {@link #AFFINE_PROPERTY}. */
  public static final String SPACING_PROPERTY = "mednext.spacing";

  private ImagePlusVolumes() {}

  /**
   * The volume (x, y, z, c) of an ImagePlus, sharing the stack's arrays where possible (see the class comment).
   *
   * @throws IllegalArgumentException for RGB images, hyperstacks with both channels and frames, or a
   *     calibration with a non-positive pixel size
   */
  public static Volume<?> toVolume(ImagePlus imp) {
    Checks.notNull(imp, "imp");
    int type = imp.getType();
    Checks.argument(type != ImagePlus.COLOR_RGB, "%s: RGB images are not supported; convert to 8-bit or split the "
        + "channels (Image > Color > Split Channels) first", imp.getTitle());
    int nc = imp.getNChannels();
    int nz = imp.getNSlices();
    int nt = imp.getNFrames();
    Checks.argument(nc == 1 || nt == 1, "%s: %d channels x %d frames; a volume has channels or frames, not both "
        + "(reduce the hyperstack first)", imp.getTitle(), nc, nt);
    int channels = Math.max(nc, nt);
    boolean channelsFirst = nc > 1; // ImageJ order: c fastest, then z; frames come after z
    ImageStack stack = imp.getStack();
    Checks.argument(stack.getSize() == (long) nc * nz * nt, "%s: the stack has %d slices but its dimensions say "
        + "%d channels x %d slices x %d frames", imp.getTitle(), stack.getSize(), nc, nz, nt);
    List<Object> planes = new ArrayList<>(stack.getSize());
    for (int i = 1; i <= stack.getSize(); i++) {
      planes.add(stack.isVirtual() ? stack.getProcessor(i).getPixels() : stack.getPixels(i));
    }
    long w = imp.getWidth();
    long h = imp.getHeight();
    long[] dims = channelsFirst ? new long[] {w, h, channels, nz} : new long[] {w, h, nz, channels};
    PlanarImg<?, ?> img = planar(imp, type, planes, dims);
    RandomAccessibleInterval<?> xyzc = channelsFirst ? Views.permute(img, 2, 3) : img;
    return volume(xyzc, geometry(imp));
  }

  /**
   * An ImagePlus showing the volume, titled {@code title}: a hyperstack when it has several channels; arrays
   * shared where possible (see the class comment); calibration in mm and the geometry in image properties.
   */
  public static ImagePlus toImagePlus(Volume<?> volume, String title) {
    Checks.notNull(volume, "volume");
    RandomAccessibleInterval<? extends RealType<?>> img = volume.image();
    long[] n = img.dimensionsAsLongArray();
    Checks.argument(n[0] * n[1] <= Integer.MAX_VALUE && n[2] * n[3] <= Integer.MAX_VALUE,
        "volume %s is too large for an ImageJ stack", Arrays.toString(n));
    int w = (int) n[0];
    int h = (int) n[1];
    int nz = (int) n[2];
    int nc = (int) n[3];
    Object t = img.getType();
    Object[] shared = t instanceof UnsignedByteType || t instanceof UnsignedShortType || t instanceof FloatType
        ? sharedPlanes(img) : null;
    ImageStack stack = new ImageStack(w, h);
    for (int z = 0; z < nz; z++) {
      for (int c = 0; c < nc; c++) {
        Object pixels = shared != null ? shared[c * nz + z] : copyPlane(img, z, c, w * h);
        stack.addSlice(null, pixels);
      }
    }
    ImagePlus imp = new ImagePlus(title, stack);
    imp.setDimensions(nc, nz, 1);
    if (nc > 1) imp.setOpenAsHyperStack(true);
    Geometry g = volume.geometry();
    Calibration cal = imp.getCalibration();
    if (t instanceof ShortType) cal.setSigned16BitCalibration();
    cal.pixelWidth = g.spacing(0);
    cal.pixelHeight = g.spacing(1);
    cal.pixelDepth = g.spacing(2);
    cal.setUnit("mm");
    double[] a = g.affine();
    if (isPositiveDiagonal(a, g.spacing())) {
      cal.xOrigin = -a[3] / a[0];
      cal.yOrigin = -a[7] / a[5];
      cal.zOrigin = -a[11] / a[10];
    }
    imp.setProp(AFFINE_PROPERTY, join(a));
    imp.setProp(SPACING_PROPERTY, join(g.spacing()));
    imp.resetDisplayRange();
    return imp;
  }

  /** Millimetres per calibration unit; 1 for "mm", "pixel" and unknown units. */
  static double mmPerUnit(String unit) {
    double f = knownMmPerUnit(unit);
    return Double.isNaN(f) ? 1 : f;
  }

  /**
   * Whether a calibration unit is a length this class converts to mm; not for "pixel" (ImageJ's unit of an image
   * without calibration), "" and names it does not know, whose numbers are taken as mm.
   */
  public static boolean isLengthUnit(String unit) {
    return !Double.isNaN(knownMmPerUnit(unit));
  }

  private static double knownMmPerUnit(String unit) {
    String u = unit == null ? "" : unit.trim().toLowerCase(Locale.ROOT);
    switch (u) {
      case "mm": case "millimeter": case "millimetre": return 1;
      case "µm": case "um": case "micron": case "microns": case "micrometer": case "micrometre": case "\u03bcm":
        return 1e-3;
      case "nm": case "nanometer": case "nanometre": return 1e-6;
      case "cm": return 10;
      case "m": case "meter": case "metre": return 1000;
      case "inch": case "in": return 25.4;
      default: return Double.NaN;
    }
  }

  private static Geometry geometry(ImagePlus imp) {
    Calibration cal = imp.getCalibration();
    double f = mmPerUnit(cal.getUnit());
    double[] spacing = {cal.pixelWidth * f, cal.pixelHeight * f, cal.pixelDepth * f};
    for (double s : spacing) {
      Checks.argument(s > 0 && Double.isFinite(s), "%s: calibration gives a voxel size of %s mm; set a positive "
          + "size with Image > Properties", imp.getTitle(), Arrays.toString(spacing));
    }
    double[] storedAffine = numbers(imp.getProp(AFFINE_PROPERTY), 16);
    double[] storedSpacing = numbers(imp.getProp(SPACING_PROPERTY), 3);
    if (storedAffine != null && storedSpacing != null) {
      try {
        Geometry stored = Geometry.of(storedSpacing, storedAffine);
        return Arrays.equals(storedSpacing, spacing) ? stored : stored.withSpacing(spacing);
      } catch (IllegalArgumentException e) {
        // a damaged property: fall back to the calibration alone
      }
    }
    return Geometry.ofSpacing(spacing, new double[] {
      -cal.xOrigin * spacing[0], -cal.yOrigin * spacing[1], -cal.zOrigin * spacing[2]});
  }

  /** The stack's arrays as a planar image; calibrated 16-bit data converted into new arrays. */
  private static PlanarImg<?, ?> planar(ImagePlus imp, int type, List<Object> planes, long[] dims) {
    Calibration cal = imp.getCalibration();
    if (type == ImagePlus.GRAY16 && cal.getFunction() == Calibration.STRAIGHT_LINE && cal.getCoefficients() != null
        && cal.getCoefficients().length >= 2) {
      return calibrated16(planes, dims, cal.getCoefficients()[0], cal.getCoefficients()[1]);
    }
    if (type == ImagePlus.GRAY16) {
      List<ShortArray> a = new ArrayList<>();
      for (Object p : planes) a.add(new ShortArray((short[]) p));
      return linked(a, dims, new UnsignedShortType());
    }
    if (type == ImagePlus.GRAY32) {
      List<FloatArray> a = new ArrayList<>();
      for (Object p : planes) a.add(new FloatArray((float[]) p));
      return linked(a, dims, new FloatType());
    }
    List<ByteArray> a = new ArrayList<>();
    for (Object p : planes) a.add(new ByteArray((byte[]) p));
    return linked(a, dims, new UnsignedByteType());
  }

  /** a + b * v for unsigned 16-bit v: ShortType when every result is a 16-bit signed integer, else FloatType. */
  private static PlanarImg<?, ?> calibrated16(List<Object> planes, long[] dims, double a, double b) {
    int min = 65535;
    int max = 0;
    for (Object p : planes) {
      for (short s : (short[]) p) {
        int v = s & 0xffff;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    boolean integral = a == Math.rint(a) && b == Math.rint(b);
    double lo = Math.min(a + b * min, a + b * max);
    double hi = Math.max(a + b * min, a + b * max);
    if (integral && lo >= Short.MIN_VALUE && hi <= Short.MAX_VALUE) {
      List<ShortArray> out = new ArrayList<>();
      for (Object p : planes) {
        short[] src = (short[]) p;
        short[] dst = new short[src.length];
        for (int i = 0; i < src.length; i++) dst[i] = (short) (a + b * (src[i] & 0xffff));
        out.add(new ShortArray(dst));
      }
      return linked(out, dims, new ShortType());
    }
    List<FloatArray> out = new ArrayList<>();
    for (Object p : planes) {
      short[] src = (short[]) p;
      float[] dst = new float[src.length];
      for (int i = 0; i < src.length; i++) dst[i] = (float) (a + b * (src[i] & 0xffff));
      out.add(new FloatArray(dst));
    }
    return linked(out, dims, new FloatType());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T extends NativeType<T>, A extends ArrayDataAccess<A>> PlanarImg<T, A> linked(List<A> planes,
      long[] dims, T type) {
    PlanarImg<T, A> img = new PlanarImg<>(planes, dims, new Fraction());
    img.setLinkedType((T) ((net.imglib2.type.NativeTypeFactory) type.getNativeTypeFactory()).createLinkedType(img));
    return img;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Volume<?> volume(RandomAccessibleInterval<?> img, Geometry g) {
    return Volume.of((RandomAccessibleInterval) img, g);
  }

  /**
   * The arrays of the planes (index c * nz + z) when the volume's image is a {@link PlanarImg}, possibly behind
   * views that only add, permute or translate axes, whose x and y axes are the planes' own; else null.
   */
  private static Object[] sharedPlanes(RandomAccessibleInterval<?> image) {
    List<MixedTransform> transforms = new ArrayList<>();
    Object src = image;
    while (!(src instanceof PlanarImg)) {
      if (src instanceof IntervalView) {
        src = ((IntervalView<?>) src).getSource();
      } else if (src instanceof MixedTransformView) {
        transforms.add(((MixedTransformView<?>) src).getTransformToSource());
        src = ((MixedTransformView<?>) src).getSource();
      } else {
        return null;
      }
    }
    PlanarImg<?, ?> p = (PlanarImg<?, ?>) src;
    long[] pd = p.dimensionsAsLongArray();
    long[] n = image.dimensionsAsLongArray();
    if (pd.length < 2 || pd[0] != n[0] || pd[1] != n[1]) return null;
    long[] origin = map(transforms, new long[] {0, 0, 0, 0});
    if (origin.length != pd.length) return null;
    if (n[0] > 1 && !isStep(map(transforms, new long[] {1, 0, 0, 0}), origin, 0)) return null;
    if (n[1] > 1 && !isStep(map(transforms, new long[] {0, 1, 0, 0}), origin, 1)) return null;
    Object[] out = new Object[(int) (n[2] * n[3])];
    for (long c = 0; c < n[3]; c++) {
      for (long z = 0; z < n[2]; z++) {
        long[] s = map(transforms, new long[] {0, 0, z, c});
        if (s[0] != 0 || s[1] != 0) return null;
        long index = 0;
        for (int d = pd.length - 1; d >= 2; d--) {
          if (s[d] < 0 || s[d] >= pd[d]) return null;
          index = index * pd[d] + s[d];
        }
        out[(int) (c * n[2] + z)] = p.getPlane((int) index).getCurrentStorageArray();
      }
    }
    return out;
  }

  private static long[] map(List<MixedTransform> transforms, long[] position) {
    long[] pos = position;
    for (MixedTransform t : transforms) {
      long[] next = new long[t.numTargetDimensions()];
      t.apply(pos, next);
      pos = next;
    }
    return pos;
  }

  private static boolean isStep(long[] moved, long[] origin, int axis) {
    for (int d = 0; d < origin.length; d++) {
      if (moved[d] - origin[d] != (d == axis ? 1 : 0)) return false;
    }
    return true;
  }

  private static Object copyPlane(RandomAccessibleInterval<? extends RealType<?>> img, int z, int c, int size) {
    Object t = img.getType();
    Cursor<? extends RealType<?>> cursor = Views.flatIterable(Views.hyperSlice(Views.hyperSlice(img, 3, c), 2, z))
        .cursor();
    if (t instanceof UnsignedByteType) {
      byte[] out = new byte[size];
      for (int i = 0; i < size; i++) out[i] = (byte) cursor.next().getRealDouble();
      return out;
    }
    if (t instanceof UnsignedShortType || t instanceof ShortType) {
      int offset = t instanceof ShortType ? 32768 : 0;
      short[] out = new short[size];
      for (int i = 0; i < size; i++) out[i] = (short) ((int) cursor.next().getRealDouble() + offset);
      return out;
    }
    float[] out = new float[size];
    for (int i = 0; i < size; i++) out[i] = cursor.next().getRealFloat();
    return out;
  }

  private static boolean isPositiveDiagonal(double[] a, double[] spacing) {
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        if (r == c ? a[4 * r + c] != spacing[r] : a[4 * r + c] != 0) return false;
      }
    }
    return true;
  }

  private static String join(double[] values) {
    StringBuilder s = new StringBuilder();
    for (double v : values) s.append(s.length() > 0 ? " " : "").append(v);
    return s.toString();
  }

  private static double[] numbers(String text, int count) {
    if (text == null) return null;
    String[] parts = text.trim().split("\\s+");
    if (parts.length != count) return null;
    double[] out = new double[count];
    try {
      for (int i = 0; i < count; i++) out[i] = Double.parseDouble(parts[i]);
    } catch (NumberFormatException e) {
      return null;
    }
    return out;
  }
}
