package org.mednext.train.sampling;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.mednext.util.Checks;

/**
 * nnU-Net's batch sampling ({@code nnUNetDataLoader.generate_train_batch} and {@code get_bbox};
 * NNUNET_PIPELINE_SPEC.md §D.6): B cases drawn uniformly with replacement, the last slots of the batch forced to
 * contain foreground, one box per sample, cropped with padding. Training crops the enlarged {@link
 * InitialPatchSize} patch, validation the final patch itself. Thread-safe; all randomness comes from the seed
 * passed to {@link #sampleBatch}.
 */
public final class PatchSampler {

  /** nnU-Net's {@code oversample_foreground_percent}. */
  public static final double NNUNET_OVERSAMPLE_FOREGROUND = 0.33;

  /**
   * Where the lower corner of a crop may lie, per axis, for random boxes (inclusive).
   *
   * @param min lowest lower corner (negative where the crop may leave the case)
   * @param max highest lower corner
   */
  public record Bounds(int[] min, int[] max) {}

  private final CaseSource cases;
  private final int batchSize;
  private final int[] cropSize;
  private final int[] finalPatchSize;
  private final double oversampleForeground;

  /**
   * @param cases the training (or validation) cases
   * @param batchSize samples per batch (>= 1)
   * @param cropSize patch to crop, {@code (a0, a1, a2)}: the enlarged patch for training, the final one for
   *     validation
   * @param finalPatchSize the patch the network sees (decides how far crops may leave the case)
   * @param oversampleForeground fraction of each batch forced to contain foreground (nnU-Net: 0.33)
   */
  public PatchSampler(CaseSource cases, int batchSize, int[] cropSize, int[] finalPatchSize,
      double oversampleForeground) {
    this.cases = Checks.notNull(cases, "cases");
    Checks.argument(cases.size() > 0, "at least one case is needed to sample batches");
    Checks.argument(batchSize >= 1, "batch size must be >= 1, got %d", batchSize);
    Patch.voxels(cropSize);
    Patch.voxels(finalPatchSize);
    for (int d = 0; d < 3; d++) {
      Checks.argument(cropSize[d] >= finalPatchSize[d], "crop size %s is smaller than the final patch %s",
          Arrays.toString(cropSize), Arrays.toString(finalPatchSize));
    }
    Checks.argument(oversampleForeground >= 0 && oversampleForeground <= 1,
        "foreground oversampling must be in [0, 1], got %s", oversampleForeground);
    this.batchSize = batchSize;
    this.cropSize = cropSize.clone();
    this.finalPatchSize = finalPatchSize.clone();
    this.oversampleForeground = oversampleForeground;
  }

  /** Samples per batch. */
  public int batchSize() {
    return batchSize;
  }

  /** The crop size {@code (a0, a1, a2)}. */
  public int[] cropSize() {
    return cropSize.clone();
  }

  /**
   * One batch: B case indices drawn uniformly with replacement, then each sample's box and crop. Same seed, same
   * batch; each sample also gets its own augmentation seed.
   */
  public List<Sample> sampleBatch(long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    int[] picks = new int[batchSize];
    for (int j = 0; j < batchSize; j++) picks[j] = random.nextInt(cases.size());
    List<Sample> out = new ArrayList<>(batchSize);
    for (int j = 0; j < batchSize; j++) {
      SplittableRandom boxRandom = Seeds.random(seed, j, 0);
      CaseData c = cases.get(picks[j]);
      boolean forced = forcesForeground(j, batchSize, oversampleForeground);
      int[] lb = lowerBound(c, forced, boxRandom);
      out.add(new Sample(picks[j], forced, lb, crop(c, lb, cropSize), Seeds.mix(Seeds.mix(seed, j), 1)));
    }
    return out;
  }

  /**
   * Whether batch slot {@code j} must contain foreground: {@code j >= round_half_even(B * (1 - percent))}
   * (B = 1 never forces; B = 2, 3, 4 force one sample, B = 5 two, for 0.33).
   */
  public static boolean forcesForeground(int j, int batchSize, double percent) {
    return !(j < Math.rint(batchSize * (1 - percent)));
  }

  /**
   * nnU-Net's box range for a case of {@code caseShape}: {@code need = crop - final}, raised so that {@code shape +
   * need >= crop}; {@code min = (-need) // 2} (floor division, i.e. {@code -ceil(need / 2)}) and {@code max = shape +
   * need // 2 + need % 2 - crop}.
   */
  public static Bounds bounds(int[] caseShape, int[] cropSize, int[] finalPatchSize) {
    int[] min = new int[3];
    int[] max = new int[3];
    for (int d = 0; d < 3; d++) {
      int need = cropSize[d] - finalPatchSize[d];
      if (need + caseShape[d] < cropSize[d]) need = cropSize[d] - caseShape[d];
      // NB: Python parses "- need // 2" as "(-need) // 2": odd needs pad one more voxel before the case
      min[d] = Math.floorDiv(-need, 2);
      max[d] = caseShape[d] + need / 2 + need % 2 - cropSize[d];
    }
    return new Bounds(min, max);
  }

  /** The lower corner of one sample's box (random, or around a stored foreground voxel when forced). */
  int[] lowerBound(CaseData c, boolean forced, SplittableRandom random) {
    Bounds b = bounds(c.shape(), cropSize, finalPatchSize);
    int[] labels = forced ? c.classLocations().eligibleLabels() : new int[0];
    int[] lb = new int[3];
    if (labels.length == 0) { // not forced, or a case without foreground: random box
      for (int d = 0; d < 3; d++) lb[d] = b.min()[d] + random.nextInt(b.max()[d] - b.min()[d] + 1);
      return lb;
    }
    int label = labels[random.nextInt(labels.length)];
    int[] voxel = c.classLocations().voxel(label, random.nextInt(c.classLocations().count(label)));
    // NB: only the lower bound is enforced, so the crop may run past the far border (nnU-Net PR #3033)
    for (int d = 0; d < 3; d++) lb[d] = Math.max(b.min()[d], voxel[d] - cropSize[d] / 2);
    return lb;
  }

  /**
   * The box {@code [lowerBound, lowerBound + size)} of a case; voxels outside the case are 0 in the image and -1
   * in the labels ({@code crop_and_pad_nd}).
   */
  public static Patch crop(CaseData c, int[] lowerBound, int[] size) {
    int n = Patch.voxels(size);
    int[] shape = c.shape();
    float[][] data = new float[c.channels()][n];
    short[] labels = new short[n];
    Arrays.fill(labels, (short) -1);
    // the part of each output row that lies inside the case: [x0, x1) in output coordinates
    int x0 = Math.max(0, -lowerBound[2]);
    int x1 = Math.min(size[2], shape[2] - lowerBound[2]);
    if (x1 <= x0) return new Patch(data, labels, size.clone());
    for (int i = 0; i < size[0]; i++) {
      int si = lowerBound[0] + i;
      if (si < 0 || si >= shape[0]) continue;
      for (int j = 0; j < size[1]; j++) {
        int sj = lowerBound[1] + j;
        if (sj < 0 || sj >= shape[1]) continue;
        int src = (si * shape[1] + sj) * shape[2] + lowerBound[2] + x0;
        int dst = (i * size[1] + j) * size[2] + x0;
        for (int ch = 0; ch < data.length; ch++) System.arraycopy(c.data()[ch], src, data[ch], dst, x1 - x0);
        System.arraycopy(c.labels(), src, labels, dst, x1 - x0);
      }
    }
    return new Patch(data, labels, size.clone());
  }
}
