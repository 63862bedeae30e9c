package org.mednext.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mednext.engine.Engines;
import org.mednext.engine.HostReads;
import org.mednext.io.Npy;
import org.mednext.io.NpyArray;
import org.mednext.io.Npz;
import org.mednext.model.NnUnetCheckpoint;
import org.mednext.net.MedNeXt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mednext forward}: the bare network in eval mode on a .npy input, every head written to an .npz - the
 * tool to check a checkpoint against PyTorch.
 */
@Command(name = "forward", mixinStandardHelpOptions = true,
    description = "Run the bare network (eval mode, no grad) on an (N, C, D, H, W) float32 .npy and write every head "
        + "as output_0, output_1, ... (float32) into an .npz.")
final class ForwardCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "the .pth checkpoint")
  Path checkpoint;

  @Option(names = "--input", required = true, paramLabel = "X.npy", description = "input (N, C, D, H, W), float32; D, H, W divisible by 16")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "Y.npz", description = "where to write the heads")
  Path output;

  @Mixin EngineOptions engine;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    NpyArray x = Npy.read(input);
    long[] shape = x.shape();
    if (shape.length != 5) {
      throw new IllegalArgumentException(input + ": expected an (N, C, D, H, W) array, got shape " + Arrays.toString(shape));
    }
    if (!x.dtype().equals("<f4") && !x.dtype().equals("f4")) {
      throw new IllegalArgumentException(input + ": expected float32 ('<f4'), got dtype " + x.dtype()
          + "; convert with numpy: x.astype(np.float32)");
    }
    Device device = engine.start();
    NnUnetCheckpoint ckpt = NnUnetCheckpoint.read(checkpoint);
    try (MedNeXt net = MedNeXt.fromStateDict(ckpt.weights(), device);
        NDManager m = Engines.pytorch().newBaseManager(device)) {
      long t0 = System.nanoTime();
      NDList heads = net.predict(m.create(x.floats(), new Shape(shape)));
      double seconds = (System.nanoTime() - t0) / 1e9;
      Map<String, NpyArray> arrays = new LinkedHashMap<>();
      for (int h = 0; h < heads.size(); h++) {
        NDArray a = heads.get(h);
        arrays.put("output_" + h, NpyArray.ofFloats(a.getShape().getShape(), HostReads.floats(a)));
      }
      Npz.write(output, arrays, false);
      out.printf(Locale.ROOT, "%s: %d head(s) %s in %.2f s (%s) -> %s%n", net.config().describe(), heads.size(),
          heads.getShapes()[0], seconds, Engines.describe(device), output);
    }
    return 0;
  }
}
