package org.mednext.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * 3-D Global Response Normalization as in the MedNeXt reference code: with G[n, e] the L2 norm of channel e over
 * D, H, W, R = G / (mean over channels of G + 1e-6), {@code out = z * (1 + gamma * R) + beta}. Note the channel
 * MEAN (ConvNeXt-V2's paper writes a sum): trained weights only fit the mean. gamma and beta have shape
 * (1, E, 1, 1, 1) and are stored as {@code grn_gamma} / {@code grn_beta} of the owning block.
 */
public final class GlobalResponseNorm extends LoadedBlock {

  private final int channels;
  final Parameter gamma;
  final Parameter beta;

  GlobalResponseNorm(int channels) {
    this.channels = channels;
    this.beta = addParameter(Parameter.builder().setName("grn_beta").setType(Parameter.Type.BETA).build());
    this.gamma = addParameter(Parameter.builder().setName("grn_gamma").setType(Parameter.Type.GAMMA).build());
  }

  /** Number of channels E it normalises. */
  public int channels() {
    return channels;
  }

  static Shape parameterShape(int channels) {
    return new Shape(1, channels, 1, 1, 1);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray z = inputs.singletonOrThrow();
    NDArray g = ps.getValue(gamma, z.getDevice(), training);
    NDArray b = ps.getValue(beta, z.getDevice(), training);
    return new NDList(apply(z, g, b));
  }

  /** The autograd-friendly form on depth-major z (D, N, E, H, W). */
  static NDArray apply(NDArray z, NDArray gammaValue, NDArray betaValue) {
    long n = z.getShape().get(1);
    long e = z.getShape().get(2);
    NDArray scale = Ops3d.grnResponse(z, true).mul(gammaValue.reshape(1, e)).add(1).reshape(1, n, e, 1, 1);
    return z.mul(scale).add(betaValue.reshape(1, 1, e, 1, 1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
