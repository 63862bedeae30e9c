package org.mednext.train.augment;

import java.util.Arrays;
import org.mednext.train.sampling.Patch;
import org.mednext.util.Half;
import org.mednext.util.Parallel;

/**
 * The resampling core of {@link SpatialTransform}: batchgeneratorsv2's {@code SpatialTransform} grid (centred
 * output offsets, times the affine, scaled to the input) read with torch's {@code grid_sample(mode='bilinear',
 * padding_mode='zeros', align_corners=False)}, in torch's float32 arithmetic and corner order. Labels are resampled
 * per label: every label's indicator times 1000 is interpolated, rounded to fp16, and the voxel takes the label
 * with the highest score (running argmax, first maximum wins), an exact tie going to the nearest-neighbour label
 * when that is among the best; outside the input counts as label -1 ({@code border_mode_seg='constant',
 * padding_value_seg=-1}) whenever some sample point can reach outside.
 *
 * <p>In-plane mode (dummy 2D and 2D configurations) keeps axis 0: output slice k reads input slice k, and the
 * label set is taken per slice, as nnU-Net's 3D-to-2D conversion does.
 */
final class GridSampler {

  static final short PAD = -1;
  private static final float SCORE = 1000f;
  private static final float HALF_SCORE = 500f;

  /** The labels one channel (volume or slice) is resampled over, ascending, with a value -> index table. */
  private record LabelSet(short[] labels, int padIndex, int lutMin, int[] lut) {
    int indexOf(int label) {
      int i = label - lutMin;
      return i >= 0 && i < lut.length ? lut[i] : -1;
    }
  }

  private final int[] in;
  private final int[] out;
  private final float[][] affine;
  private final boolean inPlane;
  private final float[][] offsets;
  private final float[] halfIn;

  /**
   * @param in input shape (the enlarged patch)
   * @param out output shape (the final patch); in-plane mode needs {@code in[0] == out[0]}
   * @param affine 3x3 matrix acting on (a0, a1, a2) offsets, or 2x2 on (a1, a2) in in-plane mode, in float32
   */
  GridSampler(int[] in, int[] out, float[][] affine, boolean inPlane) {
    if (inPlane && in[0] != out[0]) {
      throw new IllegalArgumentException("in-plane resampling keeps axis 0, but the input has " + in[0]
          + " slices and the output " + out[0]);
    }
    this.in = in.clone();
    this.out = out.clone();
    this.affine = affine;
    this.inPlane = inPlane;
    offsets = new float[3][];
    halfIn = new float[3];
    for (int d = 0; d < 3; d++) {
      offsets[d] = new float[out[d]];
      // torch.linspace((1 - s) / 2, (s - 1) / 2, s): step 1, every value exact
      for (int k = 0; k < out[d]; k++) offsets[d][k] = k - (out[d] - 1) / 2f;
      halfIn[d] = in[d] / 2f;
    }
  }

  /** Resamples image and labels of {@code patch} (shape {@code in}) onto the output grid. */
  Patch sample(Patch patch, int threads) {
    boolean reachesOutside = mayReachOutside(threads);
    LabelSet[] sets = labelSets(patch.labels(), reachesOutside);
    int n = out[0] * out[1] * out[2];
    float[][] data = new float[patch.channels()][n];
    short[] labels = new short[n];
    int maxLabels = Arrays.stream(sets).mapToInt(s -> s.labels().length).max().orElse(1);
    Parallel.forRanges(out[0] * out[1], threads, 4, (from, to) -> {
      float[] c = new float[3];
      float[] acc = new float[maxLabels];
      int[] index = new int[8];
      float[] weight = new float[8];
      for (int row = from; row < to; row++) {
        int k0 = row / out[1];
        int k1 = row % out[1];
        LabelSet set = sets[inPlane ? k0 : 0];
        for (int k2 = 0; k2 < out[2]; k2++) {
          int o = row * out[2] + k2;
          source(k0, k1, k2, c);
          sampleVoxel(patch, c, o, data, labels, set, acc, index, weight);
        }
      }
    });
    return new Patch(data, labels, out.clone());
  }

  /** Source position (a0, a1, a2) in input voxels of output voxel (k0, k1, k2), as grid_sample unnormalizes it. */
  private void source(int k0, int k1, int k2, float[] c) {
    if (inPlane) {
      c[0] = k0;
      c[1] = unnormalize2d(grid(1, k1, k2), in[1]);
      c[2] = unnormalize2d(grid(2, k1, k2), in[2]);
    } else {
      c[0] = unnormalize(grid(0, k0, k1, k2), in[0]);
      c[1] = unnormalize(grid(1, k0, k1, k2), in[1]);
      c[2] = unnormalize(grid(2, k0, k1, k2), in[2]);
    }
  }

  /** 3D grid value along axis d: (affine row d . offsets) / (in_d / 2), in float32. */
  private float grid(int d, int k0, int k1, int k2) {
    float[] a = affine[d];
    float p = multiplyAdd(offsets[2][k2], a[2], multiplyAdd(offsets[1][k1], a[1], offsets[0][k0] * a[0]));
    return p / halfIn[d];
  }

  /** In-plane grid value along axis d (1 or 2). */
  private float grid(int d, int k1, int k2) {
    float[] a = affine[d - 1];
    float p = multiplyAdd(offsets[2][k2], a[1], offsets[1][k1] * a[0]);
    return p / halfIn[d];
  }

  /**
   * {@code x * y + z} rounded once, as torch's CPU matmul computes the grid (a fused multiply-add chain). The
   * product of two floats is exact in double, so this agrees with a true FMA except in rare double-rounding
   * cases, and stays fast on CPUs without FMA (where {@code Math.fma} falls back to BigDecimal).
   */
  private static float multiplyAdd(float x, float y, float z) {
    return (float) ((double) x * y + z);
  }

  /** torch's 3D kernel: {@code ((g + 1) * size - 1) / 2}, step by step in float. */
  private static float unnormalize(float g, int size) {
    return ((g + 1f) * size - 1f) / 2f;
  }

  /** torch's vectorized 2D kernel: {@code (g + 1) * (size / 2) - 0.5} as one multiply-add. */
  private static float unnormalize2d(float g, int size) {
    return multiplyAdd(g + 1f, size / 2f, -0.5f);
  }

  /**
   * batchgeneratorsv2's {@code _may_reach_outside}: false only if every grid value lies within {@code 1 - 1/size}
   * of the centre (smallest size of the resampled axes), i.e. no bilinear corner can fall outside.
   */
  private boolean mayReachOutside(int threads) {
    int rows = out[0] * out[1];
    float[] lo = new float[rows];
    float[] hi = new float[rows];
    Parallel.forRanges(rows, threads, 16, (from, to) -> {
      for (int row = from; row < to; row++) {
        int k0 = row / out[1];
        int k1 = row % out[1];
        float mn = Float.POSITIVE_INFINITY;
        float mx = Float.NEGATIVE_INFINITY;
        for (int k2 = 0; k2 < out[2]; k2++) {
          for (int d = inPlane ? 1 : 0; d < 3; d++) {
            float g = inPlane ? grid(d, k1, k2) : grid(d, k0, k1, k2);
            mn = Math.min(mn, g);
            mx = Math.max(mx, g);
          }
        }
        lo[row] = mn;
        hi[row] = mx;
      }
    });
    double bound = Double.POSITIVE_INFINITY;
    for (int d = inPlane ? 1 : 0; d < 3; d++) bound = Math.min(bound, 1 - 1.0 / in[d]);
    float mn = Float.POSITIVE_INFINITY;
    float mx = Float.NEGATIVE_INFINITY;
    for (int r = 0; r < rows; r++) {
      mn = Math.min(mn, lo[r]);
      mx = Math.max(mx, hi[r]);
    }
    return !(-(double) mn <= bound && (double) mx <= bound);
  }

  /** The label set of the whole input (3D) or of every input slice (in-plane), with -1 added if needed. */
  private LabelSet[] labelSets(short[] labels, boolean reachesOutside) {
    int slices = inPlane ? in[0] : 1;
    int perSlice = labels.length / slices;
    LabelSet[] sets = new LabelSet[slices];
    for (int s = 0; s < slices; s++) {
      boolean[] present = new boolean[65536];
      for (int v = s * perSlice; v < (s + 1) * perSlice; v++) present[labels[v] & 0xffff] = true;
      if (reachesOutside) present[PAD & 0xffff] = true;
      short[] values = new short[65536];
      int n = 0;
      for (int v = Short.MIN_VALUE; v <= Short.MAX_VALUE; v++) if (present[v & 0xffff]) values[n++] = (short) v;
      values = Arrays.copyOf(values, n);
      int lutMin = values[0];
      int[] lut = new int[values[n - 1] - lutMin + 1];
      Arrays.fill(lut, -1);
      for (int i = 0; i < n; i++) lut[values[i] - lutMin] = i;
      int padIndex = reachesOutside ? lut[PAD - lutMin] : -1;
      sets[s] = new LabelSet(values, padIndex, lutMin, lut);
    }
    return sets;
  }

  /** Bilinear image values and the label decision for one output voxel at source position c. */
  private void sampleVoxel(Patch patch, float[] c, int o, float[][] data, short[] labels, LabelSet set,
      float[] acc, int[] index, float[] weight) {
    int z0 = (int) Math.floor(c[0]);
    int y0 = (int) Math.floor(c[1]);
    int x0 = (int) Math.floor(c[2]);
    float wx1 = c[2] - x0;
    float wy1 = c[1] - y0;
    // the 3D kernel measures the far weights from the far corner, the 2D kernel as 1 - near weight
    float wx0 = inPlane ? 1f - wx1 : (x0 + 1) - c[2];
    float wy0 = inPlane ? 1f - wy1 : (y0 + 1) - c[1];
    float wz1 = inPlane ? 0f : c[0] - z0;
    float wz0 = inPlane ? 1f : (z0 + 1) - c[0];
    int corners = inPlane ? 4 : 8;
    // torch's corner order tnw, tne, tsw, tse, bnw, bne, bsw, bse = memory order (z, y, x)
    for (int k = 0; k < corners; k++) {
      int z = z0 + (k >> 2);
      int y = y0 + ((k >> 1) & 1);
      int x = x0 + (k & 1);
      float wx = (k & 1) == 0 ? wx0 : wx1;
      float wy = ((k >> 1) & 1) == 0 ? wy0 : wy1;
      weight[k] = inPlane ? wy * wx : (wx * wy) * ((k >> 2) == 0 ? wz0 : wz1);
      boolean inside = z >= 0 && z < in[0] && y >= 0 && y < in[1] && x >= 0 && x < in[2];
      index[k] = inside ? (z * in[1] + y) * in[2] + x : -1;
    }
    for (int ch = 0; ch < data.length; ch++) {
      float[] src = patch.data()[ch];
      float v = 0f;
      for (int k = 0; k < corners; k++) if (index[k] >= 0) v = accumulate(src[index[k]], weight[k], v);
      data[ch][o] = v;
    }
    labels[o] = decideLabel(patch.labels(), c, corners, index, weight, set, acc);
  }

  private short decideLabel(short[] src, float[] c, int corners, int[] index, float[] weight, LabelSet set,
      float[] acc) {
    short[] l = set.labels();
    int n = l.length;
    if (n == 1) return l[0];
    Arrays.fill(acc, 0, n, 0f);
    float padScore = 0f;
    for (int k = 0; k < corners; k++) {
      if (index[k] < 0) continue;
      short label = src[index[k]];
      int i = set.indexOf(label);
      acc[i] = accumulate(SCORE, weight[k], acc[i]);
      // the padding label's indicator is 1 outside: torch samples (indicator - 1) * 1000 and adds 1000 back
      if (set.padIndex() >= 0 && label != PAD) padScore = accumulate(-SCORE, weight[k], padScore);
    }
    if (set.padIndex() >= 0) acc[set.padIndex()] = padScore + SCORE;
    if (n == 2) {
      float hi = fp16(acc[1]);
      if (hi == HALF_SCORE) return nearest(src, c);
      return hi > HALF_SCORE ? l[1] : l[0];
    }
    float best = fp16(acc[0]);
    short winner = l[0];
    for (int i = 1; i < n; i++) {
      float s = fp16(acc[i]);
      if (s > best) {
        best = s;
        winner = l[i];
      }
    }
    short nn = nearest(src, c);
    int nnIndex = set.indexOf(nn);
    return nnIndex >= 0 && fp16(acc[nnIndex]) == best ? nn : winner;
  }

  /** {@code sum + value * weight} as torch's 3D kernel (two roundings) or vectorized 2D kernel (fused) adds it. */
  private float accumulate(float value, float weight, float sum) {
    return inPlane ? multiplyAdd(value, weight, sum) : sum + value * weight;
  }

  /** grid_sample's nearest neighbour (round half to even), -1 outside. */
  private short nearest(short[] src, float[] c) {
    int z = (int) Math.rint(c[0]);
    int y = (int) Math.rint(c[1]);
    int x = (int) Math.rint(c[2]);
    if (z < 0 || z >= in[0] || y < 0 || y >= in[1] || x < 0 || x >= in[2]) return PAD;
    return src[(z * in[1] + y) * in[2] + x];
  }

  private static float fp16(float v) {
    return Half.toFloat(Half.fromFloat(v));
  }
}
