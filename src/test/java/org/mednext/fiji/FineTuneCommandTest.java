package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.io.NiftiWriter;
import org.mednext.model.ModelFolder;
import org.mednext.testutil.TestVolumes;
import org.mednext.testutil.TinyModelFolder;
import org.mednext.volume.Geometry;
import org.mednext.volume.Volume;
import org.mednext.volume.VolumeArrays;
import org.scijava.command.CommandModule;

/** The Fine-tune command, headless through SciJava, on a tiny pretrained model and a small raw dataset. */
@Tag("engine")
class FineTuneCommandTest {

  @TempDir Path tmp;

  @Test
  void fineTunesAPretrainedModelOnADatasetFolderAndWritesAPredictableModelFolder() throws Exception {
    Path dataset = tmp.resolve("Dataset001_Phantoms");
    Files.createDirectories(dataset.resolve("imagesTr"));
    Files.createDirectories(dataset.resolve("labelsTr"));
    for (int i = 0; i < 2; i++) {
      TestVolumes.Phantom p = TestVolumes.phantom(40 + 4 * i, 36, 32);
      Geometry g = Geometry.ofSpacing(1, 1, 1);
      Volume<?> image = Volume.of(ArrayImgs.floats(p.values(), p.nx(), p.ny(), p.nz()), g);
      new NiftiWriter().write(image, dataset.resolve("imagesTr/case" + i + "_0000.nii.gz"));
      new NiftiWriter().write(VolumeArrays.labels(TinyModelFolder.thresholdLabels(p.values()), p.shapeZyx(), g),
          dataset.resolve("labelsTr/case" + i + ".nii.gz"));
    }
    Files.writeString(dataset.resolve("dataset.json"), "{\"channel_names\": {\"0\": \"MR\"}, \"labels\": {\"background\": 0,"
        + " \"a\": 1, \"b\": 2}, \"numTraining\": 2, \"file_ending\": \".nii.gz\"}", StandardCharsets.UTF_8);
    Path output = tmp.resolve("finetuned");
    try (CommandTests t = new CommandTests(tmp.resolve("models"))) {
      CommandModule m = t.run(FineTuneCommand.class, "pretrained", t.model.toFile(), "output", output.toFile(),
          "dataset", dataset.toFile(), "epochs", 1, "iterations", 2, "patch", "", "optimizer", "sgd",
          "learning_rate", 0.0, "fold", "all", "device", "cpu");
      assertFalse(m.isCanceled(), m.getCancelReason());
      assertTrue(((String) m.getOutput("result")).startsWith("fine-tuned model written to " + output), (String) m.getOutput("result"));
    }
    ModelFolder mf = ModelFolder.open(output);
    assertTrue(Files.isRegularFile(output.resolve("fold_all/checkpoint_final.pth")));
    assertTrue(mf.plans().configuration("3d_fullres").patchSize().size() == 3);
    assertEquals("SimpleITKIO", mf.plans().imageReaderWriter(), "the pretrained model's NibabelIO gives way to the"
        + " reader that training read the data as, which prediction then follows");
  }

  @Test
  void namesTheMissingDataInOneMessage() throws Exception {
    try (CommandTests t = new CommandTests(tmp.resolve("models"))) {
      CommandModule m = t.run(FineTuneCommand.class, "pretrained", t.model.toFile(), "output", tmp.resolve("x").toFile(),
          "images", "", "label_images", "", "device", "cpu");
      assertTrue(m.isCanceled());
      assertTrue(m.getCancelReason().contains("give a dataset folder, or the open images in 'images'"), m.getCancelReason());
    }
  }
}
