package org.mednext.fiji;

import java.io.File;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins &gt; MedNeXt-v2 &gt; Fine-tune: fine-tunes a pretrained model on an nnU-Net dataset folder or on open
 * image / label image pairs, with a live training plot; writes a model folder. Macro: {@code run("Fine-tune
 * (MedNeXt-v2)", "pretrained=[/models/base] output=[/models/mine] dataset=[/data/Dataset001] epochs=20 ...")}.
 */
@Plugin(type = Command.class, headless = true, menuPath = MenuPaths.FINE_TUNE,
    description = "Fine-tune a MedNeXt-v2 model on your labelled volumes")
public final class FineTuneCommand extends ContextCommand {

  @Parameter
  private MedNeXtService mednext;

  @Parameter(label = "Pretrained model folder", style = "directory")
  private File pretrained;

  @Parameter(label = "New model folder", style = "directory")
  private File output;

  @Parameter(required = false, persist = false, label = "Dataset folder (nnU-Net raw)", style = "directory",
      description = "dataset.json, imagesTr/, labelsTr/; leave empty to train on open images")
  private File dataset;

  @Parameter(required = false, persist = false, label = "Images (titles, comma-separated)")
  private String images = "";

  @Parameter(required = false, persist = false, label = "Label images (titles, same order)")
  private String label_images = "";

  @Parameter(persist = false, label = "Epochs", min = "1")
  private int epochs = 20;

  @Parameter(persist = false, label = "Iterations per epoch", min = "1")
  private int iterations = 25;

  @Parameter(persist = false, label = "Patch (z,y,x; empty: the model's)", required = false)
  private String patch = "";

  @Parameter(persist = false, label = "Optimizer", choices = {"sgd", "adamw"})
  private String optimizer = "sgd";

  @Parameter(persist = false, label = "Learning rate (0: default 1e-3)", min = "0")
  private double learning_rate = 0;

  @Parameter(persist = false, label = "Fold", description = "auto, all, or 0..4")
  private String fold = "auto";

  @Parameter(persist = false, label = "Device", choices = {"auto", "cpu", "gpu"})
  private String device = "auto";

  @Parameter(type = ItemIO.OUTPUT, label = "Result")
  private String result;

  @Override
  public void run() {
    try {
      result = mednext.fineTune(mednext.fineTuneRequest(pretrained, output, dataset, images, label_images, epochs,
          iterations, patch, optimizer, learning_rate, fold, device));
    } catch (Exception | OutOfMemoryError e) {
      cancel(mednext.reportError("Fine-tune", e));
    }
  }
}
