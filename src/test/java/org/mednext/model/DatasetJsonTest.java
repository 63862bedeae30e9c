package org.mednext.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.testutil.SharedData;

/** {@link DatasetJson}: the shared fixture folders, synthetic files and every error path. */
class DatasetJsonTest {

  private static final String CT = "fixtures/nnunet_pipeline/models/Dataset981_MedNeXtV2RefCT/"
      + "nnUNetTrainer_MedNeXtV2Ref__nnUNetPlans__3d_fullres/dataset.json";
  private static final String MR = "fixtures/nnunet_pipeline/models/Dataset982_MedNeXtV2RefMR/"
      + "nnUNetTrainer_MedNeXtV2Ref__nnUNetPlans__3d_fullres/dataset.json";

  private final TestResources.Warnings warnings = new TestResources.Warnings();

  @TempDir Path tmp;

  @Test
  void readsTheCtFixture() throws IOException {
    DatasetJson d = DatasetJson.read(SharedData.require(CT), warnings);
    assertEquals(List.of("CT"), d.channelNames());
    assertEquals(1, d.numChannels());
    assertEquals(".nii.gz", d.fileEnding());
    assertEquals(OptionalInt.of(120), d.numTraining());
    assertEquals(Optional.of("NibabelIO"), d.overwriteImageReaderWriter());
    assertEquals(List.of(0, 1, 2, 3), d.labels().allLabels());
    assertEquals(List.of(), warnings.messages, "name and description are known informational keys");
  }

  @Test
  void readsTheMrFixture() throws IOException {
    DatasetJson d = DatasetJson.read(SharedData.require(MR), warnings);
    assertEquals(List.of("T1"), d.channelNames());
    assertEquals(OptionalInt.of(60), d.numTraining());
    assertEquals(List.of("background", "tissue_a", "tissue_b"),
        d.labels().labels().stream().map(Labels.Label::name).collect(java.util.stream.Collectors.toList()));
  }

  @Test
  void ordersChannelsByIndexNotByKeyOrder() throws ModelFormatException {
    DatasetJson d = parse(TestResources.json("dataset_ignore.json"));
    assertEquals(List.of("ADC", "T2"), d.channelNames());
    assertEquals(".nrrd", d.fileEnding());
    assertEquals(Optional.of("SimpleITKIO"), d.overwriteImageReaderWriter());
  }

  @Test
  void acceptsTheLegacyModalityKey() throws ModelFormatException {
    DatasetJson d = parse(TestResources.json("dataset_legacy_modality.json"));
    assertEquals(List.of("MRI"), d.channelNames());
    assertEquals(List.of(), warnings.messages);
  }

  @Test
  void numTrainingAndReaderAreOptional() throws ModelFormatException {
    JsonObject o = TestResources.json("dataset_base.json");
    o.remove("numTraining");
    o.remove("overwrite_image_reader_writer");
    DatasetJson d = parse(o);
    assertEquals(OptionalInt.empty(), d.numTraining());
    assertEquals(Optional.empty(), d.overwriteImageReaderWriter());
  }

  @Test
  void warnsAboutUnknownKeys() throws ModelFormatException {
    JsonObject o = TestResources.json("dataset_base.json");
    o.addProperty("my_notes", "x");
    parse(o);
    assertEquals(List.of("dataset.json: unknown key \"my_notes\" ignored"), warnings.messages);
  }

  @Test
  void requiresChannelNames() {
    JsonObject o = TestResources.json("dataset_base.json");
    o.remove("channel_names");
    assertEquals("dataset.json: channel_names: required key is missing (nor is there the older \"modality\")", error(o));
    o.add("channel_names", TestResources.parse("{}"));
    assertEquals("dataset.json: channel_names: needs at least one channel, like {\"0\": \"CT\"}", error(o));
    o.add("channel_names", TestResources.parse("[\"CT\"]"));
    assertEquals("dataset.json: channel_names: expected an object, got [\"CT\"]", error(o));
  }

  @Test
  void requiresChannelKeysToBeTheIndices() {
    JsonObject o = TestResources.json("dataset_base.json");
    o.add("channel_names", TestResources.parse("{\"0\": \"T1\", \"2\": \"T2\"}"));
    assertEquals("dataset.json: channel_names.2: channel keys must be the indices \"0\"..\"1\" (one per channel), got \"2\"",
        error(o));
    o.add("channel_names", TestResources.parse("{\"T1\": \"0\"}"));
    assertEquals("dataset.json: channel_names.T1: channel keys must be the indices \"0\"..\"0\" (one per channel), got \"T1\"",
        error(o));
    o.add("channel_names", TestResources.parse("{\"0\": 5}"));
    assertEquals("dataset.json: channel_names.0: expected a string, got 5", error(o));
  }

  @Test
  void requiresAFileEnding() {
    JsonObject o = TestResources.json("dataset_base.json");
    o.remove("file_ending");
    assertEquals("dataset.json: file_ending: required key is missing", error(o));
    o.addProperty("file_ending", "nii.gz");
    assertEquals("dataset.json: file_ending: expected a file ending starting with '.', like \".nii.gz\", got \"nii.gz\"",
        error(o));
  }

  @Test
  void rejectsANegativeNumTraining() {
    JsonObject o = TestResources.json("dataset_base.json");
    o.addProperty("numTraining", -3);
    assertEquals("dataset.json: numTraining: must be >= 0, got -3", error(o));
  }

  @Test
  void rejectsTextThatIsNotAJsonObject() {
    assertEquals("dataset.json: expected a JSON object at the top level, got [1,2]",
        assertThrows(ModelFormatException.class, () -> DatasetJson.parse("[1, 2]", "dataset.json", warnings)).getMessage());
    String msg = assertThrows(ModelFormatException.class,
        () -> DatasetJson.parse("{\"labels\": {", "dataset.json", warnings)).getMessage();
    assertTrue(msg.startsWith("dataset.json: not valid JSON: "), msg);
  }

  @Test
  void namesTheFileWhenReading() throws IOException {
    Path f = tmp.resolve("dataset.json");
    JsonObject o = TestResources.json("dataset_base.json");
    o.remove("labels");
    Files.writeString(f, "\uFEFF" + o); // a byte-order mark, as some editors write, is accepted
    assertEquals(f + ": labels: required key is missing",
        assertThrows(ModelFormatException.class, () -> DatasetJson.read(f, warnings)).getMessage());
    assertThrows(NoSuchFileException.class, () -> DatasetJson.read(tmp.resolve("absent.json")));
  }

  private DatasetJson parse(JsonObject o) throws ModelFormatException {
    return DatasetJson.parse(o.toString(), "dataset.json", warnings);
  }

  private String error(JsonObject o) {
    return assertThrows(ModelFormatException.class, () -> parse(o)).getMessage();
  }
}
