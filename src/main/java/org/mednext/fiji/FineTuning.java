package org.mednext.fiji;

import ij.ImagePlus;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.mednext.model.DatasetJson;
import org.mednext.model.Labels;
import org.mednext.model.ModelFolder;
import org.mednext.task.Progress;
import org.mednext.train.EpochListener;
import org.mednext.train.Trainer;
import org.mednext.train.TrainingData;
import org.mednext.train.TrainingSetup;
import org.mednext.util.Checks;
import org.mednext.volume.ImagePlusVolumes;
import org.mednext.volume.Volume;
import org.mednext.volume.VolumeArrays;

/** Runs a {@link FineTuneRequest}: builds the training data from files or open images, trains, plots live. */
final class FineTuning {

  private FineTuning() {}

  static Trainer.Result run(FineTuneRequest r, Progress progress) throws IOException {
    TrainingData data = r.dataset().isPresent() ? TrainingData.open(r.dataset().get()) : fromImages(r);
    TrainingSetup setup = new TrainingSetup(data, r.output(), Optional.of(r.pretrained()), Optional.empty(), r.patch(),
        Optional.empty(), r.fold(), false);
    TrainingPlot plot = new TrainingPlot("MedNeXt-v2 fine-tuning: " + r.output().getFileName());
    boolean show = !GraphicsEnvironment.isHeadless();
    EpochListener live = (log, e) -> {
      plot.add(e.epoch(), e.trainLoss(), e.valLoss(), e.meanFgDice());
      if (show) plot.show();
    };
    return Trainer.train(setup, r.options(), progress, live);
  }

  /** Cases from open images; dataset.json's channels from the pretrained model, label names from it when they fit. */
  private static TrainingData fromImages(FineTuneRequest r) throws IOException {
    ModelFolder pretrained = ModelFolder.open(r.pretrained());
    DatasetJson base = pretrained.datasetJson();
    List<String> ids = new ArrayList<>();
    List<Volume<?>> images = new ArrayList<>();
    List<Volume<?>> labels = new ArrayList<>();
    TreeSet<Integer> values = new TreeSet<>();
    for (int i = 0; i < r.images().size(); i++) {
      ImagePlus image = r.images().get(i);
      ImagePlus label = r.labels().get(i);
      Volume<?> iv = ImagePlusVolumes.toVolume(image);
      Volume<?> lv = ImagePlusVolumes.toVolume(label);
      Checks.argument(java.util.Arrays.equals(iv.spatialSize(), lv.spatialSize()), "label image '%s' has another size "
          + "than image '%s'", label.getTitle(), image.getTitle());
      for (float v : VolumeArrays.channels(lv)[0]) values.add((int) v);
      ids.add(String.format(java.util.Locale.ROOT, "case_%03d", i));
      images.add(iv);
      labels.add(lv);
    }
    Labels known = base.labels();
    boolean fits = known.allLabels().containsAll(values);
    StringBuilder json = new StringBuilder("{\"channel_names\": {");
    for (int c = 0; c < base.channelNames().size(); c++) {
      json.append(c > 0 ? ", " : "").append('"').append(c).append("\": \"").append(base.channelNames().get(c)).append('"');
    }
    json.append("}, \"labels\": {");
    int max = values.isEmpty() ? 0 : values.last();
    for (int v = 0; v <= max; v++) {
      String name = v == 0 ? "background" : fits ? known.labelName(v).orElse("label_" + v) : "label_" + v;
      json.append(v > 0 ? ", " : "").append('"').append(name.replace("\"", "'")).append("\": ").append(v);
    }
    json.append("}, \"numTraining\": ").append(ids.size()).append(", \"file_ending\": \".nii.gz\"}");
    DatasetJson dataset = DatasetJson.parse(json.toString(), "dataset.json (from open images)", w -> {});
    return TrainingData.of(dataset, ids, images, labels);
  }
}
