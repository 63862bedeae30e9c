package org.mednext.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mednext.torch.CheckpointException;
import org.mednext.torch.PyTuple;
import org.mednext.torch.StateDict;
import org.mednext.torch.TensorData;
import org.mednext.torch.TorchCheckpoint;

/**
 * A checkpoint in nnU-Net's layout ({@code fold_X/checkpoint_final.pth}: {@code network_weights},
 * {@code trainer_name}, {@code init_args}, {@code inference_allowed_mirroring_axes}, ...), or a bare state dict
 * (then the nnU-Net fields are absent). Read through the restricted unpickler of {@link TorchCheckpoint}.
 *
 * @param file where it was read from
 * @param weights state dict, prefixes {@code module.} / {@code _orig_mod.} stripped, in file order
 * @param trainerName {@code trainer_name}, if present
 * @param configuration {@code init_args.configuration} (e.g. {@code 3d_fullres}), if present
 * @param mirrorAxes {@code inference_allowed_mirroring_axes}: empty when the key is absent, an empty array when
 *     the trainer disallows mirroring ({@code None})
 * @param epoch {@code current_epoch}, or -1
 * @param root the whole unpickled object (for resuming training)
 */
public record NnUnetCheckpoint(
    Path file,
    Map<String, TensorData> weights,
    Optional<String> trainerName,
    Optional<String> configuration,
    Optional<int[]> mirrorAxes,
    long epoch,
    Map<?, ?> root) {

  /**
   * Reads {@code file}.
   *
   * @throws CheckpointException for unsafe, corrupt or unrecognised files (message names the file)
   */
  public static NnUnetCheckpoint read(Path file) throws IOException {
    Object root = TorchCheckpoint.read(file);
    LinkedHashMap<String, TensorData> weights;
    try {
      weights = StateDict.networkWeights(root);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file + ": " + e.getMessage());
    }
    if (!(root instanceof Map<?, ?> map)) {
      return new NnUnetCheckpoint(file, weights, Optional.empty(), Optional.empty(), Optional.empty(), -1, Map.of());
    }
    Optional<String> trainer = map.get("trainer_name") instanceof String s ? Optional.of(s) : Optional.empty();
    Optional<String> configuration = Optional.empty();
    if (map.get("init_args") instanceof Map<?, ?> init && init.get("configuration") instanceof String c) {
      configuration = Optional.of(c);
    }
    Optional<int[]> axes = Optional.empty();
    if (map.containsKey("inference_allowed_mirroring_axes")) {
      axes = Optional.of(axes(file, map.get("inference_allowed_mirroring_axes")));
    }
    long epoch = map.get("current_epoch") instanceof Long l ? l : -1;
    return new NnUnetCheckpoint(file, Collections.unmodifiableMap(weights), trainer, configuration, axes, epoch,
        Collections.unmodifiableMap(map));
  }

  private static int[] axes(Path file, Object value) throws CheckpointException {
    if (value == null) return new int[0];
    List<?> items = value instanceof PyTuple t ? t.items() : value instanceof List<?> l ? l : null;
    if (items == null) throw new CheckpointException(file + ": inference_allowed_mirroring_axes is not a tuple: " + value);
    int[] out = new int[items.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(items.get(i) instanceof Long v) || v < 0 || v > 2) {
        throw new CheckpointException(file + ": inference_allowed_mirroring_axes has an entry that is not a spatial axis 0..2: " + value);
      }
      out[i] = (int) (long) v;
    }
    return out;
  }

  /**
   * The axes prediction mirrors over, as nnU-Net's predictor takes them from the (first) checkpoint: the value of
   * {@code inference_allowed_mirroring_axes}; none when a checkpoint in nnU-Net's layout lacks the key (nnU-Net then
   * sets them to {@code None} and does not mirror); all three spatial axes for a bare state dict, which nnU-Net
   * cannot load and which says nothing about mirroring.
   */
  public int[] inferenceMirrorAxes() {
    if (mirrorAxes.isPresent()) return mirrorAxes.get().clone();
    return root.containsKey("network_weights") ? new int[0] : new int[] {0, 1, 2};
  }

  /** Key -> shape of every weight, in file order. */
  public Map<String, long[]> shapes() {
    Map<String, long[]> out = new LinkedHashMap<>();
    weights.forEach((k, t) -> out.put(k, t.shape()));
    return out;
  }

  /** Every weight as float32 values (any stored dtype converted exactly). */
  public Map<String, float[]> floatWeights() {
    Map<String, float[]> out = new LinkedHashMap<>();
    weights.forEach((k, t) -> out.put(k, t.toFloatArray()));
    return out;
  }
}
