package org.mednext.net;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/** One entry of the state-dict table: a DJL parameter and the shape PyTorch stores it with. */
record ParameterSlot(Parameter parameter, Shape shape) {}
