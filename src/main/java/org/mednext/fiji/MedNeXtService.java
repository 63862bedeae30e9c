package org.mednext.fiji;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import org.mednext.predict.PredictorOptions;
import org.mednext.task.CancelledException;
import org.mednext.task.Progress;
import org.scijava.service.SciJavaService;

/**
 * MedNeXt-v2 in Fiji: what the commands, the ImageJ 1.x menu entries and scripts share. Keeps the last model
 * open between runs, reports long work as a cancellable SciJava task, and turns predictions into ImageJ images
 * with the source's calibration, a label LUT and the label names. Long methods run on the calling thread and throw
 * {@link CancelledException} when the user cancels; nothing half-written is left behind.
 */
public interface MedNeXtService extends SciJavaService {

  /**
   * Prediction options from the commands' settings; threads from ImageJ's Edit &gt; Options &gt; Memory &amp; Threads.
   *
   * @param folds "auto" (every fold folder with a checkpoint), "all" (fold_all) or fold numbers "0" / "0,1,2"
   * @param stepSize tile step as a fraction of the patch, in (0, 1]
   * @param tta test-time mirroring
   * @param device "auto", "cpu" or "gpu"
   * @throws IllegalArgumentException for values out of range, naming the setting
   */
  PredictorOptions options(String folds, double stepSize, boolean tta, String device);

  /**
   * Segments an ImageJ image (8-, 16- or 32-bit stack; calibration = voxel spacing; channels or frames = model
   * channels).
   *
   * @return the label image: same size and calibration, label LUT, names in its properties
   * @throws IOException when the model folder cannot be read
   */
  ImagePlus segment(ImagePlus image, Path modelFolder, PredictorOptions options) throws IOException;

  /** As {@link #segment(ImagePlus, Path, PredictorOptions)}, also reporting to {@code progress}, which may cancel. */
  default ImagePlus segment(ImagePlus image, Path modelFolder, PredictorOptions options, Progress progress)
      throws IOException {
    return segment(image, null, modelFolder, options, progress);
  }

  /**
   * As {@link #segment(ImagePlus, Path, PredictorOptions, Progress)}, for the second stage of a cascade
   * ({@code 3d_cascade_fullres}): {@code previousStage} is the first stage's segmentation of {@code image} (the same
   * size), e.g. the labels that Segment Image made with the {@code 3d_lowres} model.
   *
   * @param previousStage that label image, or null for a model of one stage
   */
  ImagePlus segment(ImagePlus image, ImagePlus previousStage, Path modelFolder, PredictorOptions options,
      Progress progress) throws IOException;

  /**
   * Segments an ImgLib2 image.
   *
   * @param image (x, y, z) or (x, y, z, c), starting at 0
   * @param spacing voxel size (x, y, z) in mm
   * @return labels (x, y, z)
   */
  default Img<UnsignedShortType> segment(RandomAccessibleInterval<? extends RealType<?>> image, double[] spacing,
      Path modelFolder, PredictorOptions options) throws IOException {
    return segment(image, null, spacing, modelFolder, options);
  }

  /**
   * As {@link #segment(RandomAccessibleInterval, double[], Path, PredictorOptions)}, for the second stage of a cascade:
   * {@code previousStage} is the first stage's label image (x, y, z) of {@code image}.
   *
   * @param previousStage that label image, or null for a model of one stage
   */
  Img<UnsignedShortType> segment(RandomAccessibleInterval<? extends RealType<?>> image,
      RandomAccessibleInterval<? extends RealType<?>> previousStage, double[] spacing, Path modelFolder,
      PredictorOptions options) throws IOException;

  /**
   * Segments files as {@code mednext predict} does: {@code input} is a volume file, a DICOM series folder or a
   * folder of cases; writes {@code <case>.nii.gz} (and {@code <case>.npz} with probabilities) into
   * {@code outputFolder}. A case that fails is reported and the others go on.
   *
   * @param skipExisting leave cases whose label file exists
   * @param progress also told of progress (may cancel), or null
   */
  default BatchResult segmentFiles(Path input, Path outputFolder, Path modelFolder, PredictorOptions options,
      boolean skipExisting, Progress progress) throws IOException {
    return segmentFiles(input, outputFolder, modelFolder, null, options, skipExisting, progress);
  }

  /**
   * As {@link #segmentFiles(Path, Path, Path, PredictorOptions, boolean, Progress)}, for the second stage of a cascade
   * ({@code 3d_cascade_fullres}): {@code previousStage} is the folder with the first stage's segmentations of the same
   * cases ({@code <case>.nii.gz}), as {@code mednext predict -prev_stage_predictions} takes it.
   *
   * @param previousStage that folder, or null for a model of one stage
   */
  BatchResult segmentFiles(Path input, Path outputFolder, Path modelFolder, Path previousStage,
      PredictorOptions options, boolean skipExisting, Progress progress) throws IOException;

  /** What a model folder holds (network, parameters, labels, spacing, folds); reads files only. */
  ModelSummary describeModel(Path modelFolder) throws IOException;

  /**
   * Per-label voxel count, volume (mL) and intensity mean and standard deviation.
   *
   * @param labels a label image
   * @param intensityTitle title of the intensity image; empty: the image the labels were predicted from
   */
  ResultsTable labelStatistics(ImagePlus labels, String intensityTitle);

  /**
   * Makes {@code table} ImageJ's Results table, which macros read with {@code nResults} and {@code getResult}, and
   * shows it unless headless.
   */
  void showResults(ResultsTable table);

  /**
   * Shows the intensity image with the label overlay in 3D.
   *
   * @param viewer "auto" (BigDataViewer when installed, else ImageJ), "BigDataViewer" or "ImageJ"
   * @return the viewer used
   * @throws IllegalArgumentException when headless, or the images do not fit together
   */
  String showPreview(ImagePlus labels, String intensityTitle, String viewer);

  /**
   * Tells the user that {@code command} failed: one dialog, or one stderr line when headless. The stack trace goes
   * to the log at debug level, or, for an internal error with a screen, as an error (Fiji's Console). A
   * cancellation is only noted in the status bar.
   *
   * @return the message shown
   */
  String reportError(String command, Throwable error);

  /**
   * A fine-tuning request from the Fine-tune command's settings.
   *
   * @param dataset nnU-Net raw dataset folder, or null to use open images
   * @param images titles of open intensity images, comma-separated (when no dataset)
   * @param labelImages titles of their label images, same order
   * @param patch "z,y,x" or empty for the pretrained plans' patch
   * @param learningRate 0 for the default
   * @param fold "auto", "all" or "0".."4"
   * @throws IllegalArgumentException for unknown image titles and values out of range, naming them
   */
  FineTuneRequest fineTuneRequest(File pretrained, File output, File dataset, String images, String labelImages,
      int epochs, int iterations, String patch, String optimizer, double learningRate, String fold, String device);

  /**
   * Fine-tunes as {@code mednext train --pretrained} does, with a cancellable task and, unless headless, a live plot
   * of losses and pseudo-Dice per epoch.
   *
   * @return a one-line summary (model folder, validation Dice per label)
   */
  String fineTune(FineTuneRequest request) throws IOException;

  /** Closes the cached model (frees its memory); the next segmentation loads it again. */
  void releaseModels();
}
