package org.mednext.model;

import java.util.Arrays;
import org.mednext.util.Checks;

/**
 * The parts of numpy's legacy {@code np.random.RandomState(seed)} that nnU-Net's case splitting and
 * foreground-location sampling use, bit-exact: the MT19937 generator with numpy's integer seeding
 * ({@code init_genrand}), {@code permutation(n)} (numpy's Fisher-Yates shuffle from the end, indices drawn by
 * masked rejection sampling) and {@code choice(n, k, replace=False)} (the first k of a permutation). Not
 * thread-safe.
 */
public final class NumpyRandomState {

  private static final int N = 624;
  private static final int M = 397;
  private static final int MATRIX_A = 0x9908b0df;
  private static final int UPPER_MASK = 0x80000000;
  private static final int LOWER_MASK = 0x7fffffff;

  private final int[] key = new int[N];
  private int pos;

  /** {@code RandomState(seed)} for an integer seed in [0, 2^32 - 1]. */
  public NumpyRandomState(long seed) {
    Checks.argument(seed >= 0 && seed <= 0xffffffffL, "seed must be between 0 and 2**32 - 1, got %d", seed);
    int s = (int) seed;
    for (int i = 0; i < N; i++) {
      key[i] = s;
      s = 1812433253 * (s ^ (s >>> 30)) + i + 1; // int arithmetic wraps modulo 2^32, as the C code's & 0xffffffff
    }
    pos = N;
  }

  /** The next raw 32-bit output, as an unsigned value. */
  long nextUInt32() {
    if (pos == N) regenerate();
    int y = key[pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y & 0xffffffffL;
  }

  private void regenerate() {
    int i = 0;
    for (; i < N - M; i++) key[i] = key[i + M] ^ twist(key[i], key[i + 1]);
    for (; i < N - 1; i++) key[i] = key[i + (M - N)] ^ twist(key[i], key[i + 1]);
    key[N - 1] = key[M - 1] ^ twist(key[N - 1], key[0]);
    pos = 0;
  }

  private static int twist(int a, int b) {
    int y = (a & UPPER_MASK) | (b & LOWER_MASK);
    return (y >>> 1) ^ (-(y & 1) & MATRIX_A);
  }

  /** A uniform integer in [0, max] by masked rejection, numpy's legacy {@code random_interval} (max < 2^31 here). */
  int interval(int max) {
    if (max == 0) return 0;
    int mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    long value;
    do {
      value = nextUInt32() & mask;
    } while (value > max);
    return (int) value;
  }

  /** {@code permutation(n)}: 0..n-1 shuffled in place from the last element down. */
  public int[] permutation(int n) {
    Checks.argument(n >= 0, "n must be >= 0, got %d", n);
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = i;
    for (int i = n - 1; i >= 1; i--) {
      int j = interval(i);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** {@code choice(n, k, replace=False)} without probabilities: the first k entries of {@code permutation(n)}. */
  public int[] choiceWithoutReplacement(int n, int k) {
    Checks.argument(k >= 0 && k <= n, "cannot take %d of %d without replacement", k, n);
    return Arrays.copyOf(permutation(n), k);
  }
}
