package org.mednext.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.mednext.model.DatasetJson;
import org.mednext.model.Labels;

/** dataset.json for a model folder, from a parsed {@link DatasetJson} (nnU-Net's keys and value forms). */
final class DatasetJsonWriter {

  private DatasetJsonWriter() {}

  static JsonObject toJson(DatasetJson d, int numTraining) {
    JsonObject o = new JsonObject();
    JsonObject channels = new JsonObject();
    for (int c = 0; c < d.channelNames().size(); c++) channels.addProperty(Integer.toString(c), d.channelNames().get(c));
    o.add("channel_names", channels);
    JsonObject labels = new JsonObject();
    for (Labels.Label l : d.labels().labels()) {
      if (l.values().size() == 1) {
        labels.addProperty(l.name(), l.values().get(0));
      } else {
        JsonArray a = new JsonArray();
        l.values().forEach(a::add);
        labels.add(l.name(), a);
      }
    }
    d.labels().ignoreLabel().ifPresent(v -> labels.addProperty("ignore", v));
    o.add("labels", labels);
    if (d.labels().hasRegions()) {
      JsonArray order = new JsonArray();
      d.labels().regionsClassOrder().forEach(order::add);
      o.add("regions_class_order", order);
    }
    o.addProperty("numTraining", numTraining);
    o.addProperty("file_ending", d.fileEnding());
    d.overwriteImageReaderWriter().ifPresent(r -> o.addProperty("overwrite_image_reader_writer", r));
    return o;
  }
}
