package org.mednext.preprocess;

import java.lang.reflect.Array;
import java.util.Arrays;
import org.mednext.util.Checks;
import org.mednext.util.Parallel;

/**
 * nnU-Net's crop to the non-zero region ({@code crop_to_nonzero}, NNUNET_PIPELINE_SPEC.md B.4) and its
 * inverse at export (C.7 step 3). Channels are {@code float[]} in C order with a shape in nnU-Net array order.
 */
public final class Cropping {

  /** nnU-Net's label for voxels outside the non-zero mask in the helper segmentation. */
  public static final byte OUTSIDE_MASK = -1;

  private Cropping() {}

  /**
   * The result of {@link #cropToNonzero}. Arrays are shared, not copied.
   *
   * @param channels the cropped channels (the input arrays themselves when nothing was cropped)
   * @param helperSeg int8 map of the box: 0 inside the filled non-zero mask, -1 outside
   * @param boundingBox the box used, nnU-Net's {@code bbox_used_for_cropping}
   * @param shapeBefore nnU-Net's {@code shape_before_cropping}
   */
  public record Result(float[][] channels, byte[] helperSeg, BoundingBox boundingBox, int[] shapeBefore) {

    /** nnU-Net's {@code shape_after_cropping_and_before_resampling}. */
    public int[] shapeAfter() {
      return boundingBox.shape();
    }
  }

  /**
   * Crops all channels to the bounding box of their filled non-zero mask: voxels where any channel is
   * {@code != 0} (exactly; -0.0 is zero, NaN is not), holes filled with {@link #fillHoles}; the whole image
   * when no voxel is non-zero.
   */
  public static Result cropToNonzero(float[][] channels, int[] shape, int threads) {
    boolean[] mask = nonzeroMask(channels, shape, threads);
    fillHoles(mask, shape);
    BoundingBox box = boundingBox(mask, shape, threads);
    byte[] seg = helperSeg(mask, shape, box, threads);
    float[][] cropped = box.isFull(shape) ? channels.clone() : new float[channels.length][];
    if (!box.isFull(shape)) {
      for (int c = 0; c < channels.length; c++) cropped[c] = crop(channels[c], shape, box, threads);
    }
    return new Result(cropped, seg, box, shape.clone());
  }

  /** {@code true} where any channel is {@code != 0} (nnU-Net's {@code create_nonzero_mask} before filling). */
  public static boolean[] nonzeroMask(float[][] channels, int[] shape, int threads) {
    Checks.notNull(channels, "channels");
    Checks.argument(channels.length >= 1, "need at least one channel");
    Volumes.checkShape(shape, "shape");
    for (int c = 0; c < channels.length; c++) {
      Checks.notNull(channels[c], "channel " + c);
      Volumes.checkLength(channels[c].length, shape, "channel " + c);
    }
    int n = Volumes.size(shape);
    boolean[] mask = new boolean[n];
    int chunk = Parallel.chunkSize(n, threads, 1 << 16);
    Parallel.forEach((n + chunk - 1) / chunk, threads, k -> {
      int end = Math.min(n, (k + 1) * chunk);
      for (float[] ch : channels) {
        for (int i = k * chunk; i < end; i++) if (ch[i] != 0) mask[i] = true;
      }
    });
    return mask;
  }

  /**
   * {@code scipy.ndimage.binary_fill_holes} with its default 6-connected structure, in place: a background
   * voxel becomes foreground unless a 6-connected path of background voxels leads from it to the border of
   * the volume.
   */
  public static void fillHoles(boolean[] mask, int[] shape) {
    Checks.notNull(mask, "mask");
    Volumes.checkShape(shape, "shape");
    Volumes.checkLength(mask.length, shape, "mask");
    int s0 = shape[0];
    int s1 = shape[1];
    int s2 = shape[2];
    int plane = s1 * s2;
    boolean[] outside = new boolean[mask.length];
    IntStack stack = new IntStack();
    // seeds: background voxels on the six faces
    for (int z = 0; z < s0; z++) {
      for (int y = 0; y < s1; y++) {
        int row = z * plane + y * s2;
        if (z == 0 || z == s0 - 1 || y == 0 || y == s1 - 1) {
          for (int x = 0; x < s2; x++) visit(mask, outside, stack, row + x);
        } else {
          visit(mask, outside, stack, row);
          visit(mask, outside, stack, row + s2 - 1);
        }
      }
    }
    while (!stack.isEmpty()) {
      int i = stack.pop();
      int z = i / plane;
      int y = (i / s2) % s1;
      int x = i % s2;
      if (z > 0) visit(mask, outside, stack, i - plane);
      if (z < s0 - 1) visit(mask, outside, stack, i + plane);
      if (y > 0) visit(mask, outside, stack, i - s2);
      if (y < s1 - 1) visit(mask, outside, stack, i + s2);
      if (x > 0) visit(mask, outside, stack, i - 1);
      if (x < s2 - 1) visit(mask, outside, stack, i + 1);
    }
    for (int i = 0; i < mask.length; i++) mask[i] = !outside[i];
  }

  private static void visit(boolean[] mask, boolean[] outside, IntStack stack, int j) {
    if (!mask[j] && !outside[j]) {
      outside[j] = true;
      stack.push(j);
    }
  }

  /** The half-open bounding box of the {@code true} voxels, or the whole volume when there are none. */
  public static BoundingBox boundingBox(boolean[] mask, int[] shape, int threads) {
    Checks.notNull(mask, "mask");
    Volumes.checkShape(shape, "shape");
    Volumes.checkLength(mask.length, shape, "mask");
    int s1 = shape[1];
    int s2 = shape[2];
    int[][] perSlice = new int[shape[0]][];
    Parallel.forEach(shape[0], threads, z -> {
      int y0 = Integer.MAX_VALUE;
      int y1 = -1;
      int x0 = Integer.MAX_VALUE;
      int x1 = -1;
      for (int y = 0; y < s1; y++) {
        int row = (z * s1 + y) * s2;
        for (int x = 0; x < s2; x++) {
          if (mask[row + x]) {
            y0 = Math.min(y0, y);
            y1 = y;
            x0 = Math.min(x0, x);
            x1 = Math.max(x1, x);
          }
        }
      }
      perSlice[z] = y1 < 0 ? null : new int[] {y0, y1, x0, x1};
    });
    int[] start = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
    int[] end = {0, 0, 0};
    for (int z = 0; z < shape[0]; z++) {
      int[] b = perSlice[z];
      if (b == null) continue;
      start[0] = Math.min(start[0], z);
      end[0] = z + 1;
      start[1] = Math.min(start[1], b[0]);
      end[1] = Math.max(end[1], b[1] + 1);
      start[2] = Math.min(start[2], b[2]);
      end[2] = Math.max(end[2], b[3] + 1);
    }
    return end[0] == 0 ? BoundingBox.full(shape) : BoundingBox.of(start, end);
  }

  /** nnU-Net's int8 helper segmentation of the box: 0 where {@code mask} is set, -1 elsewhere. */
  public static byte[] helperSeg(boolean[] mask, int[] shape, BoundingBox box, int threads) {
    Checks.notNull(mask, "mask");
    checkBox(box, shape);
    Volumes.checkLength(mask.length, shape, "mask");
    int[] out = box.shape();
    byte[] seg = new byte[Volumes.size(out)];
    Parallel.forEach(out[0], threads, z -> {
      for (int y = 0; y < out[1]; y++) {
        int src = ((z + box.start(0)) * shape[1] + y + box.start(1)) * shape[2] + box.start(2);
        int dst = (z * out[1] + y) * out[2];
        for (int x = 0; x < out[2]; x++) seg[dst + x] = mask[src + x] ? 0 : OUTSIDE_MASK;
      }
    });
    return seg;
  }

  /**
   * Sets cropped training labels that are 0 outside the mask to -1 (nnU-Net's {@code crop_to_nonzero} with a
   * segmentation), in place; {@code helperSeg} is the map from {@link #cropToNonzero}.
   */
  public static void markBackgroundOutsideMask(short[] croppedLabels, byte[] helperSeg) {
    Checks.notNull(croppedLabels, "croppedLabels");
    Checks.notNull(helperSeg, "helperSeg");
    Checks.argument(croppedLabels.length == helperSeg.length, "label map has %d voxels, helper segmentation %d",
        croppedLabels.length, helperSeg.length);
    for (int i = 0; i < croppedLabels.length; i++) {
      if (croppedLabels[i] == 0 && helperSeg[i] < 0) croppedLabels[i] = OUTSIDE_MASK;
    }
  }

  /**
   * nnU-Net's {@code seg} for the z-score's mask when a label map came with the image: -1 where the cropped labels
   * are negative (from {@link #markBackgroundOutsideMask}), 0 elsewhere, so labelled voxels outside the image's
   * non-zero mask are in the mask.
   */
  static byte[] normalizationSeg(short[] croppedLabels) {
    byte[] seg = new byte[croppedLabels.length];
    for (int i = 0; i < seg.length; i++) if (croppedLabels[i] < 0) seg[i] = OUTSIDE_MASK;
    return seg;
  }

  /** A copy of the part of {@code channel} inside {@code box}. */
  public static float[] crop(float[] channel, int[] shape, BoundingBox box, int threads) {
    Checks.notNull(channel, "channel");
    checkBox(box, shape);
    Volumes.checkLength(channel.length, shape, "channel");
    int[] out = box.shape();
    float[] res = new float[Volumes.size(out)];
    Parallel.forEach(out[0], threads, z -> {
      for (int y = 0; y < out[1]; y++) {
        int src = ((z + box.start(0)) * shape[1] + y + box.start(1)) * shape[2] + box.start(2);
        System.arraycopy(channel, src, res, (z * out[1] + y) * out[2], out[2]);
      }
    });
    return res;
  }

  /** A label map cropped to {@code box} (training labels follow their image's crop). */
  public static short[] crop(short[] labels, int[] shape, BoundingBox box, int threads) {
    Checks.notNull(labels, "labels");
    checkBox(box, shape);
    Volumes.checkLength(labels.length, shape, "label map");
    int[] out = box.shape();
    short[] res = new short[Volumes.size(out)];
    Parallel.forEach(out[0], threads, z -> {
      for (int y = 0; y < out[1]; y++) {
        int src = ((z + box.start(0)) * shape[1] + y + box.start(1)) * shape[2] + box.start(2);
        System.arraycopy(labels, src, res, (z * out[1] + y) * out[2], out[2]);
      }
    });
    return res;
  }

  /** A volume of {@code shape} filled with {@code fill} and {@code cropped} pasted at {@code box}. */
  public static float[] uncrop(float[] cropped, BoundingBox box, int[] shape, float fill, int threads) {
    checkCropped(cropped, box, shape, "cropped channel");
    float[] out = new float[Volumes.size(shape)];
    if (fill != 0) Arrays.fill(out, fill); // a new array is 0 already
    paste(cropped, box, shape, out, threads);
    return out;
  }

  /** {@link #uncrop(float[], BoundingBox, int[], float, int)} into {@code out} (of {@code shape}, overwritten). */
  public static float[] uncropInto(float[] cropped, BoundingBox box, int[] shape, float fill, float[] out,
      int threads) {
    checkCropped(cropped, box, shape, "cropped channel");
    Volumes.checkLength(out.length, shape, "output");
    Arrays.fill(out, fill);
    paste(cropped, box, shape, out, threads);
    return out;
  }

  /** Checks a box-shaped primitive array ({@code what} names it in the message) and the box. */
  private static void checkCropped(Object cropped, BoundingBox box, int[] shape, String what) {
    Checks.notNull(cropped, "cropped");
    checkBox(box, shape);
    Volumes.checkLength(Array.getLength(cropped), box.shape(), what);
  }

  /** A label map of {@code shape}, 0 outside {@code box}, with {@code cropped} pasted at {@code box}. */
  public static byte[] uncrop(byte[] cropped, BoundingBox box, int[] shape, int threads) {
    checkCropped(cropped, box, shape, "cropped label map");
    byte[] out = new byte[Volumes.size(shape)];
    paste(cropped, box, shape, out, threads);
    return out;
  }

  /** A label map of {@code shape}, 0 outside {@code box}, with {@code cropped} pasted at {@code box}. */
  public static short[] uncrop(short[] cropped, BoundingBox box, int[] shape, int threads) {
    checkCropped(cropped, box, shape, "cropped label map");
    short[] out = new short[Volumes.size(shape)];
    paste(cropped, box, shape, out, threads);
    return out;
  }

  /** Row-wise copy of a box-shaped array into a full-shaped one (any primitive array type). */
  private static void paste(Object cropped, BoundingBox box, int[] shape, Object out, int threads) {
    int[] in = box.shape();
    Parallel.forEach(in[0], threads, z -> {
      for (int y = 0; y < in[1]; y++) {
        int dst = ((z + box.start(0)) * shape[1] + y + box.start(1)) * shape[2] + box.start(2);
        System.arraycopy(cropped, (z * in[1] + y) * in[2], out, dst, in[2]);
      }
    });
  }

  private static void checkBox(BoundingBox box, int[] shape) {
    Checks.notNull(box, "box");
    Volumes.checkShape(shape, "shape");
    Checks.argument(box.fitsIn(shape), "bounding box %s does not fit in shape %s", box, Arrays.toString(shape));
  }

  /** A growable stack of ints for the flood fill. */
  private static final class IntStack {
    private int[] items = new int[1 << 12];
    private int size;

    void push(int v) {
      if (size == items.length) items = Arrays.copyOf(items, items.length * 2);
      items[size++] = v;
    }

    int pop() {
      return items[--size];
    }

    boolean isEmpty() {
      return size == 0;
    }
  }
}
