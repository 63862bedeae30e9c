package org.mednext.train.sampling;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mednext.model.NumpyRandomState;
import org.mednext.util.Checks;

/**
 * The foreground voxels nnU-Net stores per case for foreground oversampling ({@code class_locations} in the
 * case's {@code .pkl}): for every foreground label, up to {@code max(min(10000, N), ceil(0.01 N))} of its N voxels
 * drawn without replacement, as {@code (a0, a1, a2)} coordinates. Immutable.
 *
 * <p>{@link #sample} reproduces {@code DefaultPreprocessor._sample_foreground_locations} bit for bit (numpy's
 * {@code RandomState(1234)}, the same draw order, the same 1:k thinning above 10^7 non-zero voxels), so locations
 * computed here equal the ones nnU-Net writes (NNUNET_PIPELINE_SPEC.md §D.1).
 */
public final class ClassLocations {

  /** The seed nnU-Net's preprocessing uses. */
  public static final long NNUNET_SEED = 1234;

  private static final int MAX_SAMPLES = 10000;
  private static final double MIN_COVERAGE = 0.01;
  private static final long MAX_FOREGROUND = 10_000_000L;
  private static final ClassLocations NONE = new ClassLocations(new int[0], new int[0][]);

  private final int[] labels;
  private final int[][] coordinates; // per label, flat (a0, a1, a2) triples

  private ClassLocations(int[] labels, int[][] coordinates) {
    this.labels = labels;
    this.coordinates = coordinates;
  }

  /** No stored locations: every patch of such a case is a random one. */
  public static ClassLocations none() {
    return NONE;
  }

  /**
   * Locations given as they were stored, e.g. read from nnU-Net's {@code .pkl}: {@code coordinates[i]} holds the
   * voxels of {@code labels[i]} as flat {@code (a0, a1, a2)} triples (nnU-Net's leading channel index dropped).
   * The arrays are copied.
   */
  public static ClassLocations of(int[] labels, int[][] coordinates) {
    Checks.notNull(labels, "labels");
    Checks.notNull(coordinates, "coordinates");
    Checks.argument(labels.length == coordinates.length, "%d labels but %d coordinate lists", labels.length,
        coordinates.length);
    int[][] copy = new int[labels.length][];
    for (int i = 0; i < labels.length; i++) {
      for (int j = 0; j < i; j++) Checks.argument(labels[j] != labels[i], "label %d is listed twice", labels[i]);
      Checks.notNull(coordinates[i], "coordinates[" + i + "]");
      Checks.argument(coordinates[i].length % 3 == 0, "coordinates of label %d must be (a0, a1, a2) triples, got %d"
          + " values", labels[i], coordinates[i].length);
      copy[i] = coordinates[i].clone();
    }
    return new ClassLocations(labels.clone(), copy);
  }

  /**
   * nnU-Net's sampling of foreground locations from a preprocessed label map (C order, {@code -1} outside the
   * mask), for {@code foregroundLabels} in the given order (nnU-Net: all labels but background and ignore,
   * ascending), with {@code RandomState(seed)} ({@link #NNUNET_SEED} in nnU-Net).
   */
  public static ClassLocations sample(short[] labelMap, int[] shape, int[] foregroundLabels, long seed) {
    Checks.notNull(labelMap, "labelMap");
    Checks.notNull(foregroundLabels, "foregroundLabels");
    int n = Patch.voxels(shape);
    Checks.argument(labelMap.length == n, "label map has %d values, shape %s needs %d", labelMap.length,
        Arrays.toString(shape), n);
    Map<Integer, Integer> slot = new LinkedHashMap<>();
    for (int i = 0; i < foregroundLabels.length; i++) {
      int label = foregroundLabels[i];
      Checks.argument(label != 0, "background (0) is not a foreground label");
      Checks.argument(slot.putIfAbsent(label, i) == null, "label %d is listed twice", label);
    }
    long nonZero = 0;
    for (short v : labelMap) if (v != 0) nonZero++;
    // NB: nnU-Net thins the non-zero voxels (including the -1 outside the mask) to every k-th one above 1e7
    long takeEvery = nonZero > MAX_FOREGROUND ? (long) Math.floor(nonZero / (double) MAX_FOREGROUND) : 1;
    int[][] members = new int[foregroundLabels.length][];
    int[] counts = new int[foregroundLabels.length];
    for (int i = 0; i < members.length; i++) members[i] = new int[16];
    long position = 0;
    for (int v = 0; v < n; v++) {
      short label = labelMap[v];
      if (label == 0) continue;
      boolean kept = position++ % takeEvery == 0;
      Integer s = kept ? slot.get((int) label) : null;
      if (s == null) continue;
      if (counts[s] == members[s].length) members[s] = Arrays.copyOf(members[s], members[s].length * 2);
      members[s][counts[s]++] = v;
    }
    NumpyRandomState random = new NumpyRandomState(seed);
    int[][] coordinates = new int[foregroundLabels.length][];
    int plane = shape[1] * shape[2];
    for (int i = 0; i < foregroundLabels.length; i++) {
      int count = counts[i];
      if (count == 0) { // absent labels draw nothing, as in nnU-Net
        coordinates[i] = new int[0];
        continue;
      }
      int[] chosen = random.choiceWithoutReplacement(count, sampleCount(count));
      int[] xyz = new int[3 * chosen.length];
      for (int j = 0; j < chosen.length; j++) {
        int v = members[i][chosen[j]];
        xyz[3 * j] = v / plane;
        xyz[3 * j + 1] = (v % plane) / shape[2];
        xyz[3 * j + 2] = v % shape[2];
      }
      coordinates[i] = xyz;
    }
    return new ClassLocations(foregroundLabels.clone(), coordinates);
  }

  /** How many of {@code n} voxels nnU-Net keeps: {@code max(min(10000, n), ceil(0.01 n))}. */
  public static int sampleCount(int n) {
    Checks.argument(n >= 0, "voxel count must be >= 0, got %d", n);
    return (int) Math.max(Math.min(MAX_SAMPLES, n), (long) Math.ceil(n * MIN_COVERAGE));
  }

  /** The labels that have an entry, in stored order (some may have no voxels). */
  public int[] labels() {
    return labels.clone();
  }

  /** The labels with at least one stored voxel, in stored order: the classes a forced patch picks from. */
  public int[] eligibleLabels() {
    return Arrays.stream(indicesWithVoxels()).map(i -> labels[i]).toArray();
  }

  /** Number of stored voxels of {@code label} (0 if it has none or no entry). */
  public int count(int label) {
    int i = indexOf(label);
    return i < 0 ? 0 : coordinates[i].length / 3;
  }

  /** The {@code index}-th stored voxel of {@code label} as {@code (a0, a1, a2)}. */
  public int[] voxel(int label, int index) {
    int i = indexOf(label);
    Checks.argument(i >= 0, "no locations stored for label %d", label);
    int n = coordinates[i].length / 3;
    Checks.argument(index >= 0 && index < n, "voxel index %d out of range [0, %d) for label %d", index, n, label);
    return Arrays.copyOfRange(coordinates[i], 3 * index, 3 * index + 3);
  }

  /** All stored voxels of {@code label} as flat {@code (a0, a1, a2)} triples (a copy). */
  public int[] coordinates(int label) {
    int i = indexOf(label);
    return i < 0 ? new int[0] : coordinates[i].clone();
  }

  /** A description of the first stored voxel outside {@code shape}, or null if all lie inside. */
  String firstOutside(int[] shape) {
    for (int i = 0; i < labels.length; i++) {
      int[] c = coordinates[i];
      for (int j = 0; j < c.length; j += 3) {
        for (int d = 0; d < 3; d++) {
          if (c[j + d] < 0 || c[j + d] >= shape[d]) {
            return Arrays.toString(Arrays.copyOfRange(c, j, j + 3)) + " of label " + labels[i];
          }
        }
      }
    }
    return null;
  }

  private int[] indicesWithVoxels() {
    int[] out = new int[labels.length];
    int n = 0;
    for (int i = 0; i < labels.length; i++) if (coordinates[i].length > 0) out[n++] = i;
    return Arrays.copyOf(out, n);
  }

  private int indexOf(int label) {
    for (int i = 0; i < labels.length; i++) if (labels[i] == label) return i;
    return -1;
  }
}
