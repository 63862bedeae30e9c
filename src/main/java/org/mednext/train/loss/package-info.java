/**
 * nnU-Net's training losses on DJL arrays, differentiable through DJL's autograd: Dice + cross-entropy
 * ({@link org.mednext.train.loss.DiceCrossEntropyLoss}), the region variant with BCE
 * ({@link org.mednext.train.loss.RegionDiceBceLoss}), deep supervision ({@link org.mednext.train.loss.DeepSupervisionLoss}),
 * and the online pseudo-Dice of validation ({@link org.mednext.train.loss.DiceCounts},
 * {@link org.mednext.train.loss.OnlineDice}). Logits are (B, K, D, H, W), labels (B, 1, D, H, W).
 */
package org.mednext.train.loss;
