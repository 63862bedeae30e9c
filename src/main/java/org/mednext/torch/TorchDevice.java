package org.mednext.torch;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mednext.util.Checks;

/**
 * A pickled {@code torch.device}, such as {@code cuda}, {@code cuda:0} or {@code cpu}. Only recorded, never used
 * to place tensors: {@link TorchCheckpoint#read} always loads to main memory.
 *
 * @param type device type, e.g. "cuda" or "cpu"
 * @param index device index, or -1 when none was given (torch's {@code index} is then None)
 */
public record TorchDevice(String type, int index) {

  private static final Pattern SPEC = Pattern.compile("([a-z][a-z0-9_]*)(?::(\\d{1,9}))?");

  /** Checks the type's spelling and that {@code index >= -1}. */
  public TorchDevice {
    Checks.notNull(type, "type");
    Checks.argument(type.matches("[a-z][a-z0-9_]*"), "not a torch device type: '%s'", type);
    Checks.argument(index >= -1, "device index must be >= 0, or -1 for none: %d", index);
  }

  /** Parses torch's string form, e.g. "cuda:1" or "cpu". */
  public static TorchDevice parse(String spec) {
    Checks.notNull(spec, "spec");
    Matcher m = SPEC.matcher(spec);
    Checks.argument(m.matches(), "not a torch device: '%s' (expected e.g. 'cuda', 'cuda:0' or 'cpu')", spec);
    return new TorchDevice(m.group(1), m.group(2) == null ? -1 : Integer.parseInt(m.group(2)));
  }

  /** Torch's string form: "cuda:0", or "cuda" without an index. */
  @Override
  public String toString() {
    return index < 0 ? type : type + ":" + index;
  }
}
