package org.mednext.fiji;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins &gt; MedNeXt-v2 &gt; Label Statistics: per label of the active label image, its name, voxel count,
 * volume in mL and the intensity mean and standard deviation, in ImageJ's Results table.
 */
@Plugin(type = Command.class, headless = true, menuPath = MenuPaths.LABEL_STATISTICS,
    description = "Measure every label of a label image")
public final class LabelStatisticsCommand extends ContextCommand {

  @Parameter
  private MedNeXtService mednext;

  @Parameter(label = "Label image")
  private ImagePlus labels;

  @Parameter(persist = false, label = "Intensity image (title)", required = false,
      description = "title of the image to measure; empty: the image the labels were predicted from")
  private String intensity = "";

  @Parameter(type = ItemIO.OUTPUT, label = "Statistics")
  private ResultsTable statistics;

  @Override
  public void run() {
    try {
      statistics = mednext.labelStatistics(labels, intensity);
      mednext.showResults(statistics); // Fiji has no display for ResultsTable outputs
    } catch (Exception e) {
      cancel(mednext.reportError("Label Statistics", e));
    }
  }
}
