package org.mednext.testutil;

import java.io.IOException;
import java.nio.file.Path;
import net.imglib2.Cursor;
import net.imglib2.type.numeric.RealType;
import net.imglib2.util.Intervals;
import net.imglib2.view.Views;
import org.mednext.io.NiftiReader;
import org.mednext.volume.Volume;

/** Small synthetic volumes for front-end tests. */
public final class TestVolumes {

  private TestVolumes() {}

  /**
   * Intensities in (z, y, x) C order (x fastest) and the size.
   *
   * @param values one value per voxel
   * @param nx size along x
   * @param ny size along y
   * @param nz size along z
   */
  public record Phantom(float[] values, int nx, int ny, int nz) {
    /** (z, y, x). */
    public int[] shapeZyx() {
      return new int[] {nz, ny, nx};
    }
  }

  /**
   * Two nested spheres on a dark, slightly varying background: 20 + (x % 3) outside, 90 in the outer shell and
   * 250 in the core. With the tiny threshold model this gives background, label 1 (shell) and label 2 (core).
   */
  public static Phantom phantom(int nx, int ny, int nz) {
    float[] v = new float[nx * ny * nz];
    double cx = (nx - 1) / 2.0;
    double cy = (ny - 1) / 2.0;
    double cz = (nz - 1) / 2.0;
    double r = Math.min(nx, Math.min(ny, nz)) * 0.42;
    int i = 0;
    for (int z = 0; z < nz; z++) {
      for (int y = 0; y < ny; y++) {
        for (int x = 0; x < nx; x++) {
          double d = Math.sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy) + (z - cz) * (z - cz));
          v[i++] = d < r * 0.5 ? 250 : d < r ? 90 : 20 + x % 3;
        }
      }
    }
    return new Phantom(v, nx, ny, nz);
  }

  /** The label values of a NIfTI file, (z, y, x) C order (x fastest), as a prediction holds them. */
  public static short[] readLabels(Path file) throws IOException {
    Volume<?> v = new NiftiReader().read(file);
    short[] out = new short[(int) Intervals.numElements(v.channel(0))];
    Cursor<? extends RealType<?>> c = Views.flatIterable(v.channel(0)).cursor();
    for (int i = 0; i < out.length; i++) out[i] = (short) c.next().getRealDouble();
    return out;
  }
}
