package org.mednext.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.testutil.Fixtures;
import org.mednext.testutil.SharedData;
import org.mednext.testutil.TinyModelFolder;

class InfoCommandTest {

  @TempDir Path tmp;

  @Test
  void describesTheTinyFixtureCheckpoint() {
    Path ckpt = Fixtures.mednext("tiny_grn_ds").resolve("checkpoint_final.pth");
    CliRunner r = CliRunner.run("info", "--checkpoint", ckpt.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("parameters:    601,344 in 227 tensors (float32)"), r.out());
    assertTrue(r.out().contains("GRN:           in every block except down_0"), r.out());
    assertTrue(r.out().contains("out_0 (full resolution) + out_1..out_4"), r.out());
    assertTrue(r.out().contains("C=8, kernels enc 3 / dec 3, 1 -> 3 classes"), r.out());
  }

  @Test
  void describesAModelFolderAndCrossChecksThePlans() {
    Path folder = SharedData.require(
        "fixtures/nnunet_pipeline/models/Dataset981_MedNeXtV2RefCT/nnUNetTrainer_MedNeXtV2Ref__nnUNetPlans__3d_fullres");
    CliRunner r = CliRunner.run("info", "-m", folder.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("folds:         fold_0, fold_1"), r.out());
    assertTrue(r.out().contains("reader:        NibabelIO (voxels in the file's order; spacing pixdim as stored)"),
        r.out());
    assertTrue(r.out().contains("plans check:   plans.json architecture agrees with the weights"), r.out());
    assertTrue(r.out().contains("patch [48, 80, 64]"), r.out());
    assertTrue(r.out().contains("resampling:    image resample_data_or_seg_to_shape (spline order 3, order_z 0, separate z"
        + " when spacing max/min > 3); probabilities resample_data_or_seg_to_shape (spline order 1, order_z 0,"), r.out());
  }

  @Test
  void namesACascadesPreviousStageAndItsOneHotChannels() throws IOException {
    Path folder = TinyModelFolder.writeCascade(tmp, TinyModelFolder.Weights.RANDOM, 3);
    CliRunner r = CliRunner.run("info", "-m", folder.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("configuration: 3d_cascade_fullres: spacing [1.0, 1.0, 1.0] mm"), r.out());
    assertTrue(r.out().contains("cascade:       second stage after 3d_lowres: the network also reads that stage's "
        + "segmentation as 2 one-hot channel(s) (foreground labels [1, 2])"), r.out());
    assertTrue(r.out().contains("input:         3 channel(s)"), r.out());
  }

  @Test
  void refusesAMaliciousCheckpointWithExitCode2NamingTheGlobal() throws IOException {
    Path evil = tmp.resolve("evil.pth");
    Path marker = tmp.resolve("pwned");
    ByteArrayOutputStream pickle = new ByteArrayOutputStream();
    pickle.write(new byte[] {(byte) 0x80, 2}); // PROTO 2
    pickle.write(("cos\nsystem\n").getBytes(StandardCharsets.US_ASCII)); // GLOBAL os.system
    byte[] cmd = ("touch " + marker).getBytes(StandardCharsets.US_ASCII);
    pickle.write('X'); // BINUNICODE
    pickle.write(new byte[] {(byte) cmd.length, 0, 0, 0});
    pickle.write(cmd);
    pickle.write(new byte[] {(byte) 0x85, 'R', '.'}); // TUPLE1, REDUCE, STOP
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(evil))) {
      zip.putNextEntry(new ZipEntry("evil/data.pkl"));
      zip.write(pickle.toByteArray());
      zip.closeEntry();
    }
    CliRunner r = CliRunner.run("info", "--checkpoint", evil.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().startsWith("mednext: error: "), r.err());
    assertTrue(r.err().contains("os.system"), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line on stderr: " + r.err());
    assertTrue(Files.notExists(marker), "nothing was executed");
  }

  @Test
  void missingFileIsExitCode2() {
    CliRunner r = CliRunner.run("info", "--checkpoint", tmp.resolve("nope.pth").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("nope.pth"), r.err());
  }

  @Test
  void unknownOptionIsExitCode2WithAHint() {
    CliRunner r = CliRunner.run("info", "--bogus");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("Try 'mednext info --help'"), r.err());
  }
}
