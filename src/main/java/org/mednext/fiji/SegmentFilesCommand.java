package org.mednext.fiji;

import java.io.File;
import java.nio.file.Path;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins &gt; MedNeXt-v2 &gt; Segment Files: {@code mednext predict} from Fiji. Reads a volume file, a DICOM
 * series folder or a folder of cases; writes {@code <case>.nii.gz} per case into the output folder. Headless:
 * {@code fiji --headless --run "Segment Files (MedNeXt-v2)" 'input="/in",output="/out",model="/model"'}.
 */
@Plugin(type = Command.class, headless = true, menuPath = MenuPaths.SEGMENT_FILES,
    description = "Segment NIfTI/TIFF/DICOM files with a MedNeXt-v2 nnU-Net model folder")
public final class SegmentFilesCommand extends ContextCommand {

  @Parameter
  private MedNeXtService mednext;

  @Parameter(persist = false, label = "Input (file or folder)", style = "both",
      description = "a NIfTI/TIFF/DICOM file, a DICOM series folder, or a folder of cases (CASE_0000.nii.gz, ...)")
  private File input;

  @Parameter(persist = false, label = "Output folder", style = "directory")
  private File output;

  @Parameter(label = "Model folder", style = "directory")
  private File model;

  @Parameter(persist = false, required = false, label = "Previous stage (cascades only)", style = "directory",
      description = "for the second stage of a cascade (3d_cascade_fullres): the folder with the first stage's "
          + "segmentations of the same cases (<case>.nii.gz); leave empty otherwise")
  private File previous_stage;

  @Parameter(persist = false, label = "Folds",
      description = "auto (all fold folders), all (fold_all), or numbers such as 0 or 0,1,2")
  private String folds = "auto";

  @Parameter(persist = false, label = "Step size", min = "0.05", max = "1", stepSize = "0.05")
  private double step_size = 0.5;

  @Parameter(persist = false, label = "Test-time mirroring")
  private boolean tta = true;

  @Parameter(persist = false, label = "Device", choices = {"auto", "cpu", "gpu"})
  private String device = "auto";

  @Parameter(persist = false, label = "Save probabilities (.npz)")
  private boolean probabilities = false;

  @Parameter(persist = false, label = "Skip cases already segmented")
  private boolean skip_existing = false;

  @Parameter(type = ItemIO.OUTPUT, label = "Summary")
  private String summary;

  @Override
  public void run() {
    try {
      Path previous = previous_stage == null || previous_stage.getPath().isEmpty() ? null : previous_stage.toPath();
      BatchResult r = mednext.segmentFiles(input.toPath(), output.toPath(), model.toPath(), previous,
          mednext.options(folds, step_size, tta, device).withProbabilities(probabilities), skip_existing, null);
      summary = r.summary(output.toPath());
      if (!r.failed().isEmpty()) cancel(mednext.reportError("Segment Files", new java.io.IOException(summary)));
    } catch (Exception | OutOfMemoryError e) {
      cancel(mednext.reportError("Segment Files", e));
    }
  }
}
