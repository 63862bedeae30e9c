package org.mednext.net;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.IntPredicate;
import org.mednext.engine.Engines;
import org.mednext.engine.HostReads;
import org.mednext.engine.Scoped;
import org.mednext.torch.TensorData;
import org.mednext.util.Checks;

/**
 * The MedNeXt(-v2) network as a DJL block: stem, four encoder stages with down blocks, bottleneck, four decoder
 * stages with up blocks and additive skips, a full-resolution head and (with deep supervision) heads at 1/2 ...
 * 1/16 resolution. Input (N, Cin, D, H, W) with D, H, W divisible by 16; outputs, in the reference order,
 * {@code [out_0 (full), out_1 (1/2), out_2, out_3, out_4 (1/16, from the bottleneck)]}, logits.
 *
 * <p>Parameters are addressed by their PyTorch state-dict keys through one explicit table
 * ({@link #stateDictShapes()}), so checkpoints of the reference code load and save unchanged. The network owns
 * the native memory of its weights; close it when done.
 */
public final class MedNeXt extends LoadedBlock implements AutoCloseable {

  private final MedNeXtConfig config;
  private final NDManager manager;
  private final ParameterStore parameterStore;
  private final Parameter dummy;
  private final PointwiseConvolution stem;
  private final List<List<MedNeXtBlock>> encoder = new ArrayList<>();
  private final List<MedNeXtBlock> down = new ArrayList<>();
  private final List<MedNeXtBlock> bottleneck = new ArrayList<>();
  private final List<MedNeXtBlock> up = new ArrayList<>();
  private final List<List<MedNeXtBlock>> decoder = new ArrayList<>();
  private final List<PointwiseConvolution> heads = new ArrayList<>();
  private final LinkedHashMap<String, ParameterSlot> table = new LinkedHashMap<>();
  private boolean allHeads;

  /** A network with the given configuration on {@code device}; its weights are unset until loaded or initialised. */
  public MedNeXt(MedNeXtConfig config, Device device) {
    this.config = Checks.notNull(config, "config");
    this.manager = Engines.pytorch().newBaseManager(device);
    this.parameterStore = new ParameterStore(manager, false);
    this.allHeads = config.deepSupervision();
    int[] r = config.expansion();
    int[] b = config.blockCounts();
    int ke = config.encoderKernel();
    int kd = config.decoderKernel();
    dummy = addParameter(Parameter.builder().setName("dummy_tensor").setType(Parameter.Type.OTHER).build());
    table.put("dummy_tensor", new ParameterSlot(dummy, new Shape(1)));
    stem = addChildBlock("stem", PointwiseConvolution.stem(config.inChannels(), config.width()));
    stem.collectParameters("stem", table);
    for (int l = 0; l < 4; l++) {
      int c = config.stageWidth(l);
      List<MedNeXtBlock> stage = new ArrayList<>();
      for (int i = 0; i < b[l]; i++) {
        stage.add(block("enc_block_" + l + "." + i, standard(c, r[l], ke, config.grn())));
      }
      encoder.add(stage);
      boolean grnHere = config.grn() && (l > 0 || config.grnInDown0());
      down.add(block("down_" + l, MedNeXtBlock.builder().setKind(MedNeXtBlock.Kind.DOWN).setChannels(c, 2 * c)
          .optExpansion(r[l + 1]).optKernel(ke).optGrn(grnHere).build()));
    }
    for (int i = 0; i < b[4]; i++) {
      bottleneck.add(block("bottleneck." + i, standard(config.stageWidth(4), r[4], kd, config.grn())));
    }
    for (int l = 0; l < 4; l++) { // filled below in state-dict order (up_3 first) so that up.get(l) is up_l
      up.add(null);
      decoder.add(null);
    }
    for (int l = 3; l >= 0; l--) {
      int c = config.stageWidth(l);
      up.set(l, block("up_" + l, MedNeXtBlock.builder().setKind(MedNeXtBlock.Kind.UP).setChannels(2 * c, c)
          .optExpansion(r[8 - l]).optKernel(kd).optGrn(config.grn()).build()));
      List<MedNeXtBlock> stage = new ArrayList<>();
      for (int i = 0; i < b[8 - l]; i++) {
        stage.add(block("dec_block_" + l + "." + i, standard(c, r[8 - l], kd, config.grn())));
      }
      decoder.set(l, stage);
    }
    int headCount = config.deepSupervision() ? 5 : 1;
    for (int h = 0; h < headCount; h++) {
      PointwiseConvolution head = addChildBlock("out_" + h, PointwiseConvolution.head(config.stageWidth(h), config.numClasses()));
      head.collectParameters("out_" + h + ".conv_out", table);
      heads.add(head);
    }
  }

  /**
   * The network a state dict describes (architecture inferred from its keys and shapes), with its weights.
   *
   * @throws UnsupportedNetworkException if the state dict is not a MedNeXt this code can build
   */
  public static MedNeXt fromStateDict(Map<String, TensorData> weights, Device device) {
    return of(StateDict.of(weights), device);
  }

  /** The network of a checked state dict, with its weights. */
  public static MedNeXt of(StateDict stateDict, Device device) {
    MedNeXt net = new MedNeXt(stateDict.config(), device);
    try {
      net.load(stateDict.values(), true);
      return net;
    } catch (RuntimeException | Error e) {
      try {
        net.close();
      } catch (RuntimeException cleanup) { // the load's error is the one to report, not a failing clean-up's
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private static MedNeXtBlock standard(int c, int r, int k, boolean grn) {
    return MedNeXtBlock.builder().setChannels(c, c).optExpansion(r).optKernel(k).optGrn(grn).build();
  }

  private MedNeXtBlock block(String key, MedNeXtBlock blk) {
    addChildBlock(key.replace('.', '_'), blk);
    blk.collectParameters(key, table);
    return blk;
  }

  /** The configuration this network was built from. */
  public MedNeXtConfig config() {
    return config;
  }

  /** The device its weights live on. */
  public Device device() {
    return manager.getDevice();
  }

  /** The manager owning the weights. */
  public NDManager manager() {
    return manager;
  }

  /** The parameter store used by {@link #predict}; training passes its own. */
  public ParameterStore parameterStore() {
    return parameterStore;
  }

  /** State-dict keys in PyTorch's order with the shapes PyTorch stores them with. */
  public Map<String, Shape> stateDictShapes() {
    Map<String, Shape> m = new LinkedHashMap<>();
    table.forEach((k, slot) -> m.put(k, slot.shape()));
    return Collections.unmodifiableMap(m);
  }

  /** The live weight arrays by state-dict key, in PyTorch's order (unset weights are absent). */
  public Map<String, NDArray> stateDict() {
    Map<String, NDArray> m = new LinkedHashMap<>();
    table.forEach((k, slot) -> {
      if (slot.parameter().isInitialized()) m.put(k, slot.parameter().getArray());
    });
    return Collections.unmodifiableMap(m);
  }

  /** The DJL parameter behind a state-dict key. */
  public Parameter parameter(String key) {
    ParameterSlot slot = table.get(key);
    Checks.argument(slot != null, "no parameter %s in this %s", key, config.describe());
    return slot.parameter();
  }

  /** Number of scalar parameters (the reference module's count, dummy_tensor included). */
  public long parameterCount() {
    long n = 0;
    for (ParameterSlot slot : table.values()) n += slot.shape().size();
    return n;
  }

  /**
   * Sets every weight from float32 values keyed like the reference state dict.
   *
   * @param weights key -> row-major float32 values; must hold exactly the keys of {@link #stateDictShapes()}
   * @throws IllegalArgumentException listing missing keys, unexpected keys and shape mismatches
   */
  public void load(Map<String, float[]> weights) {
    load(weights, false);
  }

  /** {@link #load(Map)}; {@code finite}: the values are known to be finite (a {@link StateDict}'s), not scanned again. */
  private void load(Map<String, float[]> weights, boolean finite) {
    List<String> problems = new ArrayList<>();
    TreeSet<String> unexpected = new TreeSet<>(weights.keySet());
    unexpected.removeAll(table.keySet());
    TreeSet<String> missing = new TreeSet<>(table.keySet());
    missing.removeAll(weights.keySet());
    if (!missing.isEmpty()) problems.add("missing keys " + abbreviate(missing));
    if (!unexpected.isEmpty()) problems.add("unexpected keys " + abbreviate(unexpected));
    for (Map.Entry<String, ParameterSlot> e : table.entrySet()) {
      float[] v = weights.get(e.getKey());
      if (v != null && v.length != e.getValue().shape().size()) {
        problems.add(String.format(Locale.ROOT, "%s has %d values, expected %s", e.getKey(), v.length, e.getValue().shape()));
      }
    }
    Checks.argument(problems.isEmpty(), "weights do not fit %s: %s", config.describe(), String.join("; ", problems));
    if (!finite) checkFinite(weights);
    for (Map.Entry<String, ParameterSlot> e : table.entrySet()) {
      set(e.getValue(), weights.get(e.getKey()));
    }
  }

  private void set(ParameterSlot slot, float[] values) {
    Parameter p = slot.parameter();
    if (p.isInitialized()) {
      p.getArray().set(values);
    } else {
      NDArray a = manager.create(values, slot.shape());
      p.setArray(a);
    }
  }

  /** Refuses weights with NaN or infinite values, naming them. */
  static void checkFinite(Map<String, float[]> weights) {
    TreeSet<String> nonFinite = new TreeSet<>();
    weights.forEach((key, values) -> {
      int bad = 0;
      for (float f : values) if (!Float.isFinite(f)) bad++;
      if (bad > 0) nonFinite.add(String.format(Locale.ROOT, "%s (%d values)", key, bad));
    });
    Checks.argument(nonFinite.isEmpty(), "weights hold NaN or infinite values: %s; the checkpoint is damaged or the "
        + "training that wrote it diverged", abbreviate(nonFinite));
  }

  private static String abbreviate(TreeSet<String> keys) {
    List<String> l = new ArrayList<>(keys);
    return l.size() <= 8 ? l.toString() : l.subList(0, 8) + " and " + (l.size() - 8) + " more";
  }

  /** Turns gradient tracking of every weight on or off (weights must be set). */
  public void setRequiresGradient(boolean on) {
    for (ParameterSlot slot : table.values()) {
      slot.parameter().getArray().setRequiresGradient(on);
    }
  }

  /**
   * Whether {@link #forward} returns all deep-supervision heads (default: when the network has them) or only the
   * full-resolution one (inference; saves the small heads' work). Like the reference's {@code do_ds}.
   */
  public void setAllHeads(boolean on) {
    Checks.argument(!on || config.deepSupervision(), "this network has no deep-supervision heads");
    this.allHeads = on;
  }

  /**
   * Inference on the calling thread: grad mode off, every intermediate freed as soon as it is consumed.
   *
   * @param input (N, Cin, D, H, W) float32 with D, H, W divisible by 16, on {@link #device()}
   * @return the heads (see the class comment), attached to the input's manager
   */
  public NDList predict(NDArray input) {
    checkInput(input.getShape());
    Engines.inferenceMode();
    NDList out;
    try (NDScope scope = new NDScope()) {
      out = forward(parameterStore, new NDList(input), false, null);
      NDScope.unregister(out);
    }
    out.attach(input.getManager());
    return out;
  }

  /** Levels of {@link #forwardBackward}'s {@code recomputeLevels}: four encoder/decoder levels and the bottleneck. */
  public static final int LEVELS = 5;

  /**
   * One training step's forward and backward pass with activation checkpointing: the blocks (and heads) of the
   * {@code recomputeLevels} highest-resolution levels run without autograd and are recomputed when the backward
   * pass reaches them (0: none, as {@code forward} + {@code backward}; 5: every level, the bottleneck included).
   * Level 0 alone holds about half of the activations autograd keeps and a fifth of the forward's work. Gradients
   * accumulate into the parameters as with {@code loss.backward()}; call with grad mode on in this thread.
   *
   * @param input (N, Cin, D, H, W), see {@link #predict}
   * @param loss maps the outputs (as {@link #forward}'s, NCDHW logits) to a scalar
   * @return the loss value
   */
  public float forwardBackward(ParameterStore ps, NDArray input, Function<NDList, NDArray> loss, int recomputeLevels) {
    checkInput(input.getShape());
    Checks.argument(recomputeLevels >= 0 && recomputeLevels <= LEVELS, "recompute levels must be 0 to %d, got %d",
        LEVELS, recomputeLevels);
    IntPredicate recompute = level -> level < recomputeLevels;
    try (ActivationCheckpointing pass = new ActivationCheckpointing()) {
      int h = pass.step(x -> train(ps, stem, Ops3d.toDepthMajor(x.singletonOrThrow())), recompute.test(0),
          pass.constant(input));
      int[] skips = new int[4];
      int[] outs = new int[allHeads ? 5 : 1];
      for (int l = 0; l < 4; l++) {
        for (MedNeXtBlock blk : encoder.get(l)) h = pass.step(x -> train(ps, blk, x.get(0)), recompute.test(l), h);
        skips[l] = h;
        MedNeXtBlock d = down.get(l);
        h = pass.step(x -> train(ps, d, x.get(0)), recompute.test(l), h);
      }
      for (MedNeXtBlock blk : bottleneck) h = pass.step(x -> train(ps, blk, x.get(0)), recompute.test(4), h);
      if (allHeads) outs[4] = pass.step(x -> trainHead(ps, heads.get(4), x.get(0)), recompute.test(4), h);
      for (int l = 3; l >= 0; l--) {
        MedNeXtBlock u = up.get(l);
        h = pass.step(x -> train(ps, u, x.get(0)).add(x.get(1)), recompute.test(l), h, skips[l]);
        for (MedNeXtBlock blk : decoder.get(l)) h = pass.step(x -> train(ps, blk, x.get(0)), recompute.test(l), h);
        if (l == 0 || allHeads) {
          PointwiseConvolution head = heads.get(l);
          outs[l] = pass.step(x -> trainHead(ps, head, x.get(0)), recompute.test(l), h);
        }
      }
      int total = pass.step(loss, false, outs);
      float value = HostReads.floatValue(pass.value(total));
      pass.backward(total);
      return value;
    }
  }

  private static NDArray train(ParameterStore ps, Block block, NDArray x) {
    return block.forward(ps, new NDList(x), true).singletonOrThrow();
  }

  private static NDArray trainHead(ParameterStore ps, Block head, NDArray x) {
    return Ops3d.fromDepthMajor(train(ps, head, x));
  }

  private void checkInput(Shape s) {
    Checks.argument(s.dimension() == 5, "input must be (N, C, D, H, W), got %s", s);
    Checks.argument(s.get(1) == config.inChannels(), "input has %d channels, the network expects %d", s.get(1), config.inChannels());
    for (int a = 2; a < 5; a++) {
      Checks.argument(s.get(a) % 16 == 0 && s.get(a) > 0,
          "spatial size %s must be divisible by 16 on every axis (4 stride-2 levels)", s);
    }
  }

  /**
   * The forward pass: input and outputs NCDHW, inside depth-major (D, N, C, H, W) activations (see {@link Ops3d}).
   */
  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray input = inputs.singletonOrThrow();
    checkInput(input.getShape());
    Step step = new Step(ps, training);
    NDArray[] skips = new NDArray[4];
    NDArray[] outs = new NDArray[5];
    NDArray x = Ops3d.toDepthMajor(input);
    NDArray h = step.run(stem, x, x);
    for (int l = 0; l < 4; l++) {
      for (MedNeXtBlock blk : encoder.get(l)) h = step.run(blk, h, h);
      skips[l] = h;
      h = step.run(down.get(l), h, null);
    }
    for (MedNeXtBlock blk : bottleneck) h = step.run(blk, h, h);
    if (allHeads) outs[4] = step.head(heads.get(4), h);
    for (int l = 3; l >= 0; l--) {
      NDArray u = step.run(up.get(l), h, h);
      h = training ? u.add(skips[l]) : u.addi(skips[l]);
      if (training) step.release(u);
      step.release(skips[l]);
      for (MedNeXtBlock blk : decoder.get(l)) h = step.run(blk, h, h);
      if (l == 0 || allHeads) outs[l] = step.head(heads.get(l), h);
    }
    step.release(h);
    NDList result = new NDList();
    for (int l = 0; l < (allHeads ? 5 : 1); l++) result.add(outs[l]);
    return result;
  }

  /**
   * Runs sub-blocks, each in its own scope, and frees consumed activations at once. In training too: closing a
   * handle only drops our reference, autograd keeps what the backward pass needs (as Python's reference counting
   * does for PyTorch), whereas a scope over the whole step would keep every temporary of every block alive.
   */
  private static final class Step {
    private final ParameterStore ps;
    private final boolean training;

    Step(ParameterStore ps, boolean training) {
      this.ps = ps;
      this.training = training;
    }

    /** block(x); {@code consumed} (if not null) is freed afterwards. */
    NDArray run(Block block, NDArray x, NDArray consumed) {
      NDArray y = Scoped.compute(() -> block.forward(ps, new NDList(x), training).singletonOrThrow());
      release(consumed);
      return y;
    }

    void release(NDArray a) {
      if (a != null) a.close();
    }

    /** A head's logits, converted back to NCDHW. */
    NDArray head(Block head, NDArray x) {
      NDArray logits = run(head, x, null);
      NDArray out = Ops3d.fromDepthMajor(logits);
      release(logits);
      return out;
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    int n = allHeads ? 5 : 1;
    Shape[] out = new Shape[n];
    for (int h = 0; h < n; h++) {
      out[h] = new Shape(in.get(0), config.numClasses(), in.get(2) >> h, in.get(3) >> h, in.get(4) >> h); // NCDHW
    }
    return out;
  }

  /** Frees the weights (on a GPU also libtorch's cache of freed blocks, which other programs could not use). */
  @Override
  public void close() {
    boolean gpu = manager.getDevice().isGpu();
    manager.close();
    if (gpu) JniUtils.emptyCudaCache();
  }
}
