package org.mednext.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CaseFiles}: nnU-Net's CASE_XXXX naming, channel order and the errors for bad folders. */
class CaseFilesTest {

  @TempDir Path tmp;

  @Test
  void groupsChannelsByCaseInIndexOrder() throws IOException {
    touch("b_0001.nii.gz", "b_0000.nii.gz", "a_0000.nii.gz", "a_0001.nii.gz", "notes.txt", ".a_0002.nii.gz");
    List<CaseFiles.Case> cases = CaseFiles.discover(tmp, ".nii.gz", 2);
    assertEquals(2, cases.size());
    assertEquals("a", cases.get(0).id());
    assertEquals(List.of(tmp.resolve("b_0000.nii.gz"), tmp.resolve("b_0001.nii.gz")), cases.get(1).channels());
    assertEquals("b.nii.gz", cases.get(1).outputName(".nii.gz"));
  }

  @Test
  void caseIdsMayContainUnderscoresAndDigits() throws IOException {
    touch("liver_12_0000.nii", "liver_12_0001.nii");
    List<CaseFiles.Case> cases = CaseFiles.discover(tmp, ".nii");
    assertEquals("liver_12", cases.get(0).id());
    assertEquals(2, cases.get(0).channels().size());
  }

  @Test
  void namesTheMissingChannel() throws IOException {
    touch("ct_0000.nii.gz", "ct_0002.nii.gz");
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> CaseFiles.discover(tmp, ".nii.gz"));
    assertEquals(tmp + ": case 'ct' has channels _0000, _0002 but not _0001", e.getMessage());
  }

  @Test
  void refusesDifferentChannelCounts() throws IOException {
    touch("a_0000.nii.gz", "a_0001.nii.gz", "b_0000.nii.gz");
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> CaseFiles.discover(tmp, ".nii.gz"));
    assertEquals(tmp + ": cases have different numbers of channels: 'a' has 2, 'b' has 1", e.getMessage());
  }

  @Test
  void checksTheModelsChannelCount() throws IOException {
    touch("a_0000.nii.gz");
    VolumeFormatException e = assertThrows(VolumeFormatException.class,
        () -> CaseFiles.discover(tmp, ".nii.gz", 2));
    assertEquals(tmp + ": the model expects 2 channel(s) (_0000 to _0001) but the cases have 1", e.getMessage());
  }

  @Test
  void refusesFilesWithoutChannelIndex() throws IOException {
    touch("a_0000.nii.gz", "scan.nii.gz");
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> CaseFiles.discover(tmp, ".nii.gz"));
    assertEquals(tmp + ": 'scan.nii.gz' ends in .nii.gz but is not named CASE_XXXX.nii.gz with a 4-digit channel "
        + "index (e.g. case01_0000.nii.gz); rename it or move it out", e.getMessage());
  }

  @Test
  void refusesAFolderWithoutInputs() throws IOException {
    touch("readme.txt");
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> CaseFiles.discover(tmp, ".nii.gz"));
    assertEquals(tmp + ": no input files CASE_XXXX.nii.gz in this folder", e.getMessage());
  }

  private void touch(String... names) throws IOException {
    for (String n : names) Files.createFile(tmp.resolve(n));
  }
}
