package org.mednext.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mednext.torch.DataAssert.assertSameData;
import static org.mednext.torch.Opcodes.*;
import static org.mednext.torch.TorchCheckpointTest.list;
import static org.mednext.torch.TorchCheckpointTest.map;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Unpickler}: every opcode CPython and numpy emit, misuse of stack and memo, and refusal of code. */
class UnpicklerTest {

  private static final String REFUSAL = ": only tensors and plain data (dict, list, tuple, str, int, float, bool, "
      + "None, torch.device, numpy scalars) are accepted in a checkpoint; nothing in the file was executed";

  @TempDir Path tmp;

  // -- plain data pickled by CPython with protocols 0 to 5, numpy 1 and 2 (make_torch_checkpoints.py) --

  @ParameterizedTest
  @ValueSource(strings = {"plain_np1_p0.pkl", "plain_np1_p1.pkl", "plain_np1_p2.pkl", "plain_np1_p3.pkl",
      "plain_np1_p4.pkl", "plain_np1_p5.pkl", "plain_np2_p0.pkl", "plain_np2_p1.pkl", "plain_np2_p2.pkl",
      "plain_np2_p3.pkl", "plain_np2_p4.pkl", "plain_np2_p5.pkl"})
  void readsPlainDataOfEveryProtocolAndNumpyVersion(String file) throws Exception {
    Object value = load(Files.readAllBytes(TestFiles.resource(file)));

    assertSameData(plainExpected(), value);
    List<?> shared = (List<?>) ((Map<?, ?>) value).get("shared");
    assertSame(shared.get(0), shared.get(1));
  }

  @Test
  void readsProtocol4SetsAsLists() throws Exception {
    Map<Object, Object> expected = new LinkedHashMap<>();
    expected.put("set", list(1L, 2L, 3L));
    expected.put("frozen", list(4L));
    assertSameData(expected, load(Files.readAllBytes(TestFiles.resource("sets_p4.pkl"))));
  }

  @Test
  void readsProtocol5BytearrayAsBytes() throws Exception {
    assertSameData(map("ba", new byte[] {1, 2, 3}), load(Files.readAllBytes(TestFiles.resource("bytearray_p5.pkl"))));
  }

  /** Mirrors PLAIN (plus "shared") in make_torch_checkpoints.py. */
  private static Map<Object, Object> plainExpected() {
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put("ints", list(0L, 1L, -1L, 255L, 256L, 65535L, 65536L, 2147483647L, -2147483648L, 2147483648L, 1L << 40,
        Long.MIN_VALUE, Long.MAX_VALUE, BigInteger.TWO.pow(64), BigInteger.TWO.pow(100).negate()));
    m.put("floats", list(0.0, -0.0, 1.5, -2.25e-300, 1e300, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
    m.put("text", list("", "plain", "Gr\u00fc\u00dfe \u2713 \uD83D\uDE00", "quote ' \" back\\slash\nnewline"));
    m.put("bytes", new byte[] {0, 1, 0x7f, (byte) 0x80, (byte) 0xff});
    m.put("flags", list(true, false, null));
    m.put("tuples", list(PyTuple.of(), PyTuple.of(1L), PyTuple.of(1L, 2L), PyTuple.of(1L, 2L, 3L),
        PyTuple.of(1L, 2L, 3L, 4L)));
    m.put("nested", map("a", map("b", map("c", list(1L, PyTuple.of(2L, "x"), map("d", null))))));
    Map<Object, Object> intKeys = new LinkedHashMap<>();
    intKeys.put(3L, "three");
    intKeys.put(-1L, "minus one");
    m.put("int_keys", intKeys);
    m.put("tuple_key", map(PyTuple.of(1L, "a"), "tuple"));
    OrderedDict ordered = new OrderedDict();
    ordered.put("z", 1L);
    ordered.put("a", 2L);
    ordered.put("m", 3L);
    m.put("ordered", ordered);
    m.put("np", list(0.25, -1.5, 0.5, -7L, 9L, 200L, true));
    List<Object> longList = new ArrayList<>();
    for (long i = 0; i < 1500; i++) longList.add(i);
    m.put("long_list", longList);
    m.put("shared", list(list("shared"), list("shared")));
    return m;
  }

  // -- malicious pickles in a checkpoint zip: refused when the global is named, nothing runs --

  @Test
  void refusesOsSystemAtItsGlobalOpcodeAndRunsNothing() throws Exception {
    Path marker = tmp.resolve("pwned");
    byte[] pickle = new PickleBuilder().proto2().global("os", "system").str("touch " + marker)
        .op(TUPLE1, REDUCE).stop();
    Path file = TestFiles.checkpoint(tmp.resolve("evil.pth"), "evil", pickle, Map.of());

    UnsafeCheckpointException e = assertThrows(UnsafeCheckpointException.class, () -> TorchCheckpoint.read(file));

    assertEquals(file + ": refused pickle global 'os.system' (opcode GLOBAL) at byte 2 of evil/data.pkl" + REFUSAL,
        e.getMessage());
    assertFalse(Files.exists(marker));
  }

  @Test
  void refusesBuiltinsEvalNamedByStackGlobal() throws Exception {
    Path marker = tmp.resolve("pwned");
    PickleBuilder b = new PickleBuilder().proto2().str("builtins").str("eval");
    int at = b.offset();
    byte[] pickle = b.op(STACK_GLOBAL).str("open('" + marker + "', 'w')").op(TUPLE1, REDUCE).stop();
    Path file = TestFiles.checkpoint(tmp.resolve("evil.pth"), "evil", pickle, Map.of());

    UnsafeCheckpointException e = assertThrows(UnsafeCheckpointException.class, () -> TorchCheckpoint.read(file));

    assertEquals(file + ": refused pickle global 'builtins.eval' (opcode STACK_GLOBAL) at byte " + at
        + " of evil/data.pkl" + REFUSAL, e.getMessage());
    assertFalse(Files.exists(marker));
  }

  @Test
  void refusesBuiltinsGetattrBeforeItsReduce() throws Exception {
    byte[] pickle = new PickleBuilder().proto2().global("builtins", "getattr").str("x").str("__class__")
        .op(TUPLE2, REDUCE).stop();
    Path file = TestFiles.checkpoint(tmp.resolve("getattr.pth"), "getattr", pickle, Map.of());

    UnsafeCheckpointException e = assertThrows(UnsafeCheckpointException.class, () -> TorchCheckpoint.read(file));

    assertEquals(file + ": refused pickle global 'builtins.getattr' (opcode GLOBAL) at byte 2 of getattr/data.pkl"
        + REFUSAL, e.getMessage());
  }

  @Test
  void refusesAGlobalHiddenInTheArgumentsOfRebuildTensor() throws Exception {
    Path marker = tmp.resolve("pwned");
    PickleBuilder b = new PickleBuilder().proto2().op(EMPTY_DICT).str("w")
        .global("torch._utils", "_rebuild_tensor_v2").op(MARK).storage("FloatStorage", "0", 2);
    int at = b.offset();
    b.global("posix", "system").str("touch " + marker).op(TUPLE1, REDUCE) // in place of the storage offset
        .ints(2).ints(1).op(NEWFALSE).global("collections", "OrderedDict").op(EMPTY_TUPLE, REDUCE, TUPLE, REDUCE);
    byte[] pickle = b.op(SETITEM).stop();
    Path file = TestFiles.checkpoint(tmp.resolve("nested.pth"), "nested", pickle, Map.of("0", new byte[8]));

    UnsafeCheckpointException e = assertThrows(UnsafeCheckpointException.class, () -> TorchCheckpoint.read(file));

    assertEquals(file + ": refused pickle global 'posix.system' (opcode GLOBAL) at byte " + at + " of nested/data.pkl"
        + REFUSAL, e.getMessage());
    assertFalse(Files.exists(marker));
  }

  @Test
  void refusesSubprocessPopenNamedByInst() throws Exception {
    PickleBuilder b = new PickleBuilder().proto2().op(MARK).str("id");
    int at = b.offset();
    byte[] pickle = b.op(INST).raw("subprocess\nPopen\n").stop();

    UnsafeCheckpointException e = assertThrows(UnsafeCheckpointException.class, () -> load(pickle));

    assertEquals("t.pth: refused pickle global 'subprocess.Popen' (opcode INST) at byte " + at + " of t/data.pkl"
        + REFUSAL, e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"torch load", "torch._utils _rebuild_tensor", "__builtin__ eval", "numpy.core.multiarray "
      + "_reconstruct", "torch.serialization load", "collections defaultdict", "copyreg _reconstructor", "torch Tensor"})
  void refusesEveryOtherGlobal(String global) throws Exception {
    String[] parts = global.split(" ");
    byte[] pickle = new PickleBuilder().proto2().global(parts[0], parts[1]).stop();

    UnsafeCheckpointException e = assertThrows(UnsafeCheckpointException.class, () -> load(pickle));

    assertEquals("t.pth: refused pickle global '" + parts[0] + "." + parts[1] + "' (opcode GLOBAL) at byte 2 of "
        + "t/data.pkl" + REFUSAL, e.getMessage());
  }

  @Test
  void refusesExtensionRegistryCodes() {
    byte[] pickle = new PickleBuilder().proto2().op(EXT1, 1).stop();

    UnsafeCheckpointException e = assertThrows(UnsafeCheckpointException.class, () -> load(pickle));

    assertEquals("t.pth: refused copyreg extension code 1 (opcode EXT) at byte 2 of t/data.pkl" + REFUSAL,
        e.getMessage());
  }

  @Test
  void refusesReduceOnAValueThatIsNotAnAllowedCallable() {
    byte[] onString = new PickleBuilder().proto2().str("x").op(EMPTY_TUPLE, REDUCE).stop();
    byte[] onStorageType = new PickleBuilder().proto2().global("torch", "FloatStorage").op(EMPTY_TUPLE, REDUCE).stop();

    assertMessage("REDUCE calls 'x', which is not an allowed callable (at byte 9 of t/data.pkl)", onString);
    assertMessage("REDUCE calls torch.FloatStorage, which is not an allowed callable (at byte 23 of t/data.pkl)",
        onStorageType);
  }

  @Test
  void refusesAnAllowedGlobalLeftAsAValue() {
    byte[] pickle = new PickleBuilder().proto2().global("collections", "OrderedDict").stop();

    assertMessage("the result contains collections.OrderedDict, which is not data (at byte 27 of t/data.pkl)", pickle);
  }

  // -- misuse of the stack, marks and memo; truncation; garbage --

  @Test
  void reportsStackMarkAndMemoMisuseWithOpcodeAndOffset() {
    assertMessage("opcode 0x30 ('0') needs a value, but the stack is empty: the file is corrupt (at byte 2 of "
        + "t/data.pkl)", new PickleBuilder().proto2().op(POP).stop());
    assertMessage("opcode 0x85 needs a value, but the stack is empty above the last MARK: the file is corrupt "
        + "(at byte 4 of t/data.pkl)", new PickleBuilder().proto2().op(NONE, MARK, TUPLE1).stop());
    assertMessage("opcode 0x74 ('t') needs a MARK, but there is none (at byte 3 of t/data.pkl)",
        new PickleBuilder().proto2().op(NONE, TUPLE).stop());
    assertMessage("memo entry 5 is read before it is written (at byte 2 of t/data.pkl)",
        new PickleBuilder().proto2().op(BINGET, 5).stop());
    assertMessage("opcode 0x61 ('a') appends to None, which is not a list (at byte 4 of t/data.pkl)",
        new PickleBuilder().proto2().op(NONE, NONE, APPEND).stop());
    assertMessage("opcode 0x73 ('s') sets an item of a list of 0, which is not a dict (at byte 5 of t/data.pkl)",
        new PickleBuilder().proto2().op(EMPTY_LIST, NONE, NONE, SETITEM).stop());
    assertMessage("dict key a list of 0 is not a plain hashable value (at byte 5 of t/data.pkl)",
        new PickleBuilder().proto2().op(EMPTY_DICT, EMPTY_LIST, NONE, SETITEM).stop());
    assertMessage("STOP with 2 values and 0 open MARKs on the stack instead of one value (at byte 4 of t/data.pkl)",
        new PickleBuilder().proto2().op(NONE, NONE).stop());
  }

  @Test
  void reportsTruncatedAndOversizedArguments() {
    assertMessage("the pickle ends without a STOP opcode: the file is truncated (at byte 3 of t/data.pkl)",
        new PickleBuilder().proto2().op(NONE).bytes());
    assertMessage("the pickle claims 4294967295 bytes follow, but only 1 remain: the file is truncated or corrupt "
        + "(at byte 2 of t/data.pkl)", new PickleBuilder().proto2().op(BINUNICODE).le(0xFFFFFFFFL, 4).stop());
    assertMessage("the pickle ends in the middle of an opcode argument: the file is truncated (at byte 2 of "
        + "t/data.pkl)", new PickleBuilder().proto2().op(BININT, 1, 2).bytes());
    assertMessage("a text argument has no terminating newline: the file is truncated (at byte 2 of t/data.pkl)",
        new PickleBuilder().proto2().op(GLOBAL).raw("os").bytes());
    assertMessage("unsupported pickle protocol 6 (this reader knows 0 to 5) (at byte 0 of t/data.pkl)",
        new PickleBuilder().op(PROTO, 6).stop());
    assertMessage("not a decimal integer: 'abc' (at byte 0 of t/data.pkl)",
        new PickleBuilder().op(INT).raw("abc\n").stop());
  }

  @Test
  void reportsUnknownOpcodes() {
    assertMessage("unknown pickle opcode 0xff: the file is corrupt or not a torch checkpoint (at byte 2 of "
        + "t/data.pkl)", new PickleBuilder().proto2().op(0xff).stop());
    assertMessage("opcode NEXT_BUFFER (0x97) (out-of-band buffers) is not supported: torch.save does not use it "
        + "(at byte 2 of t/data.pkl)", new PickleBuilder().proto2().op(NEXT_BUFFER).stop());
  }

  @Test
  void refusesCyclesAndExcessiveNesting() {
    assertMessage("a container contains itself (a cyclic structure) (at byte 8 of t/data.pkl)",
        new PickleBuilder().proto2().op(EMPTY_LIST, BINPUT, 0, BINGET, 0, APPEND).stop());
    PickleBuilder deep = new PickleBuilder().proto2();
    for (int i = 0; i < Values.MAX_DEPTH + 1; i++) deep.op(EMPTY_LIST);
    for (int i = 0; i < Values.MAX_DEPTH; i++) deep.op(APPEND);
    assertMessage("containers are nested deeper than 500 (at byte " + (deep.offset()) + " of t/data.pkl)", deep.stop());
  }

  @Test
  void loadsExponentiallySharedStructuresInLinearTime() throws Exception {
    // Each level holds the previous one twice: 2^60 paths, but only 61 distinct lists.
    PickleBuilder ok = new PickleBuilder().proto2().op(EMPTY_LIST);
    for (int i = 0; i < 60; i++) ok.op(BINPUT, 0, POP, EMPTY_LIST, MARK, BINGET, 0, BINGET, 0, APPENDS);
    Object root = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> load(ok.stop()));
    List<?> top = (List<?>) root;
    assertSame(top.get(0), top.get(1));
  }

  @Test
  void garbageAndMutatedPicklesFailOnlyWithCheckpointExceptions() throws Exception {
    Random random = new Random(42);
    for (int n = 0; n < 2000; n++) {
      byte[] garbage = new byte[1 + random.nextInt(40)];
      random.nextBytes(garbage);
      expectCleanOutcome(garbage);
    }
    byte[] valid = Files.readAllBytes(TestFiles.resource("plain_np1_p2.pkl"));
    for (int n = 0; n < 2000; n++) {
      byte[] mutated = valid.clone();
      mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
      expectCleanOutcome(mutated);
    }
  }

  private static void expectCleanOutcome(byte[] pickle) {
    try {
      load(pickle);
    } catch (CheckpointException expected) {
      // a clean refusal
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("pickle " + java.util.HexFormat.of().formatHex(pickle) + " leaked " + e, e);
    }
  }

  // -- helpers --

  /** Unpickles as zip entry t/data.pkl of file t.pth, with zero-filled storages of the requested size. */
  static Object load(byte[] pickle) throws CheckpointException {
    return Unpickler.load(pickle, "t.pth", "t/data.pkl", (ctx, dtype, key, location, numel) -> {
      if (numel > 1 << 20) throw ctx.fail("test storage too large");
      return new Globals.Storage(dtype, key, numel, new byte[(int) numel * dtype.elementSize()]);
    });
  }

  static void assertMessage(String expected, byte[] pickle) {
    CheckpointException e = assertThrows(CheckpointException.class, () -> load(pickle));
    assertEquals(CheckpointException.class, e.getClass());
    assertEquals("t.pth: " + expected, e.getMessage());
  }
}
