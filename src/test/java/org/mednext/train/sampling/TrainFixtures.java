package org.mednext.train.sampling;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Paths;
import java.util.Map;
import org.mednext.io.NpyArray;
import org.mednext.io.Npz;

/**
 * The reference arrays of {@code train_fixtures.npz}, made by tools/fixtures/make_augment_fixtures.py with torch
 * 1.13 and numpy (see the script for what each key holds).
 */
public final class TrainFixtures {

  private static Map<String, NpyArray> arrays;

  private TrainFixtures() {}

  /** Array {@code key} of the fixture file. */
  public static synchronized NpyArray get(String key) {
    if (arrays == null) {
      URL url = TrainFixtures.class.getResource("/org/mednext/train/train_fixtures.npz");
      if (url == null) throw new IllegalStateException("train_fixtures.npz missing; run make_augment_fixtures.py");
      try {
        arrays = Npz.read(Paths.get(url.toURI()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    NpyArray a = arrays.get(key);
    if (a == null) throw new IllegalArgumentException("no array " + key + " in train_fixtures.npz");
    return a;
  }

  public static float[] floats(String key) {
    return get(key).toFloatArray();
  }

  public static double[] doubles(String key) {
    return get(key).toDoubleArray();
  }

  public static short[] shorts(String key) {
    return (short[]) get(key).data();
  }

  public static int[] ints(String key) {
    Object d = get(key).data();
    if (d instanceof int[] i) return i;
    double[] v = get(key).toDoubleArray();
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) out[i] = (int) v[i];
    return out;
  }

  public static long[] longs(String key) {
    return (long[]) get(key).data();
  }

  public static int[] shape(String key) {
    long[] s = get(key).shape();
    int[] out = new int[s.length];
    for (int i = 0; i < s.length; i++) out[i] = (int) s[i];
    return out;
  }
}
