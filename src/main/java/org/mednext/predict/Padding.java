package org.mednext.predict;

import org.mednext.util.Checks;

/**
 * Zero padding of a preprocessed volume to at least the patch size, as nnU-Net's {@code pad_nd_image}: an axis
 * shorter than the patch gets {@code diff / 2} zeros before and the rest after; longer axes are left alone.
 */
final class Padding {

  private final int[] shape;
  private final int[] padded;
  private final int[] before;

  private Padding(int[] shape, int[] padded, int[] before) {
    this.shape = shape;
    this.padded = padded;
    this.before = before;
  }

  static Padding toAtLeast(int[] shape, int[] patch) {
    Checks.argument(shape.length == patch.length, "shape and patch differ in dimensions");
    int[] padded = new int[shape.length];
    int[] before = new int[shape.length];
    for (int d = 0; d < shape.length; d++) {
      int diff = Math.max(0, patch[d] - shape[d]);
      padded[d] = shape[d] + diff;
      before[d] = diff / 2;
    }
    return new Padding(shape.clone(), padded, before);
  }

  int[] paddedShape() {
    return padded.clone();
  }

  int paddedVoxels() {
    return padded[0] * padded[1] * padded[2];
  }

  boolean isIdentity() {
    return java.util.Arrays.equals(shape, padded);
  }

  float[][] pad(float[][] channels) {
    if (isIdentity()) return channels;
    float[][] out = new float[channels.length][paddedVoxels()];
    for (int c = 0; c < channels.length; c++) copyRows(channels[c], out[c], true);
    return out;
  }

  /** A label map padded with 0 (a cascade's previous stage: 0 is no foreground label, so its one-hot is 0 too). */
  short[] pad(short[] labels) {
    if (isIdentity()) return labels;
    short[] out = new short[paddedVoxels()];
    copyRows(labels, out, true);
    return out;
  }

  short[][] unpad(short[][] channels) {
    if (isIdentity()) return channels;
    short[][] out = new short[channels.length][shape[0] * shape[1] * shape[2]];
    for (int c = 0; c < channels.length; c++) copyRows(channels[c], out[c], false);
    return out;
  }

  /**
   * Copies every row of the unpadded volume between {@code from} and {@code to} (arrays of one primitive type): into
   * its place in the padded volume ({@code toPadded}), or out of it.
   */
  private void copyRows(Object from, Object to, boolean toPadded) {
    for (int a = 0; a < shape[0]; a++) {
      for (int b = 0; b < shape[1]; b++) {
        int inner = (a * shape[1] + b) * shape[2];
        int outer = ((a + before[0]) * padded[1] + b + before[1]) * padded[2] + before[2];
        System.arraycopy(from, toPadded ? inner : outer, to, toPadded ? outer : inner, shape[2]);
      }
    }
  }
}
