package org.mednext.torch;

import java.util.Locale;

/**
 * Where an unpickler is (file, zip entry, byte offset of the current opcode), to put into every error message.
 */
final class PickleContext {

  private final String file;
  private final String entry;
  /** Byte offset of the opcode being executed. */
  int opOffset;

  PickleContext(String file, String entry) {
    this.file = file;
    this.entry = entry;
  }

  String file() {
    return file;
  }

  /** "what (at byte N of entry)", prefixed by the file. */
  CheckpointException fail(String format, Object... args) {
    return new CheckpointException(String.format(Locale.ROOT, "%s: %s (at byte %d of %s)",
        file, String.format(Locale.ROOT, format, args), opOffset, entry));
  }

  /** The refusal of a reference to code, named {@code what} (e.g. "pickle global 'os.system'"). */
  UnsafeCheckpointException unsafe(String what) {
    return new UnsafeCheckpointException(String.format(Locale.ROOT, "%s: refused %s at byte %d of %s: only "
        + "tensors and plain data (dict, list, tuple, str, int, float, bool, None, torch.device, numpy scalars) "
        + "are accepted in a checkpoint; nothing in the file was executed", file, what, opOffset, entry));
  }
}
