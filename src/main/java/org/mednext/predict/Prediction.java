package org.mednext.predict;

import org.mednext.volume.Geometry;
import org.mednext.volume.Volume;
import org.mednext.volume.VolumeArrays;

/**
 * The result of predicting one case, on the input's grid.
 *
 * @param labels label per voxel, (z, y, x) C order (the input image's memory order)
 * @param shape (z, y, x)
 * @param probabilities per class on the same grid (each class's map made on request), or null when not requested
 * @param times seconds spent per stage
 * @param imageReaderWriter the model's nnU-Net reader/writer class ({@code image_reader_writer} of its plans, e.g.
 *     {@code SimpleITKIO} or {@code NibabelIO}), whose header conventions the label file follows
 */
public record Prediction(short[] labels, int[] shape, Probabilities probabilities, StageTimes times,
    String imageReaderWriter) {

  /** Seconds per stage of one prediction. */
  public record StageTimes(double preprocess, double predict, double export) {
    public double total() {
      return preprocess + predict + export;
    }
  }

  /** The same prediction with other labels of another shape (moved back to a file's voxel order). */
  Prediction withLabels(short[] newLabels, int[] newShape) {
    return new Prediction(newLabels, newShape, probabilities, times, imageReaderWriter);
  }

  /** The labels as a volume with the given (the input's) geometry: uint8 below 255 labels, else uint16. */
  public Volume<?> labelVolume(Geometry geometry) {
    return VolumeArrays.labels(labels, shape, geometry);
  }
}
