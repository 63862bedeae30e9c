package bdv.util;

import java.util.ArrayList;
import java.util.List;
import net.imglib2.RandomAccessibleInterval;

/** Test stub of BigDataViewer's {@code bdv.util.BdvFunctions}: {@code show} records its calls. */
public class BdvFunctions {
  public static final List<BdvStackSource<?>> SHOWN = new ArrayList<>();

  public static <T> BdvStackSource<T> show(final RandomAccessibleInterval<T> img, final String name,
      final BdvOptions options) {
    BdvStackSource<T> s = new BdvStackSource<>(img, name, options);
    SHOWN.add(s);
    return s;
  }
}
