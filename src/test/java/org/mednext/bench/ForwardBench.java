package org.mednext.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.mednext.engine.Engines;
import org.mednext.net.FlopCount;
import org.mednext.net.MedNeXt;
import org.mednext.net.MedNeXtConfig;

/**
 * Forward time of a MedNeXt variant on a 1 x 1 x S^3 patch (no grad, fp32) against libtorch's large-GEMM rate
 * measured in the same run (the practical ceiling on this machine). Run with bench/run forward [--size 128]
 * [--variant base] [--threads 2] [--repeats 3].
 */
public final class ForwardBench {

  public static void main(String[] args) {
    int size = Integer.parseInt(BenchSupport.option(args, "size", "128"));
    String variant = BenchSupport.option(args, "variant", "base");
    int threads = Integer.parseInt(BenchSupport.option(args, "threads", "2"));
    int repeats = Integer.parseInt(BenchSupport.option(args, "repeats", "3"));
    Engines.setThreads(threads);
    Engines.inferenceMode();
    MedNeXtConfig config = MedNeXtConfig.preset(variant, 1, 3);
    double gemm = gemmRate();
    double flops = FlopCount.forward(config, size, size, size);
    double[] times = new double[repeats];
    try (MedNeXt net = new MedNeXt(config, Device.cpu()); NDManager m = Engines.pytorch().newBaseManager()) {
      net.load(randomWeights(net));
      net.setAllHeads(false);
      NDArray x = m.randomNormal(new Shape(1, 1, size, size, size));
      double rssBefore = BenchSupport.rssMb();
      for (int i = 0; i < repeats; i++) {
        long t0 = System.nanoTime();
        NDList out = net.predict(x);
        times[i] = (System.nanoTime() - t0) / 1e9;
        out.close();
        System.out.printf(Locale.ROOT, "  run %d: %.2f s%n", i + 1, times[i]);
      }
      double t = BenchSupport.median(times);
      System.out.println();
      System.out.printf(Locale.ROOT, "| variant | patch | threads | forward (median of %d) | conv GFLOP | GFLOP/s | libtorch GEMM GFLOP/s | ratio | peak RSS |%n", repeats);
      System.out.println("|---|---|---|---|---|---|---|---|---|");
      System.out.printf(Locale.ROOT, "| %s | 1x1x%d^3 | %d | %.2f s | %.0f | %.1f | %.1f | %.0f %% | %.0f MB (weights+input %.0f MB) |%n",
          variant, size, threads, t, flops / 1e9, flops / t / 1e9, gemm, 100 * flops / t / 1e9 / gemm,
          BenchSupport.peakRssMb(), rssBefore);
    }
  }

  /** libtorch fp32 GEMM rate (4096^2 x 4096), best of 3. */
  static double gemmRate() {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      int n = 4096;
      NDArray a = m.randomNormal(new Shape(n, n));
      NDArray b = m.randomNormal(new Shape(n, n));
      double best = 0;
      for (int i = 0; i < 3; i++) {
        long t0 = System.nanoTime();
        a.matMul(b).close();
        best = Math.max(best, 2.0 * n * n * n / ((System.nanoTime() - t0) / 1e9) / 1e9);
      }
      return best;
    }
  }

  /** PyTorch-default-like random weights (uniform +-1/sqrt(fan_in)); values do not matter for timing. */
  static Map<String, float[]> randomWeights(MedNeXt net) {
    SplittableRandom rnd = new SplittableRandom(42);
    Map<String, float[]> w = new LinkedHashMap<>();
    net.stateDictShapes().forEach((k, s) -> {
      float[] v = new float[(int) s.size()];
      double bound = s.dimension() > 1 ? 1 / Math.sqrt(s.size() / s.get(0)) : 0.1;
      for (int i = 0; i < v.length; i++) v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
      w.put(k, v);
    });
    return w;
  }
}
