package org.mednext.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link VolumeFormats}: which reader or writer a path gets, and the error for anything else. */
class VolumeFormatsTest {

  @TempDir Path tmp;

  @Test
  void picksReadersByExtensionAndContent() throws IOException {
    assertInstanceOf(NiftiReader.class, VolumeFormats.readerFor(TestFiles.resource("nifti/dt_int16.nii")));
    assertInstanceOf(NiftiReader.class, VolumeFormats.readerFor(TestFiles.resource("nifti/ch4d_int16.nii.gz")));
    assertInstanceOf(NiftiReader.class, VolumeFormats.readerFor(TestFiles.resource("nifti/pair_int16.hdr")));
    assertInstanceOf(TiffReader.class, VolumeFormats.readerFor(TestFiles.resource("tiff/pages_u16.tif")));
    assertInstanceOf(DicomSeriesReader.class, VolumeFormats.readerFor(TestFiles.resource("dicom/ct_oblique")));
    assertInstanceOf(DicomSeriesReader.class,
        VolumeFormats.readerFor(TestFiles.resource("dicom/ct_oblique/slice_a.dcm")));
  }

  @Test
  void recognisesDicomFilesWithoutExtensionByTheirMarker() throws IOException {
    Path noExtension = Files.copy(TestFiles.resource("dicom/mr_slope/z0.dcm"), tmp.resolve("IM0001"));
    assertInstanceOf(DicomSeriesReader.class, VolumeFormats.readerFor(noExtension));
    assertArrayEquals(new long[] {5, 4, 1, 1}, VolumeFormats.read(noExtension).image().dimensionsAsLongArray());
  }

  @Test
  void listsTheSupportedFormatsForAnUnknownFile() throws IOException {
    Path p = Files.writeString(tmp.resolve("scan.mha"), "ObjectType = Image");
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> VolumeFormats.readerFor(p));
    assertEquals(p + ": unknown volume format. Supported: NIfTI (.nii, .nii.gz, .hdr/.img), a DICOM series (a "
        + "folder of .dcm files, or one of its files), TIFF stacks (.tif, .tiff)", e.getMessage());
  }

  @Test
  void refusesAFolderWithoutDicom() throws IOException {
    VolumeFormatException e = assertThrows(VolumeFormatException.class, () -> VolumeFormats.readerFor(tmp));
    assertEquals(tmp + ": a folder is read as a DICOM series, but this one has no DICOM files. Supported: "
        + VolumeFormats.SUPPORTED, e.getMessage());
  }

  @Test
  void reportsAMissingPath() {
    assertThrows(NoSuchFileException.class, () -> VolumeFormats.readerFor(tmp.resolve("nothing.nii")));
  }

  @Test
  void writesNiftiOnly() {
    assertInstanceOf(NiftiWriter.class, VolumeFormats.writerFor(tmp.resolve("seg.nii.gz")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VolumeFormats.writerFor(tmp.resolve("seg.tif")));
    assertEquals("cannot write " + tmp.resolve("seg.tif") + ": volumes are written as NIfTI (.nii or .nii.gz)",
        e.getMessage());
  }
}
