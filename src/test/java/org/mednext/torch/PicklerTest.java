package org.mednext.torch;

import org.mednext.testutil.PythonTorch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mednext.torch.TorchCheckpointTest.list;
import static org.mednext.torch.TorchCheckpointTest.map;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Pickler}: encodings Python decodes, memoized sharing, and values it refuses. */
class PicklerTest {

  @TempDir Path tmp;

  @Test
  void pythonDecodesEveryIntFloatStringAndBytesEncoding() throws Exception {
    PythonTorch.assumeAvailable();
    List<Object> values = list(0L, 255, 256, 65535, 65536L, -1, (short) -2, (byte) 3, 2147483647L, -2147483648L,
        2147483648L, -2147483649L, Long.MAX_VALUE, Long.MIN_VALUE, BigInteger.TWO.pow(64),
        BigInteger.TWO.pow(200).negate(), BigInteger.TWO.pow(2100), BigInteger.valueOf(5), -0.0, 1e-310, 0.1f,
        Double.NaN, "", "\u00e9\u2713\uD83D\uDE00", new byte[0], new byte[] {(byte) 0x80, 0x27, 0x5c}, true, null,
        PyTuple.of(), PyTuple.of(1L, PyTuple.of(2L)), new TorchDevice("cpu", -1));
    Path file = tmp.resolve("values.pkl");
    Files.write(file, new Pickler().pickle(values));

    String repr = PythonTorch.exec("import pickle, sys, torch\n"
        + "print(repr(pickle.load(open(sys.argv[1], 'rb'))))", file.toString());

    assertEquals("[0, 255, 256, 65535, 65536, -1, -2, 3, 2147483647, -2147483648, 2147483648, -2147483649, "
        + "9223372036854775807, -9223372036854775808, 18446744073709551616, -" + BigInteger.TWO.pow(200) + ", "
        + BigInteger.TWO.pow(2100) + ", 5, -0.0, 1e-310, 0.10000000149011612, nan, '', '\u00e9\u2713\uD83D\uDE00', "
        + "b'', b\"\\x80'\\\\\", True, None, (), (1, (2,)), device(type='cpu')]\n", repr);
  }

  @Test
  void writesASharedTensorOnceAndReadsItBackShared() throws Exception {
    TensorData t = TensorData.ofFloats(new long[] {3}, new float[] {1, 2, 3});
    Pickler p = new Pickler();
    p.pickle(list(t, t, map("again", t)));
    assertEquals(1, p.storages().size());

    Path file = tmp.resolve("shared.pth");
    TorchCheckpoint.write(file, list(t, t));
    List<?> back = (List<?>) TorchCheckpoint.read(file);
    assertEquals(t, back.get(0));
    assertSame(back.get(0), back.get(1));
  }

  @Test
  void refusesCyclesNamingWhereTheyAre() {
    List<Object> loop = new ArrayList<>();
    loop.add(1L);
    loop.add(loop);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Pickler().pickle(map("a", loop)));
    assertEquals("cyclic structure at root['a'][1]: a container contains itself", e.getMessage());
  }

  @Test
  void aCheckpointTakesNoNumpyArrayWhichTorchLoadWithWeightsOnlyWouldRefuse() {
    NumpyArray a = new NumpyArray(new double[] {1, 2}, new long[] {2});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Pickler().pickle(map("a", a)));
    assertEquals("cannot write a org.mednext.torch.NumpyArray at root['a']", e.getMessage().split(":")[0]);
    new Pickler(true).pickle(map("a", a)); // a plain pickle may hold one
  }

  @Test
  void refusesValuesThatAreNotPlainData() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Pickler().pickle(map("x", list(1L, new StringBuilder("no")))));
    assertEquals("cannot write a java.lang.StringBuilder at root['x'][1]: checkpoints hold only tensors and plain "
        + "data (Map, OrderedDict, List, PyTuple, String, Long, Integer, BigInteger, Double, Float, Boolean, null, "
        + "byte[], TorchDevice, TensorData)", e.getMessage());
  }

  @Test
  void refusesUnhashableKeysAndBrokenStrings() {
    IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
        () -> new Pickler().pickle(map("m", Map.of(List.of(1), 2))));
    assertEquals("dict key of type java.util.ImmutableCollections$List12 in root['m'] is not a plain hashable value "
        + "(str, int, float, bool, None, torch.device or a tuple of such)", key.getMessage());
    IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
        () -> new Pickler().pickle(list("ok", "broken \uD800")));
    assertEquals("string at root[1] contains an unpaired surrogate character", text.getMessage());
  }

  @Test
  void refusesNestingDeeperThanTheReaderAccepts() {
    List<Object> root = new ArrayList<>();
    List<Object> inner = root;
    for (int i = 0; i < Values.MAX_DEPTH + 5; i++) {
      List<Object> next = new ArrayList<>();
      inner.add(next);
      inner = next;
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Pickler().pickle(root));
    assertTrue(e.getMessage().startsWith("containers are nested deeper than 500 at root[0][0]"), e.getMessage());
  }
}
