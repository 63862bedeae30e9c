package org.mednext.fiji;

import ij.ImagePlus;
import java.io.File;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins &gt; MedNeXt-v2 &gt; Segment Image: segments the active image with a model folder. Macro:
 * {@code run("Segment Image (MedNeXt-v2)", "model=[/path/to/model] folds=auto step_size=0.5 tta=true device=auto")}.
 */
@Plugin(type = Command.class, headless = true, menuPath = MenuPaths.SEGMENT_IMAGE,
    description = "Segment the image with a MedNeXt-v2 nnU-Net model folder")
public final class SegmentImageCommand extends ContextCommand {

  @Parameter
  private MedNeXtService mednext;

  @Parameter(label = "Image")
  private ImagePlus image;

  @Parameter(label = "Model folder", style = "directory",
      description = "nnU-Net model folder with dataset.json, plans.json and fold_N/checkpoint_final.pth")
  private File model;

  @Parameter(persist = false, required = false, label = "Previous stage (cascades only)",
      description = "for the second stage of a cascade (3d_cascade_fullres): the title of the open image with the "
          + "first stage's segmentation of this image; leave empty otherwise")
  private String previous_stage = "";

  @Parameter(persist = false, label = "Folds",
      description = "auto (all fold folders), all (fold_all), or numbers such as 0 or 0,1,2")
  private String folds = "auto";

  @Parameter(persist = false, label = "Step size", min = "0.05", max = "1", stepSize = "0.05",
      description = "tile step as a fraction of the patch; larger is faster")
  private double step_size = 0.5;

  @Parameter(persist = false, label = "Test-time mirroring",
      description = "average over mirrored copies (more accurate, up to 8x slower)")
  private boolean tta = true;

  @Parameter(persist = false, label = "Device", choices = {"auto", "cpu", "gpu"})
  private String device = "auto";

  @Parameter(type = ItemIO.OUTPUT, label = "Labels")
  private ImagePlus labels;

  @Override
  public void run() {
    try {
      ImagePlus previous = LabelImages.openImage(previous_stage, "the previous stage's segmentation");
      labels = mednext.segment(image, previous, model.toPath(), mednext.options(folds, step_size, tta, device), null);
    } catch (Exception | OutOfMemoryError e) {
      cancel(mednext.reportError("Segment Image", e));
    }
  }
}
