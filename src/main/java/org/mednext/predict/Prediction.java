package org.mednext.predict;

import org.mednext.preprocess.BoundingBox;
import org.mednext.volume.Geometry;
import org.mednext.volume.Reorientation;
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
 * @param properties what nnU-Net's properties file records of the case
 */
public record Prediction(short[] labels, int[] shape, Probabilities probabilities, StageTimes times,
    String imageReaderWriter, CaseProperties properties) {

  /** Seconds per stage of one prediction. */
  public record StageTimes(double preprocess, double predict, double export) {
    public double total() {
      return preprocess + predict + export;
    }
  }

  /**
   * The case as nnU-Net's preprocessing saw it, the contents of its {@code <case>.pkl} beside what the reader adds.
   *
   * @param spacing the input's spacing in the reader's (z, y, x) order, as the pipeline was given it
   * @param shapeBeforeCropping in the transposed order, as the following
   * @param boundingBox the crop box
   * @param shapeAfterCropping the cropped shape, before resampling
   * @param reorientation what a reorienting reader did to the file's voxels (identity for the others)
   */
  public record CaseProperties(double[] spacing, int[] shapeBeforeCropping, BoundingBox boundingBox,
      int[] shapeAfterCropping, Reorientation reorientation) {}

  /**
   * The labels moved back to the voxel order of a file of shape {@code fileShape} (z, y, x) by undoing {@code r}
   * (this prediction itself when {@code r} moved nothing); the probabilities stay where they are, as nnU-Net's.
   */
  Prediction movedBack(Reorientation r, int[] fileShape) {
    if (r.isIdentity()) return this;
    CaseProperties p = properties == null ? null : new CaseProperties(properties.spacing(),
        properties.shapeBeforeCropping(), properties.boundingBox(), properties.shapeAfterCropping(), r);
    return new Prediction(r.undo(labels, fileShape), fileShape, probabilities, times, imageReaderWriter, p);
  }

  /** The labels as a volume with the given (the input's) geometry: uint8 below 255 labels, else uint16. */
  public Volume<?> labelVolume(Geometry geometry) {
    return VolumeArrays.labels(labels, shape, geometry);
  }
}
