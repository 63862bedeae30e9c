package org.mednext.fiji;

import ij.ImagePlus;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins &gt; MedNeXt-v2 &gt; Show Preview: the intensity image with the active label image as a coloured overlay,
 * in BigDataViewer when Fiji has it, else as an ImageJ composite with Orthogonal Views. Needs a screen.
 */
@Plugin(type = Command.class, menuPath = MenuPaths.SHOW_PREVIEW,
    description = "Show the image with the label overlay in 3D")
public final class ShowPreviewCommand extends ContextCommand {

  @Parameter
  private MedNeXtService mednext;

  @Parameter(label = "Label image")
  private ImagePlus labels;

  @Parameter(persist = false, label = "Intensity image (title)", required = false,
      description = "title of the grey image; empty: the image the labels were predicted from")
  private String intensity = "";

  @Parameter(persist = false, label = "Viewer", choices = {"auto", "BigDataViewer", "ImageJ"})
  private String viewer = "auto";

  @Override
  public void run() {
    try {
      mednext.showPreview(labels, intensity, viewer);
    } catch (Exception e) {
      cancel(mednext.reportError("Show Preview", e));
    }
  }
}
