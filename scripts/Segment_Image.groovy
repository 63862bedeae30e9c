#@ ij.ImagePlus (label = "Image") image
#@ java.io.File (label = "Model folder", style = "directory") model
#@ String (label = "Folds", value = "auto", description = "auto, all, or fold numbers such as 0 or 0,1,2") folds
#@ Double (label = "Step size", value = 0.5, min = 0.05, max = 1) step_size
#@ Boolean (label = "Test-time mirroring", value = true) tta
#@ org.mednext.fiji.MedNeXtService mednext
#@output ij.ImagePlus labels

// MedNeXt-v2 for Fiji, example Groovy script: segments an image and reports the volume of each label.
// In Fiji: open an image, then File > Open... this script and press Run (or drop it on the Fiji window).
// Types are fully qualified so that the script also runs where Fiji's short aliases are missing.

def options = mednext.options(folds, step_size, tta, "auto")
labels = mednext.segment(image, model.toPath(), options)

def table = mednext.labelStatistics(labels, "")
for (int row = 0; row < table.size(); row++) {
  printf("%-20s %10.3f mL%n", table.getStringValue("Name", row), table.getValue("Volume (mL)", row))
}
