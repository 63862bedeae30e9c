package org.mednext.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.io.NiftiWriter;
import org.mednext.io.VolumeFormatException;
import org.mednext.volume.Geometry;
import org.mednext.volume.Volume;

/** {@link TrainingData}: cases read from a dataset folder as the SimpleITKIO reader named in our plans reads them. */
class TrainingDataTest {

  @TempDir Path tmp;

  /** A stack stored in micrometres (as ImageJ writes a calibrated confocal stack) is trained on in millimetres. */
  @Test
  void theSpacingOfAFileInMicrometresIsInMillimetresAsItkReadsIt() throws IOException {
    Files.createDirectories(tmp.resolve("imagesTr"));
    Files.createDirectories(tmp.resolve("labelsTr"));
    Geometry g = Geometry.ofSpacing(0.2, 0.2, 0.5);
    float[] image = new float[4 * 5 * 6];
    float[] labels = new float[4 * 5 * 6];
    labels[7] = 1;
    Path imageFile = tmp.resolve("imagesTr/c_0000.nii");
    Path labelFile = tmp.resolve("labelsTr/c.nii");
    new NiftiWriter().write(Volume.of(ArrayImgs.floats(image, 4, 5, 6), g), imageFile);
    new NiftiWriter().write(Volume.of(ArrayImgs.floats(labels, 4, 5, 6), g), labelFile);
    for (Path f : new Path[] {imageFile, labelFile}) {
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(new byte[] {3}), 123); // NIFTI_UNITS_MICRON
      }
    }
    Files.writeString(tmp.resolve("dataset.json"), "{\"channel_names\": {\"0\": \"confocal\"}, \"labels\": "
        + "{\"background\": 0, \"nucleus\": 1}, \"numTraining\": 1, \"file_ending\": \".nii\"}", StandardCharsets.UTF_8);
    TrainingData.Loaded l = TrainingData.open(tmp).cases().get(0).load();
    assertArrayEquals(new double[] {(float) 0.5 * 1e-3, (float) 0.2 * 1e-3, (float) 0.2 * 1e-3}, l.spacing());

    // labels saved by an ITK tool (ITK-SNAP, Slicer) are in mm: the same grid, as ITK reads both
    new NiftiWriter().write(Volume.of(ArrayImgs.floats(labels, 4, 5, 6), Geometry.ofSpacing(0.0002, 0.0002, 0.0005)),
        labelFile);
    assertArrayEquals(l.spacing(), TrainingData.open(tmp).cases().get(0).load().spacing(), 1e-12);
    new NiftiWriter().write(Volume.of(ArrayImgs.floats(labels, 4, 5, 6), Geometry.ofSpacing(0.2, 0.2, 0.5)), labelFile);
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> TrainingData.open(tmp).cases().get(0).load(),
        "0.2 mm labels on a 0.2 micrometre image");
    assertTrue(e.getMessage().contains("differ from the image c_0000.nii's"), e.getMessage());
  }

  /**
   * A label file's scaling fields are read as SimpleITK reads them for nnU-Net: scl_slope 1 with a NaN scl_inter is no
   * scaling there (nibabel refuses such a header), and a zero slope with an intercept of 1 shifts every label by 1.
   */
  @Test
  void aLabelFilesScalingIsItksAsForTheImages() throws IOException {
    Files.createDirectories(tmp.resolve("imagesTr"));
    Files.createDirectories(tmp.resolve("labelsTr"));
    float[] labels = new float[4 * 5 * 6];
    labels[7] = 1;
    Path labelFile = tmp.resolve("labelsTr/c.nii");
    new NiftiWriter().write(Volume.of(ArrayImgs.floats(new float[labels.length], 4, 5, 6), Geometry.ofSpacing(1, 1, 1)),
        tmp.resolve("imagesTr/c_0000.nii"));
    Files.writeString(tmp.resolve("dataset.json"), "{\"channel_names\": {\"0\": \"CT\"}, \"labels\": "
        + "{\"background\": 0, \"a\": 1, \"b\": 2}, \"numTraining\": 1, \"file_ending\": \".nii\"}",
        StandardCharsets.UTF_8);
    for (float[] slopeInter : new float[][] {{1, Float.NaN}, {0, 1}}) {
      new NiftiWriter().write(Volume.of(ArrayImgs.floats(labels, 4, 5, 6), Geometry.ofSpacing(1, 1, 1)), labelFile);
      try (FileChannel ch = FileChannel.open(labelFile, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(slopeInter[0])
            .putFloat(slopeInter[1]).flip(), 112);
      }
      short[] read = TrainingData.open(tmp).cases().get(0).load().labels();
      short shift = (short) (slopeInter[0] == 0 ? 1 : 0);
      assertEquals(1 + shift, read[7]);
      assertEquals(shift, read[8]);
    }
  }
}
