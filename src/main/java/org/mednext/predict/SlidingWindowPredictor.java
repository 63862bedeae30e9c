package org.mednext.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.mednext.engine.Engines;
import org.mednext.net.MedNeXt;
import org.mednext.task.Progress;
import org.mednext.util.Checks;
import org.mednext.util.Half;

/**
 * nnU-Net's sliding-window prediction on a preprocessed volume (§C.2-C.6 of the pipeline spec): pad to at least
 * the patch size, tile with Gaussian weighting, mirror test-time augmentation averaged on logits, accumulate in
 * fp16 exactly as nnU-Net does on the CPU ({@code acc = fp16(acc + logits * gaussian)}, {@code w = fp16(w +
 * gaussian)}, {@code acc = fp16(acc / w)}), then average folds in fp16. Works on arrays in nnU-Net's axis order
 * (after transpose), one {@code float[]} per input channel, C order.
 */
public final class SlidingWindowPredictor {

  private final List<MedNeXt> folds;
  private final int[] patch;
  private final double stepSize;
  private final List<int[]> mirrors;
  private final int threads;
  /** Network evaluations (a tile, mirrored or not) per forward. */
  private final int samplesPerBatch;

  /**
   * Patch voxels x network width per batched forward: the passes (mirrorings, then tiles) of small patches run as
   * one batch, which saves libtorch's per-operation overhead (1.1-1.5x per pass on 2 cores), while the activations
   * of one batch stay near those of one pass of a large patch (width 8: 2^19 voxels, about 0.2 GB; v2 Base, width
   * 32: 2^17 voxels).
   */
  static final long BATCH_VOXEL_CHANNELS = 1L << 22;

  /**
   * @param folds one network per fold, all with the same configuration; predictions are averaged over them
   * @param patch tile size (plans' {@code patch_size}), each divisible by 16
   * @param stepSize tile step as a fraction of the patch, in (0, 1]
   * @param mirrorAxes spatial axes (0..2) allowed for mirroring; empty for no test-time augmentation
   * @param threads threads for the Java-side accumulation
   */
  public SlidingWindowPredictor(List<MedNeXt> folds, int[] patch, double stepSize, int[] mirrorAxes, int threads) {
    this(folds, patch, stepSize, mirrorAxes, threads, 0);
  }

  /** As above, with {@code samplesPerBatch} passes per forward (0: as many as {@link #BATCH_VOXEL_CHANNELS} allows). */
  SlidingWindowPredictor(List<MedNeXt> folds, int[] patch, double stepSize, int[] mirrorAxes, int threads, int samplesPerBatch) {
    Checks.argument(!folds.isEmpty(), "at least one fold is needed");
    Checks.argument(patch.length == 3, "patch must be 3-D: %s", Arrays.toString(patch));
    for (int p : patch) Checks.argument(p > 0 && p % 16 == 0, "patch size %s must be divisible by 16 (MedNeXt has 4 stride-2 levels)", Arrays.toString(patch));
    Checks.argument(stepSize > 0 && stepSize <= 1, "step size must be in (0, 1], got %s", stepSize);
    for (int a : mirrorAxes) Checks.argument(a >= 0 && a < 3, "mirror axis %d is not a spatial axis 0..2", a);
    this.folds = List.copyOf(folds);
    this.patch = patch.clone();
    this.stepSize = stepSize;
    this.mirrors = MirrorAxes.combinations(mirrorAxes);
    this.threads = Math.max(1, threads);
    long perPass = (long) patchVoxels() * folds.get(0).config().width();
    // beyond 4-8 samples a batch gains nothing more (measured: 1.12x at 2, 1.34x at 4 for the MR fixture's patch)
    this.samplesPerBatch = samplesPerBatch > 0 ? samplesPerBatch : (int) Math.max(1, Math.min(8, BATCH_VOXEL_CHANNELS / perPass));
  }

  /** Network evaluations batched into one forward pass at the most. */
  public int passesPerForward() {
    return samplesPerBatch;
  }

  /** Network evaluations per tile (1 + mirror combinations). */
  public int passesPerTile() {
    return 1 + mirrors.size();
  }

  /**
   * Weighted-mean logits of every class, as fp16 bits, in the data's shape.
   *
   * @param data one array per input channel, C order, shape {@code shape}
   * @return one fp16 array per class
   */
  public short[][] predict(float[][] data, int[] shape, Progress progress) {
    return predict(data, null, new int[0], shape, progress);
  }

  /**
   * As {@link #predict(float[][], int[], Progress)} for a cascade's second stage: after the data's channels the network
   * reads one channel per label of {@code oneHotLabels}, 1 where {@code previousStage} holds that label and 0 elsewhere
   * (nnU-Net's one-hot channels of the previous stage's segmentation). They are made tile by tile, not held as
   * float32 volumes (4 bytes per voxel and label, as nnU-Net holds them).
   *
   * @param previousStage the previous stage's labels on the data's grid, or null (then {@code oneHotLabels} is empty)
   */
  public short[][] predict(float[][] data, short[] previousStage, int[] oneHotLabels, int[] shape,
      Progress progress) {
    Checks.argument(shape.length == 3, "shape must be 3-D");
    int voxels = Math.multiplyExact(Math.multiplyExact(shape[0], shape[1]), shape[2]);
    for (float[] c : data) Checks.argument(c.length == voxels, "channel has %d values, shape %s needs %d", c.length, Arrays.toString(shape), voxels);
    Checks.argument(previousStage != null || oneHotLabels.length == 0,
        "one-hot labels %s given without a previous stage", Arrays.toString(oneHotLabels));
    Checks.argument(previousStage == null || previousStage.length == voxels,
        "previous stage has %d values, shape %s needs %d", previousStage == null ? 0 : previousStage.length,
        Arrays.toString(shape), voxels);
    Padding padding = Padding.toAtLeast(shape, patch);
    float[][] padded = padding.pad(data);
    short[] paddedLabels = previousStage == null ? null : padding.pad(previousStage);
    int channels = padded.length + oneHotLabels.length;
    // label (as an unsigned short) -> its one-hot channel + 1; 0: none
    int[] oneHotChannel = oneHotLabels.length == 0 ? null : new int[1 << 16];
    for (int k = 0; k < oneHotLabels.length; k++) oneHotChannel[oneHotLabels[k] & 0xffff] = k + 1;
    float[] zeros = oneHotLabels.length == 0 ? null : new float[patchVoxels()]; // one for all tiles
    int[] size = padding.paddedShape();
    TileGrid grid = TileGrid.of(size, patch, stepSize);
    short[] gaussian = GaussianImportanceMap.compute(patch);
    short[] weights = weightSum(grid, size, gaussian);
    short[][] total = null;
    long steps = (long) grid.size() * folds.size();
    progress.start(String.format(Locale.ROOT, "predicting %d tiles x %d passes x %d fold(s)", grid.size(), passesPerTile(), folds.size()), steps);
    long done = 0;
    ForkJoinPool pool = new ForkJoinPool(threads);
    try (NDManager manager = Engines.pytorch().newBaseManager(folds.get(0).device())) {
      float[] gaussianValues = new float[gaussian.length];
      for (int i = 0; i < gaussian.length; i++) gaussianValues[i] = Half.toFloat(gaussian[i]);
      NDArray gaussianArray = manager.create(gaussianValues, new Shape(1, patch[0], patch[1], patch[2]));
      List<int[]> tiles = grid.tiles();
      // tiles whose passes all fit in one forward go together, but at most a quarter of them: progress and
      // cancellation keep some granularity
      int group = Math.max(1, Math.min(samplesPerBatch / passesPerTile(), (tiles.size() + 3) / 4));
      int classes = folds.get(0).config().numClasses();
      // One input and one output buffer for all tiles: per-tile arrays would be megabytes of garbage per tile,
      // which the JVM collects only after it has grown its heap (and the process RSS) by hundreds of MB.
      ByteBuffer input = ByteBuffer.allocateDirect(Math.multiplyExact(Math.multiplyExact(channels, patchVoxels()),
          group * Float.BYTES)).order(ByteOrder.nativeOrder());
      float[] logits = new float[Math.multiplyExact(classes * patchVoxels(), group)];
      for (MedNeXt net : folds) {
        net.setAllHeads(false);
        short[][] acc = new short[classes][padding.paddedVoxels()];
        for (int first = 0; first < tiles.size(); first += group) {
          progress.checkCancelled();
          int count = Math.min(group, tiles.size() - first);
          FloatBuffer in = input.asFloatBuffer();
          for (int j = 0; j < count; j++) {
            copyTile(padded, paddedLabels, oneHotChannel, oneHotLabels.length, zeros, size, tiles.get(first + j), in);
          }
          predictTiles(net, manager, input, count, channels, gaussianArray, logits);
          for (int j = 0; j < count; j++) {
            accumulate(acc, logits, j * classes * patchVoxels(), size, tiles.get(first + j), pool);
          }
          done += count;
          progress.update(done);
        }
        divide(acc, weights, pool);
        total = total == null ? acc : addFold(total, acc, pool);
      }
    } finally {
      pool.shutdown();
    }
    if (folds.size() > 1) divideByCount(total, folds.size(), pool());
    checkFinite(total);
    return padding.unpad(total);
  }

  private ForkJoinPool pool() {
    return ForkJoinPool.commonPool();
  }

  private int patchVoxels() {
    return patch[0] * patch[1] * patch[2];
  }

  /**
   * Writes the logits (classes x patch voxels) of {@code tiles} tiles into {@code out}, one after the other, each
   * mirror-averaged and multiplied by the Gaussian, float32. The input tensor is a view of {@code input} (no copy),
   * so the buffer may be refilled only after this returns. Passes are batched {@link #samplesPerBatch} at a time;
   * each tile's are summed in nnU-Net's order (identity first, then the mirrorings in order).
   */
  private void predictTiles(MedNeXt net, NDManager manager, ByteBuffer input, int tiles, int channels, NDArray gaussian,
      float[] out) {
    try (NDManager m = manager.newSubManager()) {
      int floats = tiles * channels * patchVoxels();
      ByteBuffer used = input.duplicate().limit(floats * Float.BYTES).slice().order(ByteOrder.nativeOrder());
      NDArray x = m.create(used, new Shape(tiles, channels, patch[0], patch[1], patch[2]), DataType.FLOAT32);
      int passes = passesPerTile();
      NDArray[] sums = new NDArray[tiles];
      // sample q = tile q / passes, pass q % passes; pass 0 is the identity, pass i > 0 mirrors along mirrors[i - 1]
      for (int first = 0; first < tiles * passes; first += samplesPerBatch) {
        int count = Math.min(samplesPerBatch, tiles * passes - first);
        NDList batch = new NDList();
        for (int q = first; q < first + count; q++) {
          NDArray tile = tiles == 1 ? x : x.get(new NDIndex("{}:{}", q / passes, q / passes + 1));
          batch.add(q % passes == 0 ? tile : tile.flip(flipDims(q % passes)));
        }
        NDArray logits = net.predict(count == 1 ? batch.get(0) : NDArrays.concat(batch, 0)).get(0);
        logits.attach(m);
        for (int q = first; q < first + count; q++) {
          NDArray one = count == 1 ? logits : logits.get(new NDIndex("{}:{}", q - first, q - first + 1));
          int tile = q / passes;
          if (q % passes == 0) {
            sums[tile] = one;
          } else {
            sums[tile].addi(one.flip(flipDims(q % passes)));
          }
        }
      }
      for (int j = 0; j < tiles; j++) {
        if (!mirrors.isEmpty()) sums[j].divi(passes);
        NDArray weighted = sums[j].get(0).muli(gaussian);
        int n = Math.toIntExact(weighted.size());
        // a view of the tensor's memory (contiguous on the CPU), read straight into the reused array
        weighted.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(out, j * n, n);
      }
    }
  }

  /** Tensor axes (N, C, D, H, W) flipped by pass {@code pass} > 0. */
  private int[] flipDims(int pass) {
    int[] axes = mirrors.get(pass - 1);
    int[] dims = new int[axes.length];
    for (int i = 0; i < axes.length; i++) dims[i] = axes[i] + 2;
    return dims;
  }

  /**
   * Copies the tile at {@code start} of every channel into {@code dst}, channels one after the other, then
   * {@code oneHot} one-hot channels of {@code labels}' tile: channel {@code oneHotChannel[label] - 1} is 1 where the
   * label is, all are 0 where {@code oneHotChannel} gives 0 (background, -1, padding, unknown labels). {@code zeros}
   * holds a patch of zeros.
   */
  private void copyTile(float[][] padded, short[] labels, int[] oneHotChannel, int oneHot, float[] zeros, int[] size,
      int[] start, FloatBuffer dst) {
    for (float[] channel : padded) {
      for (int a = 0; a < patch[0]; a++) {
        for (int b = 0; b < patch[1]; b++) {
          dst.put(channel, ((start[0] + a) * size[1] + start[1] + b) * size[2] + start[2], patch[2]);
        }
      }
    }
    if (oneHot == 0) return;
    int base = dst.position();
    int n = patchVoxels();
    for (int k = 0; k < oneHot; k++) dst.put(zeros);
    for (int a = 0, v = 0; a < patch[0]; a++) { // one pass over the tile's labels, whatever their number
      for (int b = 0; b < patch[1]; b++) {
        int from = ((start[0] + a) * size[1] + start[1] + b) * size[2] + start[2];
        for (int x = 0; x < patch[2]; x++, v++) {
          int k = oneHotChannel[labels[from + x] & 0xffff];
          if (k > 0) dst.put(base + (k - 1) * n + v, 1f);
        }
      }
    }
  }

  /**
   * acc[k][tile voxel] = fp16(acc + logits): torch adds the float32 product to the fp16 accumulator. The tile's
   * logits start at {@code offset}.
   */
  private void accumulate(short[][] acc, float[] logits, int offset, int[] size, int[] start, ForkJoinPool pool) {
    run(pool, acc.length, k -> {
      short[] a = acc[k];
      int o = offset + k * patchVoxels();
      for (int i = 0; i < patch[0]; i++) {
        for (int j = 0; j < patch[1]; j++) {
          int dst = ((start[0] + i) * size[1] + start[1] + j) * size[2] + start[2];
          for (int l = 0; l < patch[2]; l++, o++, dst++) a[dst] = Half.fromFloat(Half.toFloat(a[dst]) + logits[o]);
        }
      }
    });
  }

  /** Sum of the Gaussian over all tiles, in fp16 as nnU-Net's {@code n_predictions}. */
  private short[] weightSum(TileGrid grid, int[] size, short[] gaussian) {
    short[] w = new short[size[0] * size[1] * size[2]];
    for (int[] start : grid.tiles()) {
      int o = 0;
      for (int i = 0; i < patch[0]; i++) {
        for (int j = 0; j < patch[1]; j++) {
          int dst = ((start[0] + i) * size[1] + start[1] + j) * size[2] + start[2];
          for (int l = 0; l < patch[2]; l++, o++, dst++) w[dst] = Half.add(w[dst], gaussian[o]);
        }
      }
    }
    return w;
  }

  private static void divide(short[][] acc, short[] weights, ForkJoinPool pool) {
    run(pool, acc.length, k -> {
      short[] a = acc[k];
      for (int i = 0; i < a.length; i++) a[i] = Half.fromFloat(Half.toFloat(a[i]) / Half.toFloat(weights[i]));
    });
  }

  private static short[][] addFold(short[][] total, short[][] fold, ForkJoinPool pool) {
    run(pool, total.length, k -> {
      short[] t = total[k];
      short[] f = fold[k];
      for (int i = 0; i < t.length; i++) t[i] = Half.add(t[i], f[i]);
    });
    return total;
  }

  private static void divideByCount(short[][] total, int n, ForkJoinPool pool) {
    run(pool, total.length, k -> {
      short[] t = total[k];
      for (int i = 0; i < t.length; i++) t[i] = Half.fromFloat(Half.toFloat(t[i]) / n);
    });
  }

  private static void checkFinite(short[][] logits) {
    for (short[] c : logits) {
      for (short h : c) {
        if ((h & 0x7c00) == 0x7c00) {
          throw new IllegalStateException("the aggregated logits overflow fp16 (inf/NaN), as nnU-Net would report: "
              + "the network's logits are too large for fp16 accumulation");
        }
      }
    }
  }

  private static void run(ForkJoinPool pool, int n, java.util.function.IntConsumer body) {
    try {
      pool.submit(() -> IntStream.range(0, n).parallel().forEach(body)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) throw r;
      throw new IllegalStateException(cause);
    }
  }
}
