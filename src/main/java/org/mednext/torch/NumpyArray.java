package org.mednext.torch;

import java.util.Arrays;
import org.mednext.util.Checks;

/**
 * A numpy float64 array in C order, for plain pickles that Python code reads with numpy (nnU-Net's properties
 * files hold their affines as such arrays). Written as numpy pickles it: {@code numpy.core.multiarray._reconstruct}
 * and the array's state, which numpy 1.x and 2.x both read.
 *
 * @param values the elements in C order
 * @param shape numpy's shape
 */
public record NumpyArray(double[] values, long[] shape) {

  public NumpyArray {
    long n = 1;
    for (long d : shape) {
      Checks.argument(d >= 0, "negative dimension in %s", Arrays.toString(shape));
      n = Math.multiplyExact(n, d);
    }
    Checks.argument(n == values.length, "%d values do not fill shape %s", values.length, Arrays.toString(shape));
    values = values.clone();
    shape = shape.clone();
  }
}
