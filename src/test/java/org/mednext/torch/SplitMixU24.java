package org.mednext.torch;

/**
 * The shared fixtures' weight generator "splitmix-u24", written from its description in
 * shared/fixtures/mednext_v2/README.md (independent of the code under test).
 */
final class SplitMixU24 {

  private SplitMixU24() {}

  /** Element {@code i} of tensor {@code stream}: offset + scale * v, two float32 roundings, no FMA. */
  static float value(long seed, long stream, long i, float scale, float offset) {
    long x = (seed << 56) | (stream << 40);
    x ^= i;
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    float u = (float) (z >>> 40);
    float v = u * 0x1p-23f - 1.0f;
    float product = scale * v;
    return offset + product;
  }
}
