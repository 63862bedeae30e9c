package org.mednext.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ColorProcessor;
import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.planar.PlanarImg;
import net.imglib2.img.planar.PlanarImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.ShortType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.Test;

/** {@link ImagePlusVolumes}: shared arrays, axis order, signed 16-bit, calibration and geometry. */
class ImagePlusVolumesTest {

  private static final double[] OBLIQUE = {
    0, -0.75, 0, 12.5,
    0.5, 0, 0, -7.25,
    0, 0, -2.0, 33.0,
    0, 0, 0, 1};

  @Test
  void sharesTheArraysOfAn8BitStack() {
    ImagePlus imp = stack8(4, 3, 1, 5, 1);
    Volume<?> v = ImagePlusVolumes.toVolume(imp);
    assertInstanceOf(UnsignedByteType.class, v.image().getType());
    assertArrayEquals(new long[] {4, 3, 5, 1}, v.image().dimensionsAsLongArray());
    PlanarImg<?, ?> img = assertInstanceOf(PlanarImg.class, v.image());
    assertSame(imp.getStack().getPixels(3), img.getPlane(2).getCurrentStorageArray());
    set(v, 1, 2, 2, 0, 77);
    assertEquals(77, imp.getStack().getProcessor(3).get(1, 2));
  }

  @Test
  void movesHyperstackChannelsLastAsAView() {
    ImagePlus imp = stack8(4, 3, 2, 3, 1); // value at (x, y) of stack index i is 10 * i + x
    Volume<?> v = ImagePlusVolumes.toVolume(imp);
    assertArrayEquals(new long[] {4, 3, 3, 2}, v.image().dimensionsAsLongArray());
    for (int z = 0; z < 3; z++) {
      for (int c = 0; c < 2; c++) {
        int index = c + z * 2; // ImageJ order: c fastest
        assertEquals(10 * index + 1, get(v, 1, 0, z, c), "z " + z + " c " + c);
      }
    }
    set(v, 0, 0, 2, 1, 99);
    assertEquals(99, imp.getStack().getProcessor(imp.getStackIndex(2, 3, 1)).get(0, 0));
  }

  @Test
  void takesFramesAsChannelsWhenThereIsOneChannel() {
    ImagePlus imp = stack8(2, 2, 1, 3, 2);
    Volume<?> v = ImagePlusVolumes.toVolume(imp);
    assertArrayEquals(new long[] {2, 2, 3, 2}, v.image().dimensionsAsLongArray());
    assertEquals(10 * (2 + 3 * 1), get(v, 0, 0, 2, 1));
  }

  @Test
  void refusesChannelsAndFramesTogether() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ImagePlusVolumes.toVolume(stack8(2, 2, 2, 2, 2)));
    assertEquals("stack: 2 channels x 2 frames; a volume has channels or frames, not both (reduce the hyperstack "
        + "first)", e.getMessage());
  }

  @Test
  void refusesRgb() {
    ImagePlus imp = new ImagePlus("rgb", new ColorProcessor(2, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImagePlusVolumes.toVolume(imp));
    assertEquals("rgb: RGB images are not supported; convert to 8-bit or split the channels (Image > Color > Split "
        + "Channels) first", e.getMessage());
  }

  @Test
  void signed16BitComesOutAsTrueValues() {
    ImageStack stack = new ImageStack(2, 1);
    stack.addSlice(null, new short[] {(short) 31768, (short) 32768});
    ImagePlus imp = new ImagePlus("ct", stack);
    imp.getCalibration().setSigned16BitCalibration();
    Volume<?> v = ImagePlusVolumes.toVolume(imp);
    assertInstanceOf(ShortType.class, v.image().getType());
    assertEquals(-1000, get(v, 0, 0, 0, 0));
    assertEquals(0, get(v, 1, 0, 0, 0));
  }

  @Test
  void appliesStraightLineCalibrations() {
    ImageStack stack = new ImageStack(2, 1);
    stack.addSlice(null, new short[] {0, 3});
    ImagePlus imp = new ImagePlus("mr", stack);
    imp.getCalibration().setFunction(Calibration.STRAIGHT_LINE, new double[] {1.5, 0.5}, "value");
    Volume<?> v = ImagePlusVolumes.toVolume(imp);
    assertInstanceOf(FloatType.class, v.image().getType());
    assertEquals(3.0, get(v, 1, 0, 0, 0));
  }

  @Test
  void sharesUncalibrated16And32BitArrays() {
    ImageStack s16 = new ImageStack(2, 1);
    short[] p16 = {1, (short) 65000};
    s16.addSlice(null, p16);
    Volume<?> v16 = ImagePlusVolumes.toVolume(new ImagePlus("u16", s16));
    assertInstanceOf(UnsignedShortType.class, v16.image().getType());
    assertEquals(65000, get(v16, 1, 0, 0, 0));
    assertSame(p16, ((PlanarImg<?, ?>) v16.image()).getPlane(0).getCurrentStorageArray());
    ImageStack s32 = new ImageStack(2, 1);
    float[] p32 = {1.5f, -2};
    s32.addSlice(null, p32);
    Volume<?> v32 = ImagePlusVolumes.toVolume(new ImagePlus("f32", s32));
    assertSame(p32, ((PlanarImg<?, ?>) v32.image()).getPlane(0).getCurrentStorageArray());
  }

  @Test
  void spacingComesFromTheCalibrationInMillimetres() {
    ImagePlus imp = stack8(2, 2, 1, 2, 1);
    Calibration cal = imp.getCalibration();
    cal.pixelWidth = 0.8;
    cal.pixelHeight = 0.8;
    cal.pixelDepth = 0.35;
    cal.setUnit("micron");
    cal.xOrigin = 10;
    Geometry g = ImagePlusVolumes.toVolume(imp).geometry();
    assertArrayEquals(new double[] {0.8e-3, 0.8e-3, 0.35e-3}, g.spacing(), 1e-15);
    assertArrayEquals(new double[] {-10 * 0.8e-3, 0, 0}, g.origin(), 1e-15);
  }

  @Test
  void sharesPlanarArraysWithTheNewStack() {
    PlanarImg<UnsignedByteType, ByteArray> img = PlanarImgs.unsignedBytes(3, 2, 4, 2);
    Volume<UnsignedByteType> v = Volume.of(img, Geometry.of(new double[] {0.5, 0.75, 2}, OBLIQUE));
    ImagePlus imp = ImagePlusVolumes.toImagePlus(v, "labels");
    assertEquals(2, imp.getNChannels());
    assertEquals(4, imp.getNSlices());
    // plane (z = 1, c = 1) of the volume is plane 1 + 4 * 1 of the PlanarImg and slice (c 2, z 2) of the stack
    assertSame(img.getPlane(5).getCurrentStorageArray(), imp.getStack().getPixels(imp.getStackIndex(2, 2, 1)));
  }

  @Test
  void sharesArraysThroughAnAddedChannelAxis() {
    PlanarImg<FloatType, ?> img = PlanarImgs.floats(3, 2, 4);
    Volume<FloatType> v = Volume.of(img, Geometry.ofSpacing(1, 1, 1));
    ImagePlus imp = ImagePlusVolumes.toImagePlus(v, "probabilities");
    assertSame(img.getPlane(3).getCurrentStorageArray(), imp.getStack().getPixels(4));
  }

  @Test
  void copiesNonPlanarVolumes() {
    Volume<FloatType> v = Volume.of(ArrayImgs.floats(new float[] {1, 2, 3, 4}, 2, 2, 1), Geometry.ofSpacing(1, 1, 1));
    ImagePlus imp = ImagePlusVolumes.toImagePlus(v, "copy");
    assertArrayEquals(new float[] {1, 2, 3, 4}, (float[]) imp.getStack().getPixels(1));
  }

  @Test
  void signedShortVolumesBecomeSigned16BitStacks() {
    short[] data = {-1000, 0, 3071, -32768};
    Volume<ShortType> v = Volume.of(ArrayImgs.shorts(data, 2, 2, 1), Geometry.ofSpacing(1, 1, 1));
    ImagePlus imp = ImagePlusVolumes.toImagePlus(v, "ct");
    assertEquals(true, imp.getCalibration().isSigned16Bit());
    assertEquals(-1000.0, imp.getCalibration().getCValue(imp.getStack().getProcessor(1).get(0, 0)));
    Volume<?> back = ImagePlusVolumes.toVolume(imp);
    assertInstanceOf(ShortType.class, back.image().getType());
    assertEquals(-32768, get(back, 1, 1, 0, 0));
    assertNotSame(imp.getStack().getPixels(1), ((PlanarImg<?, ?>) back.image()).getPlane(0).getCurrentStorageArray());
  }

  @Test
  void roundTripKeepsTheGeometryExactly() {
    Geometry g = Geometry.of(new double[] {0.5, 0.75, 2}, OBLIQUE);
    Volume<UnsignedByteType> v = Volume.of(PlanarImgs.unsignedBytes(3, 2, 4), g);
    ImagePlus imp = ImagePlusVolumes.toImagePlus(v, "x");
    assertEquals(0.75, imp.getCalibration().pixelHeight);
    assertEquals(g, ImagePlusVolumes.toVolume(imp).geometry());
  }

  @Test
  void aChangedCalibrationRescalesTheStoredAffine() {
    Geometry g = Geometry.of(new double[] {0.5, 0.75, 2}, OBLIQUE);
    ImagePlus imp = ImagePlusVolumes.toImagePlus(Volume.of(PlanarImgs.unsignedBytes(3, 2, 4), g), "x");
    imp.getCalibration().pixelDepth = 4;
    assertEquals(g.withSpacing(new double[] {0.5, 0.75, 4}), ImagePlusVolumes.toVolume(imp).geometry());
  }

  @Test
  void axisAlignedGeometryAlsoSetsTheImageJOrigin() {
    Geometry g = Geometry.ofSpacing(new double[] {2, 3, 4}, new double[] {-10, 6, 8});
    ImagePlus imp = ImagePlusVolumes.toImagePlus(Volume.of(PlanarImgs.unsignedBytes(3, 2, 4), g), "x");
    assertEquals(5.0, imp.getCalibration().xOrigin);
    assertEquals(-2.0, imp.getCalibration().yOrigin);
    assertEquals(-2.0, imp.getCalibration().zOrigin);
  }

  /** A stack of c x z x t 8-bit slices; slice i (0-based stack index) holds 10 * i + x. */
  private static ImagePlus stack8(int w, int h, int c, int z, int t) {
    ImageStack stack = new ImageStack(w, h);
    for (int i = 0; i < c * z * t; i++) {
      byte[] p = new byte[w * h];
      for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) p[y * w + x] = (byte) (10 * i + x);
      stack.addSlice(null, p);
    }
    ImagePlus imp = new ImagePlus("stack", stack);
    imp.setDimensions(c, z, t);
    return imp;
  }

  private static double get(Volume<?> v, long x, long y, long z, long c) {
    RandomAccess<? extends RealType<?>> ra = v.image().randomAccess();
    ra.setPosition(new long[] {x, y, z, c});
    return ra.get().getRealDouble();
  }

  private static void set(Volume<?> v, long x, long y, long z, long c, double value) {
    RandomAccess<? extends RealType<?>> ra = v.image().randomAccess();
    ra.setPosition(new long[] {x, y, z, c});
    ra.get().setReal(value);
  }
}
