/**
 * nnU-Net's training-time data augmentation on plain arrays (batchgeneratorsv2 as nnUNetTrainer configures it;
 * NNUNET_PIPELINE_SPEC.md §D.7): one small {@link org.mednext.train.augment.Transform} per step, run in nnU-Net's
 * order by an {@link org.mednext.train.augment.AugmentationPipeline} (training, or validation = label clean-up
 * only), and a {@link org.mednext.train.augment.BatchLoader} that builds augmented batches with their
 * deep-supervision targets ahead of the trainer on background threads.
 *
 * <p>Samples are {@link org.mednext.train.sampling.Patch}es in nnU-Net axis order {@code (a0, a1, a2)}. Every step
 * draws its random choices from a generator derived from the sample's seed and the step's position, so the same
 * seed gives the same sample for any thread count. Spatial resampling reproduces torch 1.13's {@code grid_sample}
 * bit for bit on x86 (see {@code GridSampler}); the other interpolations agree with torch
 * to about one float ulp.
 */
package org.mednext.train.augment;
