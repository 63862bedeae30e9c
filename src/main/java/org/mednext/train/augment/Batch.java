package org.mednext.train.augment;

import java.util.List;

/**
 * One training batch, ready to become tensors: image {@code (B, C, a0, a1, a2)} and one label map {@code (B, 1,
 * ...)} per deep-supervision scale, all C order.
 *
 * @param iteration the batch's index in its stream
 * @param data image values, {@code B * C * a0 * a1 * a2}
 * @param dataShape {@code (B, C, a0, a1, a2)}
 * @param targets label maps, highest resolution first
 * @param targetShapes {@code (B, 1, s0, s1, s2)} of each target
 * @param caseIndices the case each sample came from
 */
public record Batch(long iteration, float[] data, int[] dataShape, List<short[]> targets, List<int[]> targetShapes,
    int[] caseIndices) {}
