package org.mednext.model;

import java.io.IOException;

/**
 * A model-folder file (dataset.json, plans.json, splits_final.json) or the folder layout is not what nnU-Net
 * writes. The message names the file (or folder), the JSON path where there is one, what is wrong and, where
 * possible, what to do.
 */
public final class ModelFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }

  /** "{@code source}: {@code jsonPath}: {@code problem}", leaving out an empty path. */
  static ModelFormatException at(String source, String jsonPath, String problem) {
    return new ModelFormatException(source + ": " + (jsonPath.isEmpty() ? "" : jsonPath + ": ") + problem);
  }
}
