package org.mednext.torch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mednext.util.AtomicFiles;
import org.mednext.util.Checks;

/**
 * Reads and writes PyTorch {@code torch.save} checkpoints (the zip format of torch >= 1.6) without Python.
 *
 * <p>Reading never executes anything from the file: the pickle is interpreted by a restricted unpickler that
 * resolves only tensor rebuilding, {@code collections.OrderedDict}, {@code torch.device}, numpy scalars and
 * storage types, and refuses every other global with an {@link UnsafeCheckpointException}. Values map to Java as:
 * dict -> {@link java.util.LinkedHashMap} (insertion order kept), OrderedDict -> {@link OrderedDict},
 * list (and set) -> {@link java.util.ArrayList}, tuple -> {@link PyTuple}, str -> String, int -> Long (BigInteger
 * beyond 64 bits), float and numpy float -> Double, numpy int -> Long, bool -> Boolean, None -> null,
 * bytes -> byte[], torch.device -> {@link TorchDevice}, tensor and Parameter -> contiguous {@link TensorData}
 * (views are copied out of their shared storage; requires_grad is dropped).
 */
public final class TorchCheckpoint {

  private TorchCheckpoint() {}

  /**
   * The object {@code torch.save} stored in {@code file}, loaded to main memory.
   *
   * @throws UnsafeCheckpointException if the pickle refers to code; nothing was executed
   * @throws CheckpointException if the file is not a torch.save zip, or is truncated, corrupt or inconsistent
   * @throws IOException if the file cannot be read at all
   */
  public static Object read(Path file) throws IOException {
    Checks.notNull(file, "file");
    return CheckpointZipReader.read(file);
  }

  /**
   * Writes {@code root} the way {@code torch.save} does (pickle protocol 2, uncompressed zip with 64-byte aligned
   * storages), so that {@code torch.load} and {@code torch.load(..., weights_only=True)} read it. Supported values
   * are those {@link #read} returns plus Integer, Short, Byte and Float; any {@link java.util.Map} writes as a dict
   * and any {@link java.util.List} as a list. The file is written to a temporary file and renamed, so a failure
   * leaves no partial file and an existing {@code file} unchanged.
   *
   * @throws IllegalArgumentException for a value that cannot be written, naming where it is in {@code root}
   */
  public static void write(Path file, Object root) throws IOException {
    Checks.notNull(file, "file");
    Checks.argument(file.getFileName() != null, "not a file path: %s", file);
    Pickler pickler = new Pickler();
    byte[] pickle = pickler.pickle(root);
    List<TensorData> storages = pickler.storages();
    String folder = archiveName(file);
    AtomicFiles.write(file, out -> CheckpointZipWriter.write(out, folder, pickle, storages));
  }

  /** torch.save's folder name inside the zip: the file name without its extension. */
  static String archiveName(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    return stem.isEmpty() || stem.contains("/") || stem.contains("\\") ? "archive" : stem;
  }
}
