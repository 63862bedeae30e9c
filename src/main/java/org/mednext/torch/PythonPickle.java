package org.mednext.torch;

import java.io.IOException;
import java.nio.file.Path;
import org.mednext.util.AtomicFiles;
import org.mednext.util.Checks;

/**
 * A plain pickle file (no zip, no tensors), as Python's {@code pickle.dump} writes one: for nnU-Net's properties
 * files. Values as {@link TorchCheckpoint#write} takes them, plus {@link NumpyArray}.
 */
public final class PythonPickle {

  private PythonPickle() {}

  /**
   * Writes {@code root} to {@code file} through a temporary file and a rename.
   *
   * @throws IllegalArgumentException for a value that cannot be written (tensors among them: those need
   *     {@link TorchCheckpoint#write}), naming where it sits in {@code root}
   */
  public static void write(Path file, Object root) throws IOException {
    try (AtomicFiles.Pending pending = prepare(file, root)) {
      pending.commit();
    }
  }

  /** As {@link #write}, but leaves the file in its temporary file for the caller to commit. */
  public static AtomicFiles.Pending prepare(Path file, Object root) throws IOException {
    Pickler pickler = new Pickler(true);
    byte[] pickle = pickler.pickle(root);
    Checks.argument(pickler.storages().isEmpty(), "a plain pickle cannot hold tensors; use TorchCheckpoint.write");
    return AtomicFiles.prepare(file, out -> out.write(pickle));
  }
}
