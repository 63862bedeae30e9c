package org.mednext.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.mednext.engine.Scoped;

/**
 * The 3-D tensor operations MedNeXt needs, on activations in <b>depth-major layout (D, N, C, H, W)</b>.
 *
 * <p>Why this layout: libtorch's CPU depthwise 3-D convolution is slow (several ns per voxel whatever the
 * kernel), its 2-D depthwise convolution is fast. With depth outermost, a k x k x k depthwise convolution is the sum
 * of k 2-D depthwise convolutions over contiguous depth slabs, the transposed one a polyphase sum of 2-D ones, and
 * 1x1x1 convolutions are batched matrix products. Measured on 2 cores: a MedNeXt block at 128^3 runs 2.5-5x
 * faster than in NCDHW. Every op is an ordinary differentiable libtorch op, so training uses the same code.
 *
 * <p>Every op runs in {@link Scoped#compute}, so its temporaries die when it returns: otherwise the activations a block
 * "consumes" would stay alive through views of them to the end of the block and set the forward's peak memory.
 *
 * <p>NB: results belong to the manager of their first operand; callers run these inside an {@code NDScope}.
 */
final class Ops3d {

  static final double NORM_EPS = 1e-5;
  static final double GRN_EPS = 1e-6;
  /** Voxels copied at a time to reduce GRN norms in PyTorch's order (16 MB of float32, at least one channel). */
  static final long GRN_COPY_VOXELS = 4L << 20;

  private Ops3d() {}

  /** NCDHW -> depth-major (D, N, C, H, W), a contiguous copy. */
  static NDArray toDepthMajor(NDArray ncdhw) {
    Shape s = ncdhw.getShape();
    return permuted(ncdhw, new int[] {2, 0, 1, 3, 4}, new Shape(s.get(2), s.get(0), s.get(1), s.get(3), s.get(4)));
  }

  /** Depth-major -> NCDHW, a contiguous copy. */
  static NDArray fromDepthMajor(NDArray dnchw) {
    Shape s = dnchw.getShape();
    return permuted(dnchw, new int[] {1, 2, 0, 3, 4}, new Shape(s.get(1), s.get(2), s.get(0), s.get(3), s.get(4)));
  }

  /** A contiguous copy of x with its axes permuted: flattening forces libtorch to copy, the reshape back is free. */
  private static NDArray permuted(NDArray x, int[] axes, Shape shape) {
    return Scoped.compute(() -> x.transpose(axes).reshape(shape.get(0), -1).reshape(shape));
  }

  /**
   * Depthwise convolution, kernel k (odd), padding k / 2, stride 1 or 2, as {@code Conv3d(groups = C)} with
   * weight (C, 1, k, k, k) and bias (C): the sum over depth taps of 2-D depthwise convolutions of depth slabs.
   */
  static NDArray depthwiseConv(NDArray x, NDArray weight, NDArray bias, int stride, boolean inPlace) {
    return Scoped.compute(() -> depthwiseConvOp(x, weight, bias, stride, inPlace));
  }

  private static NDArray depthwiseConvOp(NDArray x, NDArray weight, NDArray bias, int stride, boolean inPlace) {
    Shape s = x.getShape();
    long depth = s.get(0);
    long n = s.get(1);
    long c = s.get(2);
    int k = (int) weight.getShape().get(2);
    int p = k / 2;
    long outDepth = (depth + 2L * p - k) / stride + 1;
    NDArray w = n == 1 ? weight : weight.tile(new long[] {n, 1, 1, 1, 1});
    NDArray b = n == 1 ? bias : bias.tile(n);
    if (stride == 1 && inPlace) return depthwiseConvUnpadded(x, w, b);
    NDArray padded = x.pad(new Shape(0, 0, 0, 0, 0, 0, 0, 0, p, p), 0);
    NDArray y = null;
    for (int dz = 0; dz < k; dz++) {
      NDArray slab = padded.get(new NDIndex("{}:{}:{}", dz, dz + stride * (outDepth - 1) + 1, stride))
          .reshape(outDepth, n * c, s.get(3), s.get(4));
      NDArray wz = w.get(new NDIndex(":, :, {}", dz));
      NDArray r = conv2d(slab, wz, dz == 0 ? b : null, stride, p, (int) (n * c));
      if (y == null) {
        y = r;
      } else {
        y = inPlace ? y.addi(r) : y.add(r);
        r.close(); // now, not when the op returns: each is a whole activation
      }
    }
    Shape o = y.getShape();
    return y.reshape(outDepth, n, c, o.get(2), o.get(3));
  }

  /**
   * Stride 1 without autograd: the centre depth tap over all planes (with the bias), then every other tap added in
   * place into the planes it reaches, reading real planes only. No zero-padded copy of the input, and no 2-D
   * convolutions of zero planes, which are most of the work at the last levels of a thin patch (1 or 2 planes deep).
   *
   * @param w (N*C, 1, k, k, k), b (N*C): the weight and bias tiled over the batch
   */
  private static NDArray depthwiseConvUnpadded(NDArray x, NDArray w, NDArray b) {
    Shape s = x.getShape();
    long depth = s.get(0);
    int k = (int) w.getShape().get(2);
    int p = k / 2;
    long groups = s.get(1) * s.get(2);
    NDArray planes = x.reshape(depth, groups, s.get(3), s.get(4));
    NDArray y = conv2d(planes, w.get(new NDIndex(":, :, {}", p)), b, 1, p, (int) groups);
    for (int dz = 0; dz < k; dz++) {
      int o = dz - p; // output plane z reads input plane z + o
      if (o == 0 || Math.abs(o) >= depth) continue;
      NDArray r = conv2d(planes.get(new NDIndex("{}:{}", Math.max(0, o), depth - Math.max(0, -o))),
          w.get(new NDIndex(":, :, {}", dz)), null, 1, p, (int) groups);
      y.get(new NDIndex("{}:{}", Math.max(0, -o), depth - Math.max(0, o))).addi(r);
      r.close();
    }
    Shape o = y.getShape();
    return y.reshape(depth, s.get(1), s.get(2), o.get(2), o.get(3));
  }

  /** 2-D depthwise convolution of (D, G, H, W) planes with {@code groups} = G, kernel (G, 1, kh, kw). */
  private static NDArray conv2d(NDArray planes, NDArray kernel, NDArray bias, int stride, int padding, int groups) {
    return Conv2d.conv2d(planes, kernel, bias, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1),
        groups).singletonOrThrow();
  }

  /**
   * Depthwise transposed convolution, kernel k (odd), stride 2, padding k / 2, output 2S - 1 per axis, as
   * PyTorch's {@code ConvTranspose3d(groups = C)} with weight (C, 1, k, k, k).
   *
   * <p>Polyphase form: output index 2m + phase only sees kernel taps of one parity, {@code out[2m + phase] =
   * sum_j x[m + j] * w[phase + p - 2j]}; per axis that is an ordinary correlation with a sub-sampled kernel. Depth
   * phases sum 2-D convolutions of depth slabs; the 8 phase results are interleaved. Exact, and DJL's PyTorch
   * engine has no transposed convolution at all.
   */
  static NDArray depthwiseConvTranspose2x(NDArray x, NDArray weight, NDArray bias, boolean inPlace) {
    return Scoped.compute(() -> depthwiseConvTranspose2xOp(x, weight, bias, inPlace));
  }

  private static NDArray depthwiseConvTranspose2xOp(NDArray x, NDArray weight, NDArray bias, boolean inPlace) {
    Shape s = x.getShape();
    long depth = s.get(0);
    long n = s.get(1);
    long c = s.get(2);
    long h = s.get(3);
    long wd = s.get(4);
    int k = (int) weight.getShape().get(2);
    int p = k / 2;
    int[] jMin = new int[2];
    int[] jMax = new int[2];
    int padLeft = 0;
    int padRight = 0;
    for (int phase = 0; phase < 2; phase++) {
      jMin[phase] = Math.floorDiv(phase + p - k + 2, 2); // ceil((phase + p - k + 1) / 2)
      jMax[phase] = Math.floorDiv(phase + p, 2);
      padLeft = Math.max(padLeft, -jMin[phase]);
      padRight = Math.max(padRight, jMax[phase]);
    }
    // zero-pad D, H and W so every phase reads a full window; taps index the flipped kernel with step 2
    NDArray xp = x.pad(new Shape(padLeft, padRight, padLeft, padRight, 0, 0, 0, 0, padLeft, padRight), 0);
    NDArray flipped = (n == 1 ? weight : weight.tile(new long[] {n, 1, 1, 1, 1})).flip(2, 3, 4); // flipped[q] = w[k - 1 - q]
    NDArray b = n == 1 ? bias : bias.tile(n);
    NDArray[] phases = new NDArray[8];
    for (int pd = 0; pd < 2; pd++) {
      for (int ph = 0; ph < 2; ph++) {
        for (int pw = 0; pw < 2; pw++) {
          int th = jMax[ph] - jMin[ph] + 1;
          int tw = jMax[pw] - jMin[pw] + 1;
          long h0 = padLeft + jMin[ph];
          long w0 = padLeft + jMin[pw];
          int kh = k - 1 - ph - p + 2 * jMin[ph];
          int kw = k - 1 - pw - p + 2 * jMin[pw];
          NDArray sum = null;
          for (int j = jMin[pd]; j <= jMax[pd]; j++) {
            int kd = k - 1 - (pd + p - 2 * j); // flipped index of depth tap w[pd + p - 2j]
            NDArray slab = xp.get(new NDIndex("{}:{}, :, :, {}:{}, {}:{}", padLeft + j, padLeft + j + depth,
                h0, h0 + h + th - 1, w0, w0 + wd + tw - 1));
            NDArray kernel = flipped.get(new NDIndex(":, :, {}, {}:{}:2, {}:{}:2", kd, kh, kh + 2 * th - 1, kw, kw + 2 * tw - 1));
            NDArray r = conv2d(slab.reshape(depth, n * c, h + th - 1, wd + tw - 1), kernel, sum == null ? b : null, 1, 0,
                (int) (n * c));
            if (sum == null) {
              sum = r;
            } else {
              sum = inPlace ? sum.addi(r) : sum.add(r);
              r.close();
            }
          }
          phases[(pd * 2 + ph) * 2 + pw] = sum;
        }
      }
    }
    // (8, D, N*C, H, W) -> (2, 2, 2, D, N, C, H, W) -> (D, 2, N, C, H, 2, W, 2) -> (2D, N, C, 2H, 2W)
    NDList phaseList = new NDList(phases);
    NDArray stacked = NDArrays.stack(phaseList, 0);
    phaseList.close(); // the phases are as large as the output: free them before the interleaving copy
    NDArray interleaved = Scoped.compute(() -> stacked.reshape(2, 2, 2, depth, n, c, h, wd)
        .transpose(3, 0, 4, 5, 6, 1, 7, 2)
        .reshape(2 * depth, n, c, 2 * h, 2 * wd));
    stacked.close();
    return interleaved.get(new NDIndex(":{}, :, :, :{}, :{}", 2 * depth - 1, 2 * h - 1, 2 * wd - 1));
  }

  /** 1x1x1 convolution: weight (Co, Ci), bias (Co) or null; x (D, N, Ci, H, W) -> (D, N, Co, H, W). */
  static NDArray pointwise(NDArray x, NDArray weight2d, NDArray bias, boolean inPlace) {
    return Scoped.compute(() -> {
      Shape s = x.getShape();
      long co = weight2d.getShape().get(weight2d.getShape().dimension() - 2);
      NDArray y = weight2d.matMul(x.reshape(s.get(0), s.get(1), s.get(2), -1));
      if (bias != null) y = inPlace ? y.addi(bias.reshape(co, 1)) : y.add(bias.reshape(co, 1));
      return y.reshape(s.get(0), s.get(1), co, s.get(3), s.get(4));
    });
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
   * <p>Computed with libtorch's fused batch norm in training mode on the (D, N * C, H * W) view: its per-channel
   * statistics over the batch (here: depth) and spatial axes are exactly the per-(sample, channel) statistics.
   */
  static NDArray instanceNorm(NDArray x, NDArray gamma, NDArray beta) {
    return Scoped.compute(() -> instanceNormOp(x, gamma, beta));
  }

  private static NDArray instanceNormOp(NDArray x, NDArray gamma, NDArray beta) {
    Shape s = x.getShape();
    long n = s.get(1);
    long c = s.get(2);
    NDArray flat = x.reshape(s.get(0), n * c, -1);
    NDArray w = n == 1 ? gamma : gamma.tile(n);
    NDArray b = n == 1 ? beta : beta.tile(n);
    if (s.get(0) * s.get(3) * s.get(4) == 1) {
      // one voxel per channel (the bottleneck of a 16^3 patch): libtorch's batch norm refuses it, GroupNorm gives
      // x - mean = 0, i.e. beta, with zero gradient for x
      return flat.sub(flat).mul(w.reshape(1, n * c, 1)).add(b.reshape(1, n * c, 1)).reshape(s);
    }
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
   * Relative channel response of 3-D GRN: R[n, e] = G[n, e] / (mean_e G[n, e] + 1e-6), G the L2 norm over D, H,
   * W. Returns (N, E).
   *
   * <p>NB: how G is summed matters more than one would think. PyTorch sums each channel's squares in one
   * contiguous reduction of the NCDHW tensor, whose rounding (~1e-5 relative here) the reference outputs carry, and
   * GRN passes it straight to the outputs. Inference reproduces exactly that reduction on an NCDHW copy, so that
   * logits match nnU-Net's to the fixtures' tolerance. Training sums per-slice norms over depth, which is more
   * accurate and needs no copy (a reduction over the outer depth axis in one libtorch call is both slow and 30x
   * less accurate); its gradient is 0 for an all-zero channel, as PyTorch's.
   */
  static NDArray grnResponse(NDArray z, boolean training) {
    return Scoped.compute(() -> grnResponseOp(z, training));
  }

  private static NDArray grnResponseOp(NDArray z, boolean training) {
    NDArray g;
    if (training) {
      Shape s = z.getShape();
      NDArray perSlice = JniUtils.norm((PtNDArray) z.reshape(s.get(0), s.get(1), s.get(2), -1), 2, new int[] {3}, false);
      g = perSlice.square().sum(new int[] {0}).clip(1e-30, Float.MAX_VALUE).sqrt();
    } else {
      // each channel's reduction is independent of the others: copy a few channels at a time (bounded memory)
      Shape s = z.getShape();
      long e = s.get(2);
      long step = Math.max(1, GRN_COPY_VOXELS / Math.max(1, s.size() / e));
      NDList parts = new NDList();
      for (long c0 = 0; c0 < e; c0 += step) {
        long c1 = Math.min(e, c0 + step);
        NDArray channels = z.get(new NDIndex(":, :, {}:{}", c0, c1));
        NDArray ncdhw = fromDepthMajor(channels);
        parts.add(JniUtils.norm((PtNDArray) ncdhw, 2, new int[] {2, 3, 4}, false));
        ncdhw.close();
        channels.close();
      }
      g = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
    }
    return g.div(g.mean(new int[] {1}, true).add(GRN_EPS));
  }

  /** Prepends one zero plane on each spatial axis (PyTorch's pad (1, 0, 1, 0, 1, 0) in NCDHW). */
  static NDArray padFront(NDArray x) {
    return x.pad(new Shape(1, 0, 1, 0, 0, 0, 0, 0, 1, 0), 0);
  }

  /**
   * Places y (S0, N, C, S1, S2) at the all-odd positions of a zero (2S0, N, C, 2S1, 2S2) grid: the stride-2
   * kernel-1 transposed convolution's non-bias part after the up block's front padding.
   */
  static NDArray placeAtOddPositions(NDArray y) {
    Shape s = y.getShape();
    return Scoped.compute(() -> y.reshape(s.get(0), 1, s.get(1), s.get(2), s.get(3), 1, s.get(4), 1)
        .pad(new Shape(1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0), 0)
        .reshape(2 * s.get(0), s.get(1), s.get(2), 2 * s.get(3), 2 * s.get(4)));
  }
}
