/**
 * nnU-Net's training-time patch sampling on plain arrays: preprocessed cases ({@link
 * org.mednext.train.sampling.CaseData}), the stored foreground locations ({@link
 * org.mednext.train.sampling.ClassLocations}), the enlarged patch size ({@link
 * org.mednext.train.sampling.InitialPatchSize}), batch and box selection with foreground oversampling ({@link
 * org.mednext.train.sampling.PatchSampler}) and the deep-supervision label pyramid ({@link
 * org.mednext.train.sampling.DeepSupervisionTargets}).
 *
 * <p>Arrays are in nnU-Net's axis order: shapes are {@code (a0, a1, a2)} (= (z, y, x) of the image files),
 * stored C-order with the last axis fastest; image data is one {@code float[]} per channel, labels one {@code
 * short[]} with {@code -1} outside the non-zero mask. Randomness comes from seeds the caller passes, so the same
 * seed gives the same patches on any machine and thread count (see {@link org.mednext.train.sampling.Seeds}).
 * Reference: NNUNET_PIPELINE_SPEC.md §D.1, §D.5, §D.6.
 */
package org.mednext.train.sampling;
