#@ java.io.File (label = "Input folder (or file)", style = "both") input
#@ java.io.File (label = "Output folder", style = "directory") output
#@ java.io.File (label = "Model folder", style = "directory") model
#@ String (label = "Folds", value = "auto") folds
#@ Double (label = "Step size", value = 0.5) step_size
#@ Boolean (label = "Test-time mirroring", value = True) tta
#@ org.scijava.command.CommandService command
#@output String summary

# MedNeXt-v2 for Fiji, example Jython script: segments every case of a folder (NIfTI, TIFF, DICOM) into
# <case>.nii.gz files, exactly as "mednext predict" does, by running the Segment Files command.
# Headless: fiji --headless --run Segment_Folder.py 'input="/in",output="/out",model="/model"'

from org.mednext.fiji import SegmentFilesCommand

module = command.run(SegmentFilesCommand, True,
                     "input", input, "output", output, "model", model,
                     "folds", folds, "step_size", step_size, "tta", tta, "device", "auto").get()
if module.isCanceled():
    summary = "failed: " + module.getCancelReason()
else:
    summary = module.getOutput("summary")
print(summary)
