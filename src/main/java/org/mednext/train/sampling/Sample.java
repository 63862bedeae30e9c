package org.mednext.train.sampling;

/**
 * One cropped sample of a batch, before augmentation.
 *
 * @param caseIndex index of the case in the {@link CaseSource}
 * @param forcedForeground whether this slot of the batch was forced to contain foreground
 * @param lowerBound first voxel of the crop in case coordinates {@code (a0, a1, a2)} (may be negative)
 * @param patch the crop (image padded with 0, labels with -1 where it leaves the case)
 * @param seed seed for this sample's augmentation
 */
public record Sample(int caseIndex, boolean forcedForeground, int[] lowerBound, Patch patch, long seed) {}
