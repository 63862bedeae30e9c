package org.mednext.net;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;
import org.mednext.util.Checks;

/**
 * One MedNeXt block (the reference {@code MedNeXtBlock}, {@code MedNeXtDownBlock} or {@code MedNeXtUpBlock}):
 * depthwise k^3 convolution (stride 2 for down, transposed stride 2 for up) -> GroupNorm(C, C) -> 1x1x1
 * expansion to r * C -> exact GELU -> optional 3-D GRN -> 1x1x1 projection, plus the residual: identity for
 * standard blocks, a 1x1x1 stride-2 convolution for down blocks, a 1x1x1 stride-2 transposed convolution for up
 * blocks, whose output (main path and residual) gets one zero plane prepended on every spatial axis.
 *
 * <p>The GRN is folded into the projection weights, so the expanded tensor is read once by the projection
 * instead of three more times by the GRN, and in training autograd keeps one tensor of the expanded width fewer
 * (the projection's input is the GELU output it keeps anyway).
 */
public final class MedNeXtBlock extends LoadedBlock {

  /** The three block kinds of MedNeXt. */
  public enum Kind { STANDARD, DOWN, UP }

  private final Kind kind;
  private final int inChannels;
  private final int outChannels;
  private final int expansion;
  private final int kernel;
  private final GlobalResponseNorm grn;

  private final Parameter conv1Weight;
  private final Parameter conv1Bias;
  private final Parameter normWeight;
  private final Parameter normBias;
  private final Parameter conv2Weight;
  private final Parameter conv2Bias;
  private final Parameter conv3Weight;
  private final Parameter conv3Bias;
  private final Parameter resWeight;
  private final Parameter resBias;

  MedNeXtBlock(Builder b) {
    this.kind = b.kind;
    this.inChannels = b.inChannels;
    this.outChannels = b.outChannels;
    this.expansion = b.expansion;
    this.kernel = b.kernel;
    this.grn = b.grn ? addChildBlock("grn", new GlobalResponseNorm(expansion * inChannels)) : null;
    conv1Weight = param("conv1.weight", Parameter.Type.WEIGHT);
    conv1Bias = param("conv1.bias", Parameter.Type.BIAS);
    normWeight = param("norm.weight", Parameter.Type.GAMMA);
    normBias = param("norm.bias", Parameter.Type.BETA);
    conv2Weight = param("conv2.weight", Parameter.Type.WEIGHT);
    conv2Bias = param("conv2.bias", Parameter.Type.BIAS);
    conv3Weight = param("conv3.weight", Parameter.Type.WEIGHT);
    conv3Bias = param("conv3.bias", Parameter.Type.BIAS);
    boolean res = kind != Kind.STANDARD;
    resWeight = res ? param("res_conv.weight", Parameter.Type.WEIGHT) : null;
    resBias = res ? param("res_conv.bias", Parameter.Type.BIAS) : null;
  }

  private Parameter param(String name, Parameter.Type type) {
    return addParameter(Parameter.builder().setName(name).setType(type).build());
  }

  /** A builder; {@code setChannels} and {@code setKind} are required. */
  public static Builder builder() {
    return new Builder();
  }

  public Kind kind() {
    return kind;
  }

  public int inChannels() {
    return inChannels;
  }

  public int outChannels() {
    return outChannels;
  }

  public boolean hasGrn() {
    return grn != null;
  }

  /**
   * Adds this block's parameters to {@code out} under {@code prefix + "." + name} in PyTorch's state-dict order
   * (GRN beta and gamma first), together with their PyTorch shapes.
   */
  void collectParameters(String prefix, Map<String, ParameterSlot> out) {
    int hidden = expansion * inChannels;
    if (grn != null) {
      put(out, prefix + ".grn_beta", grn.beta, GlobalResponseNorm.parameterShape(hidden));
      put(out, prefix + ".grn_gamma", grn.gamma, GlobalResponseNorm.parameterShape(hidden));
    }
    put(out, prefix + ".conv1.weight", conv1Weight, new Shape(inChannels, 1, kernel, kernel, kernel));
    put(out, prefix + ".conv1.bias", conv1Bias, new Shape(inChannels));
    put(out, prefix + ".norm.weight", normWeight, new Shape(inChannels));
    put(out, prefix + ".norm.bias", normBias, new Shape(inChannels));
    put(out, prefix + ".conv2.weight", conv2Weight, new Shape(hidden, inChannels, 1, 1, 1));
    put(out, prefix + ".conv2.bias", conv2Bias, new Shape(hidden));
    put(out, prefix + ".conv3.weight", conv3Weight, new Shape(outChannels, hidden, 1, 1, 1));
    put(out, prefix + ".conv3.bias", conv3Bias, new Shape(outChannels));
    if (kind == Kind.DOWN) {
      put(out, prefix + ".res_conv.weight", resWeight, new Shape(outChannels, inChannels, 1, 1, 1));
      put(out, prefix + ".res_conv.bias", resBias, new Shape(outChannels));
    } else if (kind == Kind.UP) {
      // transposed-convolution layout (in, out, 1, 1, 1)
      put(out, prefix + ".res_conv.weight", resWeight, new Shape(inChannels, outChannels, 1, 1, 1));
      put(out, prefix + ".res_conv.bias", resBias, new Shape(outChannels));
    }
  }

  private static void put(Map<String, ParameterSlot> out, String key, Parameter p, Shape shape) {
    ParameterSlot previous = out.put(key, new ParameterSlot(p, shape));
    Checks.state(previous == null, "duplicate state-dict key %s", key);
  }

  /**
   * Forward on depth-major activations (D, N, C, H, W), see {@link Ops3d}. In inference intermediates are
   * updated in place and freed as soon as they are consumed, which keeps peak memory near two activations of
   * the expanded width.
   */
  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Device d = x.getDevice();
    boolean inPlace = !training;
    NDArray w1 = ps.getValue(conv1Weight, d, training);
    NDArray b1 = ps.getValue(conv1Bias, d, training);
    NDArray z = kind == Kind.UP ? Ops3d.depthwiseConvTranspose2x(x, w1, b1, inPlace)
        : Ops3d.depthwiseConv(x, w1, b1, kind == Kind.DOWN ? 2 : 1, inPlace);
    z = consume(z, Ops3d.instanceNorm(z, ps.getValue(normWeight, d, training), ps.getValue(normBias, d, training)), inPlace);
    z = consume(z, Ops3d.pointwise(z, Ops3d.matrix(ps.getValue(conv2Weight, d, training)), ps.getValue(conv2Bias, d, training), inPlace), inPlace);
    z = consume(z, Ops3d.gelu(z), inPlace);
    NDArray w3 = Ops3d.matrix(ps.getValue(conv3Weight, d, training));
    NDArray b3 = ps.getValue(conv3Bias, d, training);
    if (grn != null) {
      NDArray gamma = ps.getValue(grn.gamma, d, training);
      NDArray beta = ps.getValue(grn.beta, d, training);
      z = consume(z, projectWithFoldedGrn(z, w3, b3, gamma, beta, training), inPlace);
    } else {
      z = consume(z, Ops3d.pointwise(z, w3, b3, inPlace), inPlace);
    }
    NDArray y;
    switch (kind) {
      case STANDARD:
        y = inPlace ? z.addi(x) : z.add(x);
        break;
      case DOWN: {
        NDArray strided = x.get(new NDIndex("::2, :, :, ::2, ::2"));
        NDArray res = Ops3d.pointwise(strided, Ops3d.matrix(ps.getValue(resWeight, d, training)), ps.getValue(resBias, d, training), inPlace);
        y = inPlace ? z.addi(res) : z.add(res);
        res.close();
        break;
      }
      default: {
        NDArray wT = Ops3d.matrix(ps.getValue(resWeight, d, training)).transpose();
        NDArray projected = Ops3d.pointwise(x, wT, null, inPlace);
        NDArray res = Ops3d.placeAtOddPositions(projected);
        projected.close();
        NDArray bias = ps.getValue(resBias, d, training).reshape(outChannels, 1, 1);
        NDArray padded = Ops3d.padFront(inPlace ? z.addi(bias) : z.add(bias));
        y = inPlace ? consume(z, padded, true).addi(res) : padded.add(res);
        res.close();
      }
    }
    return new NDList(y);
  }

  /** In inference, frees {@code old} once {@code result} (computed from it) exists; returns result. */
  private static NDArray consume(NDArray old, NDArray result, boolean inference) {
    if (inference && old != result) old.close();
    return result;
  }

  /**
   * conv3(GRN(z)) with GRN folded into the projection: conv3(z * s + beta) = (W3 * s) z + (W3 beta + b3), with
   * s = 1 + gamma * R per sample and channel. z is depth-major (D, N, E, H, W).
   */
  private static NDArray projectWithFoldedGrn(NDArray z, NDArray w3, NDArray b3, NDArray gamma, NDArray beta, boolean training) {
    long e = z.getShape().get(2);
    long n = z.getShape().get(1);
    long co = w3.getShape().get(0);
    NDArray scale = Ops3d.grnResponse(z, training).reshape(n, 1, e).mul(gamma.reshape(1, 1, e)).add(1);
    NDArray w = w3.reshape(1, co, e).mul(scale); // (N, Co, E)
    NDArray bias = w3.matMul(beta.reshape(e, 1)).add(b3.reshape(co, 1)); // (Co, 1)
    return Ops3d.pointwise(z, w, bias.reshape(co), true); // adding the bias in place is safe: matmul keeps no output
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    long[] out = in.getShape().clone();
    out[2] = outChannels;
    out[1] = in.get(1);
    for (int a : new int[] {0, 3, 4}) { // depth-major (D, N, C, H, W)
      if (kind == Kind.DOWN) out[a] = (in.get(a) + 1) / 2;
      if (kind == Kind.UP) out[a] = 2 * in.get(a);
    }
    return new Shape[] {new Shape(out)};
  }

  /** Builder of a {@link MedNeXtBlock}. */
  public static final class Builder {
    private Kind kind = Kind.STANDARD;
    private int inChannels = -1;
    private int outChannels = -1;
    private int expansion = 4;
    private int kernel = 3;
    private boolean grn;

    private Builder() {}

    /** Input and output channels (equal for standard blocks, doubled for down, halved for up). */
    public Builder setChannels(int in, int out) {
      this.inChannels = in;
      this.outChannels = out;
      return this;
    }

    public Builder setKind(Kind k) {
      this.kind = Checks.notNull(k, "kind");
      return this;
    }

    /** Expansion ratio r: the hidden width is r times the INPUT width. Default 4. */
    public Builder optExpansion(int r) {
      this.expansion = r;
      return this;
    }

    /** Depthwise kernel size (odd). Default 3. */
    public Builder optKernel(int k) {
      this.kernel = k;
      return this;
    }

    /** Adds 3-D GRN after the GELU. Default off. */
    public Builder optGrn(boolean on) {
      this.grn = on;
      return this;
    }

    /** Builds the block; checks the channel rule of its kind. */
    public MedNeXtBlock build() {
      Checks.argument(inChannels > 0 && outChannels > 0, "channels must be set and > 0: %d -> %d", inChannels, outChannels);
      Checks.argument(expansion > 0, "expansion must be > 0: %d", expansion);
      Checks.argument(kernel > 0 && kernel % 2 == 1, "kernel must be odd: %d", kernel);
      switch (kind) {
        case STANDARD:
          Checks.argument(inChannels == outChannels, "a standard block keeps its width: %d -> %d", inChannels, outChannels);
          break;
        case DOWN:
          Checks.argument(outChannels == 2 * inChannels, "a down block doubles its width: %d -> %d", inChannels, outChannels);
          break;
        default:
          Checks.argument(2 * outChannels == inChannels, "an up block halves its width: %d -> %d", inChannels, outChannels);
      }
      return new MedNeXtBlock(this);
    }
  }
}
