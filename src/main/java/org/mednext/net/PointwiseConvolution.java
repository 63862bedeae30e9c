package org.mednext.net;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * A 1x1x1 convolution with bias, stride 1: the MedNeXt stem ({@code Conv3d}, weight (out, in, 1, 1, 1)) and the
 * output heads ({@code ConvTranspose3d} with kernel 1, weight stored as (in, out, 1, 1, 1)). Computed as a
 * matrix product over the flattened voxels.
 */
public final class PointwiseConvolution extends LoadedBlock {

  private final int inChannels;
  private final int outChannels;
  private final boolean transposedLayout;
  private final Parameter weight;
  private final Parameter bias;

  PointwiseConvolution(int inChannels, int outChannels, boolean transposedLayout) {
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.transposedLayout = transposedLayout;
    this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
    this.bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build());
  }

  /** The stem: {@code Conv3d(in, out, kernel 1)}. */
  static PointwiseConvolution stem(int in, int out) {
    return new PointwiseConvolution(in, out, false);
  }

  /** An output head: {@code ConvTranspose3d(in, classes, kernel 1)}. */
  static PointwiseConvolution head(int in, int classes) {
    return new PointwiseConvolution(in, classes, true);
  }

  void collectParameters(String prefix, Map<String, ParameterSlot> out) {
    Shape w = transposedLayout ? new Shape(inChannels, outChannels, 1, 1, 1) : new Shape(outChannels, inChannels, 1, 1, 1);
    out.put(prefix + ".weight", new ParameterSlot(weight, w));
    out.put(prefix + ".bias", new ParameterSlot(bias, new Shape(outChannels)));
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Device d = x.getDevice();
    NDArray w = Ops3d.matrix(ps.getValue(weight, d, training));
    if (transposedLayout) w = w.transpose();
    return new NDList(Ops3d.pointwise(x, w, ps.getValue(bias, d, training), !training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long[] s = inputShapes[0].getShape().clone();
    s[2] = outChannels; // depth-major (D, N, C, H, W)
    return new Shape[] {new Shape(s)};
  }
}
