package org.mednext.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.mednext.engine.Engines;
import org.mednext.net.Initialization;
import org.mednext.net.MedNeXt;
import org.mednext.net.MedNeXtConfig;
import org.mednext.train.loss.DeepSupervisionLoss;
import org.mednext.train.loss.DiceCrossEntropyLoss;
import org.mednext.train.optim.GradientClipping;
import org.mednext.train.optim.SgdNesterov;

/**
 * Seconds per training iteration (forward + Dice/CE deep-supervision loss + backward + clip + SGD step, batch 2,
 * as nnU-Net's train_step on a CPU) and resident memory over many iterations. Synthetic inputs: timing does not
 * depend on values. bench/run train [--variant base] [--width C] [--size 64] [--iterations 3]
 * [--rss-iterations 0] [--threads 2] [--batch 2] [--recompute-levels 5 (-1: plain autograd)].
 */
public final class TrainBench {

  public static void main(String[] args) {
    String variant = BenchSupport.option(args, "variant", "base");
    String width = BenchSupport.option(args, "width", "");
    int size = Integer.parseInt(BenchSupport.option(args, "size", "64"));
    int iterations = Integer.parseInt(BenchSupport.option(args, "iterations", "3"));
    int rssIterations = Integer.parseInt(BenchSupport.option(args, "rss-iterations", "0"));
    int threads = Integer.parseInt(BenchSupport.option(args, "threads", "2"));
    int batch = Integer.parseInt(BenchSupport.option(args, "batch", "2"));
    // levels recomputed by MedNeXt.forwardBackward (as training runs); -1: forward + one backward, no checkpointing
    int recompute = Integer.parseInt(BenchSupport.option(args, "recompute-levels", "5"));
    Engines.setThreads(threads);
    MedNeXtConfig config = MedNeXtConfig.preset(variant, 1, 3);
    if (!width.isEmpty()) config = config.withWidth(Integer.parseInt(width));
    try (MedNeXt net = new MedNeXt(config, Device.cpu()); NDManager m = Engines.pytorch().newBaseManager()) {
      net.load(Initialization.pytorchDefault(config, 0));
      net.setRequiresGradient(true);
      List<NDArray> params = new ArrayList<>(net.stateDict().values());
      DeepSupervisionLoss loss = new DeepSupervisionLoss(new DiceCrossEntropyLoss(false), DeepSupervisionLoss.medNeXtV1Weights(5));
      SplittableRandom rnd = new SplittableRandom(1);
      float[] x = new float[batch * size * size * size];
      for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
      List<int[]> labels = new ArrayList<>();
      for (int h = 0; h < 5; h++) {
        int s = size >> h;
        int[] l = new int[batch * s * s * s];
        for (int i = 0; i < l.length; i++) l[i] = rnd.nextInt(3);
        labels.add(l);
      }
      try (SgdNesterov sgd = SgdNesterov.nnUnet(params, 0.01)) {
        double[] times = new double[iterations];
        double rss0 = 0;
        for (int it = 0; it < iterations + 1 + rssIterations; it++) {
          long t0 = System.nanoTime();
          Engines.setGradMode(true);
          try (NDManager sub = m.newSubManager(); NDScope scope = new NDScope();
              GradientCollector gc = Engines.pytorch().newGradientCollector()) {
            List<NDArray> targets = new ArrayList<>();
            for (int h = 0; h < 5; h++) {
              int s = size >> h;
              targets.add(sub.create(labels.get(h), new Shape(batch, 1, s, s, s)));
            }
            NDArray input = sub.create(x, new Shape(batch, 1, size, size, size));
            if (recompute < 0) {
              gc.backward(loss.compute(net.forward(net.parameterStore(), new NDList(input), true), targets));
            } else {
              net.forwardBackward(net.parameterStore(), input, outs -> loss.compute(outs, targets), recompute);
            }
          }
          GradientClipping.clipGradNorm(params, 12);
          sgd.step();
          double dt = (System.nanoTime() - t0) / 1e9;
          if (it >= 1 && it <= iterations) times[it - 1] = dt; // iteration 0 warms up
          if (it == iterations) rss0 = BenchSupport.rssMb();
          if (rssIterations > 0 && it > iterations && (it - iterations) % Math.max(1, rssIterations / 10) == 0) {
            System.out.printf(Locale.ROOT, "  iteration %d: RSS %.0f MB%n", it - iterations, BenchSupport.rssMb());
          }
        }
        System.out.printf(Locale.ROOT, "| %s%s | %d^3 | batch %d | %d threads | recompute %s | %.2f s/iteration (median of %d) | peak RSS %.0f MB |%s%n",
            variant, width.isEmpty() ? "" : " width " + width, size, batch, threads,
            recompute < 0 ? "none (one backward)" : recompute + " levels", BenchSupport.median(times), iterations,
            BenchSupport.peakRssMb(), rssIterations > 0 ? String.format(Locale.ROOT, " RSS after warm-up %.0f MB, after %d more iterations %.0f MB |",
                rss0, rssIterations, BenchSupport.rssMb()) : "");
      }
    }
  }
}
