// MedNeXt-v2 for Fiji, example ImageJ macro: batch segmentation of every .tif in a folder.
// Saves <name>-labels.tif and <name>-labels-volumes.csv (label, name, voxels, volume in mL, mean, SD) per image.
//
// Interactive: Plugins > Macros > Run... and choose the folders.
// Headless / command line: the argument is "input folder|output folder|model folder[|options]", e.g.
//   fiji --headless -batch Segment_Folder.ijm "/data/in|/data/out|/models/Task01|folds=0 tta=false"
// Options are the macro keys of Segment Image (MedNeXt-v2): model, folds, step_size, tta, device.

args = getArgument();
options = "folds=auto step_size=0.5 tta=true device=auto";
if (args == "") {
  input = getDirectory("Folder with the images (.tif)");
  output = getDirectory("Folder for the label images");
  model = getDirectory("MedNeXt-v2 model folder");
} else {
  parts = split(args, "|");
  input = parts[0];
  output = parts[1];
  model = parts[2];
  if (parts.length > 3) options = parts[3];
}
if (!endsWith(input, File.separator)) input = input + File.separator;
if (!endsWith(output, File.separator)) output = output + File.separator;
File.makeDirectory(output);

setBatchMode(true);
files = getFileList(input);
done = 0;
for (i = 0; i < files.length; i++) {
  if (!endsWith(toLowerCase(files[i]), ".tif") && !endsWith(toLowerCase(files[i]), ".tiff")) continue;
  open(input + files[i]);
  run("Segment Image (MedNeXt-v2)", "model=[" + model + "] " + options);
  labels = getTitle();
  saveAs("Tiff", output + labels + ".tif");
  run("Label Statistics (MedNeXt-v2)", "intensity=[]"); // empty: measure the image the labels came from
  csv = File.open(output + labels + "-volumes.csv");
  print(csv, "label,name,voxels,volume_ml,mean,sd");
  for (r = 0; r < nResults; r++) {
    print(csv, getResult("Label", r) + "," + getResultString("Name", r) + "," + getResult("Voxels", r) + ","
        + d2s(getResult("Volume (mL)", r), 6) + "," + d2s(getResult("Mean", r), 4) + "," + d2s(getResult("SD", r), 4));
    print(files[i] + "\t" + getResultString("Name", r) + "\t" + d2s(getResult("Volume (mL)", r), 3) + " mL");
  }
  File.close(csv);
  close("*");
  done++;
}
print("MedNeXt-v2: segmented " + done + " image(s) into " + output);
