package org.mednext.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The 3-D tensor operations MedNeXt needs, written with the ops DJL's PyTorch engine has. All take and return
 * NCDHW float tensors and are differentiable (plain libtorch ops), so the same code serves training and
 * inference. NB: results belong to the manager of their first operand, so callers run them inside an
 * {@code NDScope}.
 */
final class Ops3d {

  static final double NORM_EPS = 1e-5;
  static final double GRN_EPS = 1e-6;

  private Ops3d() {}

  /** Depthwise convolution, kernel k (odd), padding k / 2, stride 1 or 2; weight (C, 1, k, k, k), bias (C). */
  static NDArray depthwiseConv(NDArray x, NDArray weight, NDArray bias, int stride) {
    long k = weight.getShape().get(2);
    long p = k / 2;
    int channels = (int) x.getShape().get(1);
    return Conv3d.conv3d(x, weight, bias, new Shape(stride, stride, stride), new Shape(p, p, p),
        new Shape(1, 1, 1), channels).singletonOrThrow();
  }

  /**
   * Depthwise transposed convolution, kernel k (odd), stride 2, padding k / 2, output size 2S - 1 per axis, as
   * PyTorch's {@code ConvTranspose3d(groups = C)} with weight (C, 1, k, k, k).
   *
   * <p>Polyphase form: output index 2m + phase only sees kernel taps of one parity, so each of the 8 phase
   * combinations is an ordinary depthwise convolution with a sub-sampled, flipped kernel; the 8 results are
   * interleaved. Exact, and much faster than libtorch's depthwise transposed convolution on CPU. DJL's PyTorch
   * engine has no transposed convolution at all.
   */
  static NDArray depthwiseConvTranspose2x(NDArray x, NDArray weight, NDArray bias) {
    int k = (int) weight.getShape().get(2);
    int p = k / 2;
    Shape s = x.getShape();
    long n = s.get(0);
    long c = s.get(1);
    long[] size = {s.get(2), s.get(3), s.get(4)};
    // Per phase: taps j in [jMin, jMax] act on x[m + j]; out[2m + phase] = sum_j x[m + j] * w[phase + p - 2j].
    int[] jMin = new int[2];
    int[] jMax = new int[2];
    int padLeft = 0;
    int padRight = 0;
    for (int phase = 0; phase < 2; phase++) {
      jMin[phase] = Math.floorDiv(phase + p - k + 1 + 1, 2); // ceil((phase + p - k + 1) / 2)
      jMax[phase] = Math.floorDiv(phase + p, 2);
      padLeft = Math.max(padLeft, -jMin[phase]);
      padRight = Math.max(padRight, jMax[phase]);
    }
    NDArray xp = x.pad(new Shape(padLeft, padRight, padLeft, padRight, padLeft, padRight), 0);
    NDArray flipped = weight.flip(2, 3, 4); // flipped[q] = w[k - 1 - q]
    NDArray[] phases = new NDArray[8];
    for (int pd = 0; pd < 2; pd++) {
      for (int ph = 0; ph < 2; ph++) {
        for (int pw = 0; pw < 2; pw++) {
          int[] ph3 = {pd, ph, pw};
          StringBuilder xIndex = new StringBuilder(":, :");
          StringBuilder wIndex = new StringBuilder(":, :");
          for (int a = 0; a < 3; a++) {
            int phase = ph3[a];
            int taps = jMax[phase] - jMin[phase] + 1;
            long from = padLeft + jMin[phase];
            xIndex.append(", ").append(from).append(':').append(from + size[a] + taps - 1);
            // w[phase + p - 2 (u + jMin)] = flipped[k - 1 - phase - p + 2 jMin + 2u]
            int w0 = k - 1 - phase - p + 2 * jMin[phase];
            wIndex.append(", ").append(w0).append(':').append(w0 + 2 * taps - 1).append(":2");
          }
          NDArray xs = xp.get(new NDIndex(xIndex.toString()));
          NDArray ws = flipped.get(new NDIndex(wIndex.toString()));
          phases[(pd * 2 + ph) * 2 + pw] = Conv3d.conv3d(xs, ws, bias, new Shape(1, 1, 1), new Shape(0, 0, 0),
              new Shape(1, 1, 1), (int) c).singletonOrThrow();
        }
      }
    }
    // (8, N, C, S0, S1, S2) -> (2, 2, 2, N, C, S0, S1, S2) -> (N, C, S0, 2, S1, 2, S2, 2) -> (N, C, 2S0, 2S1, 2S2)
    NDArray stacked = NDArrays.stack(new ai.djl.ndarray.NDList(phases), 0)
        .reshape(2, 2, 2, n, c, size[0], size[1], size[2])
        .transpose(3, 4, 5, 0, 6, 1, 7, 2)
        .reshape(n, c, 2 * size[0], 2 * size[1], 2 * size[2]);
    return stacked.get(new NDIndex(":, :, :{}, :{}, :{}", 2 * size[0] - 1, 2 * size[1] - 1, 2 * size[2] - 1));
  }

  /**
   * 1x1x1 convolution as a matrix product: weight (Co, Ci) (any trailing singleton dims are dropped), bias (Co)
   * or null. x (N, Ci, D, H, W) -> (N, Co, D, H, W).
   */
  static NDArray pointwise(NDArray x, NDArray weight2d, NDArray bias) {
    Shape s = x.getShape();
    long co = weight2d.getShape().get(0);
    NDArray y = weight2d.matMul(x.reshape(s.get(0), s.get(1), -1));
    if (bias != null) y = y.add(bias.reshape(co, 1));
    return y.reshape(s.get(0), co, s.get(2), s.get(3), s.get(4));
  }

  /** Drops the three trailing singleton dims of a (A, B, 1, 1, 1) 1x1x1 weight. */
  static NDArray matrix(NDArray weight) {
    Shape s = weight.getShape();
    return weight.reshape(s.get(0), s.get(1));
  }

  /**
   * GroupNorm with one group per channel (instance normalisation with affine), eps 1e-5, biased variance,
   * statistics per sample and channel over D, H, W.
   *
   * <p>Computed with libtorch's fused batch norm in training mode on a (1, N * C, V) view: its per-channel
   * statistics over the batch and spatial axes are then exactly the per-(sample, channel) statistics.
   */
  static NDArray instanceNorm(NDArray x, NDArray gamma, NDArray beta) {
    Shape s = x.getShape();
    long n = s.get(0);
    long c = s.get(1);
    NDArray flat = x.reshape(1, n * c, -1);
    NDArray w = n == 1 ? gamma : gamma.tile(n);
    NDArray b = n == 1 ? beta : beta.tile(n);
    NDArray runningMean = x.getManager().zeros(new Shape(n * c));
    NDArray runningVar = x.getManager().ones(new Shape(n * c));
    NDArray y = JniUtils.batchNorm((PtNDArray) flat, (PtNDArray) runningMean, (PtNDArray) runningVar,
        (PtNDArray) w, (PtNDArray) b, true, 0.0, NORM_EPS);
    return y.reshape(s);
  }

  /** Exact (erf) GELU, as {@code torch.nn.GELU()}. */
  static NDArray gelu(NDArray x) {
    return JniUtils.gelu((PtNDArray) x);
  }

  /**
   * Per-sample relative response of each channel for 3-D GRN: R[n, e] = G[n, e] / (mean_e G[n, e] + 1e-6) with
   * G the L2 norm over D, H, W. Returns (N, E, 1, 1, 1).
   */
  static NDArray grnResponse(NDArray z) {
    NDArray g = JniUtils.norm((PtNDArray) z, 2, new int[] {2, 3, 4}, true);
    NDArray meanOverChannels = g.mean(new int[] {1}, true);
    return g.div(meanOverChannels.add(GRN_EPS));
  }

  /** Prepends one zero plane on each spatial axis (PyTorch pad (1, 0, 1, 0, 1, 0)). */
  static NDArray padFront(NDArray x) {
    return x.pad(new Shape(1, 0, 1, 0, 1, 0), 0);
  }

  /**
   * Places y (N, C, S0, S1, S2) at the all-odd positions of a zero (N, C, 2S0, 2S1, 2S2) grid: the stride-2
   * kernel-1 transposed convolution's non-bias part after the up block's front padding.
   */
  static NDArray placeAtOddPositions(NDArray y) {
    Shape s = y.getShape();
    long n = s.get(0);
    long c = s.get(1);
    return y.reshape(n, c, s.get(2), 1, s.get(3), 1, s.get(4), 1)
        .pad(new Shape(1, 0, 0, 0, 1, 0, 0, 0, 1, 0), 0)
        .reshape(n, c, 2 * s.get(2), 2 * s.get(3), 2 * s.get(4));
  }
}
