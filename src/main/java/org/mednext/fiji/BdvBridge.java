package org.mednext.fiji;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.converter.Converters;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.RealType;

/**
 * Shows an image with a label overlay in BigDataViewer, which every Fiji ships but which is not on Maven Central,
 * so it is called by reflection and stays off the compile class path. Uses BigDataViewer's public API, by name:
 * {@code BdvOptions.options()}, {@code .sourceTransform(double...)}, {@code .frameTitle(String)},
 * {@code .addTo(Bdv)}, {@code BdvFunctions.show(RandomAccessibleInterval, String, BdvOptions)} and
 * {@code BdvSource.setDisplayRange(double, double)}. The labels are coloured lazily (a converted view, no copy)
 * with the {@link LabelLut label colours}; label 0 is black, which BigDataViewer's additive blending leaves
 * transparent. A contract test checks these names against stubs with the same signatures.
 */
final class BdvBridge {

  static final String FUNCTIONS = "bdv.util.BdvFunctions";
  static final String OPTIONS = "bdv.util.BdvOptions";
  static final String BDV = "bdv.util.Bdv";

  private BdvBridge() {}

  /** Whether BigDataViewer's classes can be loaded. */
  static boolean isAvailable() {
    return loader() != null;
  }

  /**
   * Opens a BigDataViewer window with {@code image} (grey, display range {@code min .. max}) and the coloured
   * {@code labels} on top, both scaled by {@code spacing} (x, y, z).
   *
   * @return the image's BdvStackSource
   * @throws IllegalStateException when BigDataViewer is missing or its API differs from the one expected
   */
  static Object show(RandomAccessibleInterval<? extends RealType<?>> image, double min, double max,
      RandomAccessibleInterval<? extends RealType<?>> labels, double[] spacing, String title) {
    ClassLoader cl = loader();
    if (cl == null) throw new IllegalStateException("BigDataViewer is not installed (no " + FUNCTIONS + ")");
    try {
      Class<?> functions = Class.forName(FUNCTIONS, true, cl);
      Class<?> optionsType = Class.forName(OPTIONS, true, cl);
      Class<?> bdvType = Class.forName(BDV, true, cl);
      Method show = functions.getMethod("show", RandomAccessibleInterval.class, String.class, optionsType);
      Object imageOptions = options(optionsType, spacing);
      try {
        imageOptions = optionsType.getMethod("frameTitle", String.class).invoke(imageOptions, title);
      } catch (NoSuchMethodException olderBdv) {
        // frameTitle came later; the window is then called "BigDataViewer"
      }
      Object imageSource = show.invoke(null, image, title, imageOptions);
      imageSource.getClass().getMethod("setDisplayRange", double.class, double.class).invoke(imageSource, min, max);
      Object labelOptions = options(optionsType, spacing);
      labelOptions = optionsType.getMethod("addTo", bdvType).invoke(labelOptions, imageSource);
      Object labelSource = show.invoke(null, colour(labels), title + " labels", labelOptions);
      labelSource.getClass().getMethod("setDisplayRange", double.class, double.class).invoke(labelSource, 0, 255);
      return imageSource;
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("BigDataViewer failed: " + Errors.message(cause), cause);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("this BigDataViewer version does not offer the API MedNeXt uses ("
          + e + "); use viewer=ImageJ", e);
    }
  }

  /** The labels as ARGB colours, computed on access. */
  static RandomAccessibleInterval<ARGBType> colour(RandomAccessibleInterval<? extends RealType<?>> labels) {
    int[] table = LabelLut.table();
    @SuppressWarnings({"unchecked", "rawtypes"})
    RandomAccessibleInterval<RealType<?>> l = (RandomAccessibleInterval) labels;
    return Converters.convert(l, (in, out) -> {
      int v = (int) in.getRealDouble();
      out.set(v <= 0 ? 0 : table[Math.min(v, LabelLut.SIZE - 1)]);
    }, new ARGBType());
  }

  private static Object options(Class<?> optionsType, double[] spacing) throws ReflectiveOperationException {
    Object o = optionsType.getMethod("options").invoke(null);
    return optionsType.getMethod("sourceTransform", double[].class).invoke(o, (Object) spacing.clone());
  }

  private static ClassLoader loader() {
    for (ClassLoader cl : new ClassLoader[] {Thread.currentThread().getContextClassLoader(),
        BdvBridge.class.getClassLoader()}) {
      if (cl == null) continue;
      try {
        Class.forName(FUNCTIONS, false, cl);
        return cl;
      } catch (ClassNotFoundException | LinkageError absent) {
        // try the next loader
      }
    }
    return null;
  }
}
