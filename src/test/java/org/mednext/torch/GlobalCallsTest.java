package org.mednext.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mednext.torch.Opcodes.*;
import static org.mednext.torch.UnpicklerTest.assertMessage;
import static org.mednext.torch.UnpicklerTest.load;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** {@link GlobalCalls}: what each allowed global builds, and its argument checks. */
class GlobalCallsTest {

  @Test
  void decodesNumpyScalarsOfEveryKindAndByteOrder() throws Exception {
    assertEquals(-1.5, load(numpyScalar("f8", '<', le(8).putDouble(-1.5))));
    assertEquals(-1.5, load(numpyScalar("f8", '>', be(8).putDouble(-1.5))));
    assertEquals(0.1f, ((Double) load(numpyScalar("f4", '<', le(4).putFloat(0.1f)))).floatValue());
    assertEquals(65504.0, load(numpyScalar("f2", '<', le(2).putShort((short) 0x7BFF))));
    assertEquals(-5L, load(numpyScalar("i8", '<', le(8).putLong(-5))));
    assertEquals(-5L, load(numpyScalar("i4", '>', be(4).putInt(-5))));
    assertEquals(-5L, load(numpyScalar("i2", '<', le(2).putShort((short) -5))));
    assertEquals(-5L, load(numpyScalar("i1", '|', le(1).put((byte) -5))));
    assertEquals(251L, load(numpyScalar("u1", '|', le(1).put((byte) -5))));
    assertEquals(65531L, load(numpyScalar("u2", '<', le(2).putShort((short) -5))));
    assertEquals(4294967291L, load(numpyScalar("u4", '<', le(4).putInt(-5))));
    assertEquals(new BigInteger("18446744073709551611"), load(numpyScalar("u8", '<', le(8).putLong(-5))));
    assertEquals(true, load(numpyScalar("b1", '|', le(1).put((byte) 1))));
  }

  @Test
  void refusesUnsupportedNumpyTypesAndMalformedScalars() {
    assertMessage("numpy dtype 'O8' is not supported: only bool, int, uint and float scalars are (at byte 25 of "
        + "t/data.pkl)", new PickleBuilder().proto2().global("numpy", "dtype").str("O8").op(NEWFALSE, NEWTRUE, TUPLE3,
        REDUCE).stop());
    assertMessage("numpy scalar of numpy.dtype('f8') holds 4 bytes instead of 8 (at byte 92 of t/data.pkl)",
        numpyScalar("f8", '<', le(4).putFloat(1f)));
  }

  @Test
  void buildsDevicesFromEveryPickledForm() throws Exception {
    assertEquals(new TorchDevice("cuda", -1), load(device().str("cuda").op(TUPLE1, REDUCE).stop()));
    assertEquals(new TorchDevice("cuda", 1), load(device().str("cuda:1").op(TUPLE1, REDUCE).stop()));
    assertEquals(new TorchDevice("cuda", 0), load(device().str("cuda").integer(0).op(TUPLE2, REDUCE).stop()));
    assertMessage("torch.device expects (str) or (str, int), got tuple (1, 2, 3) (at byte 23 of t/data.pkl)",
        device().integer(1).integer(2).integer(3).op(TUPLE3, REDUCE).stop());
    assertMessage("invalid torch.device: not a torch device: 'cuda:x' (expected e.g. 'cuda', 'cuda:0' or 'cpu') "
        + "(at byte 28 of t/data.pkl)", device().str("cuda:x").op(TUPLE1, REDUCE).stop());
  }

  @Test
  void unwrapsParametersToTheirTensor() throws Exception {
    byte[] pickle = new PickleBuilder().proto2().global("torch._utils", "_rebuild_parameter").op(MARK)
        .tensor("FloatStorage", "0", 2, 0, new long[] {2}, new long[] {1}).op(NEWTRUE)
        .global("collections", "OrderedDict").op(EMPTY_TUPLE, REDUCE, TUPLE, REDUCE).stop();
    assertEquals(TensorData.ofFloats(new long[] {2}, new float[] {0, 0}), load(pickle));
  }

  @Test
  void acceptsTheMetadataArgumentOfTorch2() throws Exception {
    PickleBuilder b = new PickleBuilder().proto2().global("torch._utils", "_rebuild_tensor_v2").op(MARK)
        .storage("IntStorage", "0", 3).integer(1).ints(2).ints(1).op(NEWFALSE)
        .global("collections", "OrderedDict").op(EMPTY_TUPLE, REDUCE).op(EMPTY_DICT).op(TUPLE, REDUCE);
    TensorData t = (TensorData) load(b.stop());
    assertEquals(DType.INT32, t.dtype());
    assertEquals(2, t.numel());
  }

  @Test
  void refusesMalformedTensorCalls() {
    assertMessage("torch._utils._rebuild_tensor_v2 takes 6 or 7 arguments, got 1 (at byte 37 of t/data.pkl)",
        new PickleBuilder().proto2().global("torch._utils", "_rebuild_tensor_v2").op(NONE, TUPLE1, REDUCE).stop());
    assertMessage("_rebuild_tensor_v2 gets 'x' instead of a storage (at byte 48 of t/data.pkl)",
        new PickleBuilder().proto2().global("torch._utils", "_rebuild_tensor_v2").op(MARK).str("x").op(NONE, NONE,
            NONE, NONE, NONE, TUPLE, REDUCE).stop());
    assertMessage("unsupported persistent id 'x': torch.save writes ('storage', type, key, location, numel) (at "
        + "byte 8 of t/data.pkl)", new PickleBuilder().proto2().str("x").op(BINPERSID).stop());
    assertMessage("persistent id names 'FloatStorage' where a torch storage type is expected (at byte 49 of "
        + "t/data.pkl)", new PickleBuilder().proto2().op(MARK).str("storage").str("FloatStorage").str("0").str("cpu")
        .integer(1).op(TUPLE, BINPERSID).stop());
    assertMessage("invalid storage key '../x' in a persistent id (at byte 55 of t/data.pkl)",
        new PickleBuilder().proto2().storage("FloatStorage", "../x", 1).stop());
  }

  @Test
  void acceptsOnlyArgumentLessOrderedDictsAndTheirAttributes() throws Exception {
    byte[] withMetadata = new PickleBuilder().proto2().global("collections", "OrderedDict").op(EMPTY_TUPLE, REDUCE)
        .str("k").integer(1).op(SETITEM).op(EMPTY_DICT).str("_metadata").op(EMPTY_DICT, SETITEM, BUILD).stop();
    OrderedDict expected = new OrderedDict();
    expected.put("k", 1L);
    assertEquals(expected, load(withMetadata));
    assertEquals(OrderedDict.class, load(withMetadata).getClass());
    assertMessage("collections.OrderedDict is only accepted with no arguments (at byte 29 of t/data.pkl)",
        new PickleBuilder().proto2().global("collections", "OrderedDict").op(EMPTY_LIST, TUPLE1, REDUCE).stop());
    assertMessage("BUILD with a dict of 0 on a list of 0 is not supported (at byte 4 of t/data.pkl)",
        new PickleBuilder().proto2().op(EMPTY_LIST, EMPTY_DICT, BUILD).stop());
    assertEquals(new OrderedDict(), load(new PickleBuilder().proto2().global("collections", "OrderedDict")
        .op(EMPTY_TUPLE, NEWOBJ).stop()));
  }

  @Test
  void decodesBytesOnlyFromLatin1() throws Exception {
    assertEquals("[0, -1]", java.util.Arrays.toString((byte[]) load(new PickleBuilder().proto2()
        .global("_codecs", "encode").str("\u0000\u00ff").str("latin1").op(TUPLE2, REDUCE).stop())));
    assertMessage("_codecs.encode is only accepted as (str, 'latin1'), got tuple ('x', 'utf-16') (at byte 36 of "
        + "t/data.pkl)", new PickleBuilder().proto2().global("_codecs", "encode").str("x").str("utf-16")
        .op(TUPLE2, REDUCE).stop());
  }

  private static PickleBuilder device() {
    return new PickleBuilder().proto2().global("torch", "device");
  }

  /** numpy.core.multiarray.scalar(numpy.dtype(spec) with byte order, bytes), as numpy pickles with protocol 3. */
  private static byte[] numpyScalar(String spec, char order, ByteBuffer value) {
    byte[] raw = java.util.Arrays.copyOf(value.array(), value.position());
    PickleBuilder b = new PickleBuilder().proto2().global("numpy.core.multiarray", "scalar")
        .global("numpy", "dtype").str(spec).op(NEWFALSE, NEWTRUE, TUPLE3, REDUCE)
        .op(MARK).integer(3).str(String.valueOf(order)).op(NONE, NONE, NONE).integer(-1).integer(-1).integer(0)
        .op(TUPLE, BUILD).op(BINBYTES).le(raw.length, 4);
    for (byte x : raw) b.op(x & 0xFF);
    return b.op(TUPLE2, REDUCE).stop();
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer be(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.BIG_ENDIAN);
  }
}
