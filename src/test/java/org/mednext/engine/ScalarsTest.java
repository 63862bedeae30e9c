package org.mednext.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("engine")
class ScalarsTest {

  /**
   * The backward pass of {@code op} on x = [1, 2, 3] after the garbage collector ran and the freed small native
   * blocks were handed out again and filled with NaN: what a long training step does to a DJL number operand.
   */
  private static float[] gradientAfterCollection(UnaryOperator<NDArray> op) throws InterruptedException {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      NDArray x = m.create(new float[] {1, 2, 3});
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
        NDArray y = op.apply(x).sum();
        for (int i = 0; i < 2; i++) {
          System.gc();
          Thread.sleep(100);
        }
        List<ByteBuffer> reuse = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
          ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
          b.putFloat(0, Float.NaN);
          reuse.add(b);
        }
        gc.backward(y);
        return x.getGradient().toFloatArray();
      }
    }
  }

  @Test
  void numberOperandsStayValidForTheBackwardPassAfterAGarbageCollection() throws InterruptedException {
    assertArrayEquals(new float[] {3, 3, 3}, gradientAfterCollection(x -> Scalars.mul(x, 3f)));
    assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, gradientAfterCollection(x -> Scalars.div(x, 2f)));
    assertArrayEquals(new float[] {0, 1, 1}, gradientAfterCollection(x -> Scalars.maximum(x, 1.5f)));
  }

  /** DJL's number overloads of operations whose operand autograd keeps, with a literal or cast operand. */
  private static final Pattern NUMBER_OVERLOAD =
      Pattern.compile("\\.(mul|div|maximum|minimum|pow)\\(\\s*(\\((float|double|int|long)\\)|-?[0-9.]+[fFdDlL]?\\s*\\))");

  @Test
  void codeThatAutogradRecordsUsesNoDjlNumberOverloads() throws IOException {
    List<String> found = new ArrayList<>();
    for (String pkg : new String[] {"net", "train/loss"}) {
      Path dir = Paths.get("src/main/java/org/mednext").resolve(pkg);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
          List<String> lines = Files.readAllLines(f);
          for (int i = 0; i < lines.size(); i++) {
            Matcher mt = NUMBER_OVERLOAD.matcher(lines.get(i));
            if (mt.find() && !lines.get(i).trim().startsWith("*")) found.add(f.getFileName() + ":" + (i + 1) + ": " + lines.get(i).trim());
          }
        }
      }
    }
    assertTrue(found.isEmpty(), "use org.mednext.engine.Scalars instead: " + found);
  }
}
