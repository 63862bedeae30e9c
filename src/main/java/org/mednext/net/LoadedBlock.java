package org.mednext.net;

import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * Base of the MedNeXt blocks. How to write one:
 * <ol>
 *   <li>declare each weight with {@code addParameter(Parameter.builder().setName(...).build())}, no shape;
 *   <li>list the weights with their PyTorch keys and shapes in a {@code collectParameters(prefix, table)}
 *       method, in PyTorch's state-dict order;
 *   <li>read weights in {@code forwardInternal} with {@code ps.getValue(p, device, training)} and use only
 *       differentiable ops ({@link Ops3d}), so the same code trains and predicts.
 * </ol>
 * Weights are set from state dicts by {@link MedNeXt#load}, never by DJL initializers; a block counts as
 * initialised once every weight is set.
 */
abstract class LoadedBlock extends AbstractBlock {

  @Override
  public boolean isInitialized() {
    for (Pair<String, Parameter> p : getParameters()) {
      if (!p.getValue().isInitialized()) return false;
    }
    return true;
  }
}
