/**
 * Optimizers with {@code torch.optim} semantics for DJL's PyTorch engine ({@link org.mednext.train.optim.SgdNesterov},
 * {@link org.mednext.train.optim.AdamW}; DJL's built-ins differ from torch in momentum form, Nesterov and eps
 * placement), their state in torch's {@code state_dict} layout, {@code clip_grad_norm_}
 * ({@link org.mednext.train.optim.GradientClipping}) and nnU-Net's learning-rate schedules
 * ({@link org.mednext.train.optim.LearningRates}).
 */
package org.mednext.train.optim;
