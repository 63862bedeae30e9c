package bdv.util;

import net.imglib2.RandomAccessibleInterval;

/** Test stub of BigDataViewer's {@code bdv.util.BdvStackSource}: records what it was given. */
public class BdvStackSource<T> extends BdvSource {
  public final RandomAccessibleInterval<T> image;
  public final String name;
  public final BdvOptions options;
  public double min = Double.NaN;
  public double max = Double.NaN;

  BdvStackSource(RandomAccessibleInterval<T> image, String name, BdvOptions options) {
    this.image = image;
    this.name = name;
    this.options = options;
  }

  @Override
  public void setDisplayRange(double min, double max) {
    this.min = min;
    this.max = max;
  }
}
