package org.mednext.predict;

/**
 * Memory ran out while a case was preprocessed or predicted; the message says how large the image was at the
 * model's spacing (for example "while predicting: the image, ... voxels of ... mm, is ... voxels at the model's
 * spacing ..."), which the JVM's own error cannot; or the GPU's memory ran out ({@link #onGpu}), where more Java
 * memory would not help.
 */
public final class PredictionOutOfMemoryError extends OutOfMemoryError {

  private static final long serialVersionUID = 1L;

  private final String stage;
  private final boolean onGpu;

  PredictionOutOfMemoryError(String stage, String message, boolean onGpu) {
    super(message);
    this.stage = stage;
    this.onGpu = onGpu;
  }

  /** Whether the GPU's memory ran out, not Java's. */
  public boolean onGpu() {
    return onGpu;
  }

  /** "preprocessing", "predicting" or "exporting" (where the probabilities asked for are made). */
  public String stage() {
    return stage;
  }
}
