package org.mednext.volume;

import java.util.Optional;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;
import org.mednext.util.Checks;

/**
 * An image of one or more channels plus its {@link Geometry}.
 *
 * <p>The image always has four dimensions (x, y, z, c): x varies fastest, c is the channel (a single-channel
 * volume has c = 1). This is NIfTI's (i, j, k, t) order and ImageJ's (X, Y, Z) with channels moved last.
 * nnU-Net's array order is the reverse, (c, z, y, x).
 *
 * @param <T> voxel type
 */
public final class Volume<T extends RealType<T>> {

  private final RandomAccessibleInterval<T> image;
  private final Geometry geometry;
  /** The image as given when it is an ArrayImg (3-D or 4-D), else null. */
  private final ArrayImg<?, ?> array;

  private Volume(RandomAccessibleInterval<T> image, Geometry geometry, ArrayImg<?, ?> array) {
    this.image = image;
    this.geometry = geometry;
    this.array = array;
  }

  /**
   * A volume from a 3-D (x, y, z) or 4-D (x, y, z, c) image with zero minimum.
   *
   * @throws IllegalArgumentException for other dimensionalities or a non-zero minimum
   */
  public static <T extends RealType<T>> Volume<T> of(RandomAccessibleInterval<T> image, Geometry geometry) {
    Checks.notNull(image, "image");
    Checks.notNull(geometry, "geometry");
    int n = image.numDimensions();
    Checks.argument(n == 3 || n == 4, "a volume needs a 3-D (x,y,z) or 4-D (x,y,z,c) image, got %d dimensions", n);
    for (int d = 0; d < n; d++) {
      Checks.argument(image.min(d) == 0, "image must start at 0 in every dimension; dimension %d starts at %d", d, image.min(d));
    }
    RandomAccessibleInterval<T> img4 = n == 3 ? Views.addDimension(image, 0, 0) : image;
    return new Volume<>(img4, geometry, image instanceof ArrayImg<?, ?> a ? a : null);
  }

  /**
   * The image's backing ArrayImg, when the volume was made from one: its storage holds the voxels in {@link #image()}'s
   * flat order (x fastest, then y, z, c), so that writers can take them in bulk.
   */
  public Optional<ArrayImg<?, ?>> arrayImg() {
    return Optional.ofNullable(array);
  }

  /** The (x, y, z, c) image. */
  public RandomAccessibleInterval<T> image() {
    return image;
  }

  /** Channel {@code c} as an (x, y, z) view. */
  public RandomAccessibleInterval<T> channel(int c) {
    Checks.argument(c >= 0 && c < channels(), "channel %d out of range [0, %d)", c, channels());
    return Views.hyperSlice(image, 3, c);
  }

  /** Number of channels. */
  public int channels() {
    return (int) image.dimension(3);
  }

  /** Size along x, y, z. */
  public long[] spatialSize() {
    return new long[] {image.dimension(0), image.dimension(1), image.dimension(2)};
  }

  /** The voxel geometry. */
  public Geometry geometry() {
    return geometry;
  }

  /** A volume with the same geometry and another image of the same spatial size. */
  public <S extends RealType<S>> Volume<S> withImage(RandomAccessibleInterval<S> other) {
    Volume<S> v = of(other, geometry);
    for (int d = 0; d < 3; d++) {
      Checks.argument(v.image.dimension(d) == image.dimension(d),
          "image size differs from the volume's along dimension %d: %d vs %d", d, v.image.dimension(d), image.dimension(d));
    }
    return v;
  }
}
