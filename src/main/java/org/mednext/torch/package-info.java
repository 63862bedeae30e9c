/**
 * PyTorch {@code torch.save} checkpoints in pure Java: {@link org.mednext.torch.TorchCheckpoint} reads them with
 * a restricted unpickler that resolves only an explicit allow-list of globals (tensors and plain data; nothing is
 * ever executed) and writes files that {@code torch.load} accepts. Tensors are {@link org.mednext.torch.TensorData}
 * in PyTorch's own layout: shape in PyTorch order (e.g. (N, C, D, H, W)), C-order, little-endian.
 */
package org.mednext.torch;
