package org.mednext.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.Prefs;
import ij.WindowManager;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import ij.text.TextWindow;
import java.awt.GraphicsEnvironment;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.mednext.predict.PredictorOptions;

/**
 * The menu entries of plain ImageJ 1.x (registered by plugins.config; Fiji uses the SciJava commands instead).
 * Each entry reads the same keys as its SciJava command (from the macro options, or a dialog), calls the
 * {@link MedNeXtService}, shows progress in the status bar (Esc cancels) and reports errors in one dialog, or one
 * stderr line when headless. The argument picks the command: segment, files, info, statistics, preview.
 */
public final class ImageJ1Commands implements PlugIn {

  private static final String MODEL_PREF = "mednext.model";
  private static final String[] DEVICES = {"auto", "cpu", "gpu"};
  private static final String[] VIEWERS = {"auto", "BigDataViewer", "ImageJ"};

  /** Work that may fail. */
  @FunctionalInterface
  private interface Action {
    void run(MedNeXtService mednext) throws Exception;
  }

  @Override
  public void run(String arg) {
    switch (arg == null ? "" : arg) {
      case "segment" -> segmentImage();
      case "files" -> segmentFiles();
      case "info" -> modelInfo();
      case "statistics" -> labelStatistics();
      case "preview" -> showPreview();
      default -> IJ.error("MedNeXt-v2", "unknown command argument '" + arg + "'");
    }
  }

  /** The dialog of Segment Image (also used by the key-consistency test). */
  static MacroForm segmentImageForm() {
    return predictionFields(new MacroForm(MenuPaths.name(MenuPaths.SEGMENT_IMAGE))
        .directory("model", "Model folder", Prefs.get(MODEL_PREF, ""))
        .string("previous_stage", "Previous_stage image (title; cascades only, else empty)", ""));
  }

  static MacroForm segmentFilesForm() {
    return predictionFields(new MacroForm(MenuPaths.name(MenuPaths.SEGMENT_FILES))
        .file("input", "Input (file or folder)", "")
        .directory("output", "Output folder", "")
        .directory("model", "Model folder", Prefs.get(MODEL_PREF, ""))
        .directory("previous_stage", "Previous_stage folder (cascades only; else empty)", ""))
        .flag("probabilities", "Probabilities (save .npz)", false)
        .flag("skip_existing", "Skip_existing cases", false);
  }

  static MacroForm modelInfoForm() {
    return new MacroForm(MenuPaths.name(MenuPaths.MODEL_INFO))
        .directory("model", "Model folder", Prefs.get(MODEL_PREF, ""));
  }

  static MacroForm labelStatisticsForm() {
    return new MacroForm(MenuPaths.name(MenuPaths.LABEL_STATISTICS))
        .string("intensity", "Intensity image (title; empty: the segmented image)", "");
  }

  static MacroForm showPreviewForm() {
    return new MacroForm(MenuPaths.name(MenuPaths.SHOW_PREVIEW))
        .string("intensity", "Intensity image (title; empty: the segmented image)", "")
        .choice("viewer", "Viewer", VIEWERS, "auto");
  }

  private static MacroForm predictionFields(MacroForm form) {
    return form.string("folds", "Folds (auto, all, or 0,1,...)", "auto")
        .number("step_size", "Step_size (fraction of the patch)", 0.5)
        .flag("tta", "TTA (test-time mirroring)", true)
        .choice("device", "Device", DEVICES, "auto");
  }

  private void segmentImage() {
    ImagePlus image = WindowManager.getCurrentImage();
    if (image == null) {
      IJ.noImage();
      return;
    }
    MacroForm f = segmentImageForm();
    if (!f.read()) return;
    run(MenuPaths.SEGMENT_IMAGE, m -> {
      ImagePlus previous = LabelImages.openImage(f.get("previous_stage"), "the previous stage's segmentation");
      ImagePlus labels = m.segment(image, previous, model(f), m.options(f.get("folds"), f.number("step_size"),
          f.flag("tta"), f.get("device")), new ImageJProgress());
      labels.show();
    });
  }

  private void segmentFiles() {
    MacroForm f = segmentFilesForm();
    if (!f.read()) return;
    run(MenuPaths.SEGMENT_FILES, m -> {
      Path output = Paths.get(f.get("output"));
      String previous = f.get("previous_stage");
      PredictorOptions options = m.options(f.get("folds"), f.number("step_size"), f.flag("tta"), f.get("device"))
          .withProbabilities(f.flag("probabilities"));
      BatchResult r = m.segmentFiles(Paths.get(f.get("input")), output, model(f),
          previous.isBlank() ? null : Paths.get(previous), options, f.flag("skip_existing"), new ImageJProgress());
      IJ.log("MedNeXt-v2: " + r.summary(output));
      if (!r.failed().isEmpty()) throw new java.io.IOException(r.summary(output));
    });
  }

  private void modelInfo() {
    MacroForm f = modelInfoForm();
    if (!f.read()) return;
    run(MenuPaths.MODEL_INFO, m -> {
      ModelSummary summary = m.describeModel(model(f));
      if (GraphicsEnvironment.isHeadless() || IJ.getInstance() == null) {
        IJ.log(summary.text());
      } else {
        StringBuilder rows = new StringBuilder();
        for (String[] row : summary.rows()) rows.append(row[0]).append('\t').append(row[1]).append('\n');
        new TextWindow("MedNeXt-v2 Model Info", "Property\tValue", rows.toString(), 760, 300);
      }
    });
  }

  private void labelStatistics() {
    ImagePlus labels = WindowManager.getCurrentImage();
    if (labels == null) {
      IJ.noImage();
      return;
    }
    MacroForm f = labelStatisticsForm();
    if (!f.read()) return;
    run(MenuPaths.LABEL_STATISTICS, m -> m.showResults(m.labelStatistics(labels, f.get("intensity"))));
  }

  private void showPreview() {
    ImagePlus labels = WindowManager.getCurrentImage();
    if (labels == null) {
      IJ.noImage();
      return;
    }
    MacroForm f = showPreviewForm();
    if (!f.read()) return;
    run(MenuPaths.SHOW_PREVIEW, m -> m.showPreview(labels, f.get("intensity"), f.get("viewer")));
  }

  private static Path model(MacroForm f) {
    String model = f.get("model");
    if (model.isBlank()) throw new IllegalArgumentException("choose a model folder (model=[/path/to/model])");
    Prefs.set(MODEL_PREF, model);
    return Paths.get(model);
  }

  /** Runs {@code action}; a failure is reported once and stops the calling macro. */
  private static void run(String menuPath, Action action) {
    MedNeXtService mednext;
    try {
      mednext = LegacyContext.service();
    } catch (RuntimeException | LinkageError e) {
      IJ.error("MedNeXt-v2", "could not start the MedNeXt service: " + Errors.message(e));
      return;
    }
    try {
      action.run(mednext);
    } catch (Exception | OutOfMemoryError e) {
      mednext.reportError(MenuPaths.name(menuPath), e);
      if (IJ.isMacro()) {
        Interpreter.abort(); // stops a macro run from any thread; Macro.abort() then throws on macro threads
        Macro.abort();
      }
    }
  }
}
