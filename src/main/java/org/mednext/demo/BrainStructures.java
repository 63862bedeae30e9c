package org.mednext.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mednext.io.NiftiWriter;
import org.mednext.io.VolumeFormats;
import org.mednext.util.AtomicFiles;
import org.mednext.volume.Volume;
import org.mednext.volume.VolumeArrays;

/**
 * The demo's training data: the Colin27 T1 head ({@code ch2}) with three structures merged from the AAL atlas
 * that lies on the same grid (both from Debian's mricron-data, see sample-data/README.md): cerebral cortex (all
 * cortical AAL regions), cerebellum (hemispheres and vermis), deep grey matter (caudate, putamen, pallidum,
 * thalamus), left and right together. AAL's region codes name the lobe in their thousands digit (2 frontal,
 * 3 insula and cingulate, 4 limbic, 5 occipital, 6 parietal, 7 central grey, 8 temporal, 9 cerebellum).
 * (Single lobes are not told apart by local appearance; a tiny CPU-trained network learns these three.)
 */
public final class BrainStructures {

  /** Label names by value, background first. */
  public static final List<String> LABELS = List.of("background", "cerebral_cortex", "cerebellum", "deep_grey");

  private static final Map<Integer, Integer> STRUCTURE_BY_THOUSANDS = Map.of(2, 1, 3, 1, 4, 1, 5, 1, 6, 1, 8, 1, 9, 2, 7, 3);

  private BrainStructures() {}

  /** The folder of the bundled Colin27/AAL sample. */
  public static Path sampleFolder(Path repo) {
    return repo.resolve("sample-data").resolve("mricron-colin27-aal");
  }

  /**
   * Writes an nnU-Net raw dataset ({@code dataset.json}, {@code imagesTr/ch2_0000.nii.gz}, {@code
   * labelsTr/ch2.nii.gz}) built from the sample folder into {@code out}.
   */
  public static void writeDataset(Path sample, Path out) throws IOException {
    Files.createDirectories(out.resolve("imagesTr"));
    Files.createDirectories(out.resolve("labelsTr"));
    Volume<?> image = VolumeFormats.read(sample.resolve("ch2.nii.gz"));
    Volume<?> aal = VolumeFormats.read(sample.resolve("aal.nii.gz"));
    Map<Integer, Integer> structureOf = structures(sample.resolve("aal.nii.txt"));
    float[] regions = VolumeArrays.channels(aal)[0];
    short[] labels = new short[regions.length];
    for (int i = 0; i < regions.length; i++) labels[i] = (short) (int) structureOf.getOrDefault((int) regions[i], 0);
    Files.copy(sample.resolve("ch2.nii.gz"), out.resolve("imagesTr/ch2_0000.nii.gz"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    new NiftiWriter().write(VolumeArrays.labels(labels, VolumeArrays.shapeZyx(aal), image.geometry()), out.resolve("labelsTr/ch2.nii.gz"));
    JsonObject json = new JsonObject();
    JsonObject channels = new JsonObject();
    channels.addProperty("0", "T1");
    json.add("channel_names", channels);
    JsonObject labelJson = new JsonObject();
    for (int v = 0; v < LABELS.size(); v++) labelJson.addProperty(LABELS.get(v), v);
    json.add("labels", labelJson);
    json.addProperty("numTraining", 1);
    json.addProperty("file_ending", ".nii.gz");
    json.addProperty("name", "ColinStructures");
    json.addProperty("description", "Colin27 T1 (MNI) with three structures merged from the AAL atlas; demonstration only");
    String text = new GsonBuilder().setPrettyPrinting().create().toJson(json);
    AtomicFiles.write(out.resolve("dataset.json"), o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** AAL region value -> structure label, from aal.nii.txt ("value name code" per line). */
  static Map<Integer, Integer> structures(Path table) throws IOException {
    Map<Integer, Integer> out = new HashMap<>();
    for (String line : Files.readAllLines(table)) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 3) continue;
      int value = Integer.parseInt(f[0]);
      int code = Integer.parseInt(f[2]);
      Integer structure = STRUCTURE_BY_THOUSANDS.get(code / 1000);
      if (structure != null) out.put(value, structure);
    }
    return out;
  }

  /** Label names by value, for tables and legends. */
  public static Map<Integer, String> names() {
    Map<Integer, String> m = new LinkedHashMap<>();
    for (int v = 0; v < LABELS.size(); v++) m.put(v, LABELS.get(v));
    return m;
  }
}
