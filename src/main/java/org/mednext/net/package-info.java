/**
 * MedNeXt(-v2) as DJL blocks: {@link org.mednext.net.MedNeXt} (the network, addressed by PyTorch state-dict
 * keys), {@link org.mednext.net.MedNeXtBlock} (standard, down and up blocks), {@link
 * org.mednext.net.GlobalResponseNorm}, presets in {@link org.mednext.net.MedNeXtConfig}, and {@link
 * org.mednext.net.ArchitectureInference} (a configuration from a state dict's keys and shapes).
 */
package org.mednext.net;
