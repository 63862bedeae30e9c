package org.mednext.fiji;

import java.io.File;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins &gt; MedNeXt-v2 &gt; Model Info: network, parameter count, labels, spacing and folds of a model folder. */
@Plugin(type = Command.class, headless = true, menuPath = MenuPaths.MODEL_INFO,
    description = "Describe a MedNeXt-v2 nnU-Net model folder")
public final class ModelInfoCommand extends ContextCommand {

  @Parameter
  private MedNeXtService mednext;

  @Parameter(label = "Model folder", style = "directory")
  private File model;

  @Parameter(type = ItemIO.OUTPUT, label = "Model")
  private String info;

  @Override
  public void run() {
    try {
      info = mednext.describeModel(model.toPath()).text();
    } catch (Exception e) {
      cancel(mednext.reportError("Model Info", e));
    }
  }
}
