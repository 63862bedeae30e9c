package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mednext.volume.ImagePlusVolumes;

class LabelImagesTest {

  private static final Map<Integer, String> NAMES = Map.of(0, "background", 1, "liver", 2, "spleen");

  @Test
  void labelsBelow256Become8BitSlicesInMemoryOrder() {
    ImagePlus source = source(ImagePlus.GRAY16);
    short[] labels = {0, 1, 2, 2, 1, 0, /* z=1 */ 1, 1, 1, 0, 0, 2};
    ImagePlus imp = LabelImages.create(labels, new int[] {2, 2, 3}, source, NAMES);
    assertEquals(ImagePlus.GRAY8, imp.getType());
    assertEquals(2, imp.getStackSize());
    assertArrayEquals(new byte[] {0, 1, 2, 2, 1, 0}, (byte[]) imp.getStack().getPixels(1));
    assertArrayEquals(new byte[] {1, 1, 1, 0, 0, 2}, (byte[]) imp.getStack().getPixels(2));
    assertEquals("ct-labels", imp.getTitle());
  }

  @Test
  void manyLabelsBecome16Bit() {
    short[] labels = {0, 300, 2, 2, 1, 0, 1, 1, 1, 0, 0, 2};
    ImagePlus imp = LabelImages.create(labels, new int[] {2, 2, 3}, source(ImagePlus.GRAY8), NAMES);
    assertEquals(ImagePlus.GRAY16, imp.getType());
    assertEquals(300, ((short[]) imp.getStack().getPixels(1))[1]);
  }

  @Test
  void keepsTheSpatialCalibrationButNotTheValueCalibration() {
    ImagePlus source = source(ImagePlus.GRAY16);
    source.getCalibration().setSigned16BitCalibration();
    ImagePlus imp = LabelImages.create(new short[12], new int[] {2, 2, 3}, source, NAMES);
    Calibration cal = imp.getCalibration();
    assertEquals(0.5, cal.pixelWidth);
    assertEquals(0.75, cal.pixelHeight);
    assertEquals(2.0, cal.pixelDepth);
    assertEquals("mm", cal.getUnit());
    assertEquals(Calibration.NONE, cal.getFunction());
    assertEquals("1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1", imp.getProp(ImagePlusVolumes.AFFINE_PROPERTY));
  }

  @Test
  void storesTheLabelNamesAndTheLut() {
    ImagePlus imp = LabelImages.create(new short[12], new int[] {2, 2, 3}, source(ImagePlus.GRAY8), NAMES);
    assertEquals(Map.of(0, "background", 1, "liver", 2, "spleen"), LabelImages.names(imp));
    assertEquals("0=background\n1=liver\n2=spleen", imp.getProp(LabelImages.NAMES_PROPERTY));
    assertEquals(LabelLut.argb(2) & 0xffffff, imp.getProcessor().getLut().getRGB(2) & 0xffffff);
    assertTrue(((String) imp.getProperty("Info")).contains("label 2: spleen"));
  }

  @Test
  void findsTheSourceImageAsTheIntensityImage() {
    ImagePlus source = source(ImagePlus.GRAY8);
    ImagePlus imp = LabelImages.create(new short[12], new int[] {2, 2, 3}, source, NAMES);
    assertSame(source, LabelImages.intensityImage(imp, ""));
    assertNull(LabelImages.intensityImage(new ImagePlus("x", ImageStack.create(3, 2, 1, 8)), null));
  }

  @Test
  void rejectsATitleOfNoOpenImage() {
    ImagePlus imp = LabelImages.create(new short[12], new int[] {2, 2, 3}, source(ImagePlus.GRAY8), NAMES);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LabelImages.intensityImage(imp, "nothing.tif"));
    assertEquals("no open image is titled 'nothing.tif' (the intensity image for ct-labels)", e.getMessage());
  }

  @Test
  void rejectsLabelsOfAnotherSize() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LabelImages.create(new short[12], new int[] {2, 3, 2}, source(ImagePlus.GRAY8), NAMES));
    assertEquals("labels 2x3x2 do not match image ct.nii.gz (3x2x2)", e.getMessage());
  }

  @Test
  void titlesDropTheVolumeExtension() {
    assertEquals("case_01-labels", LabelImages.labelTitle("case_01.nii.gz"));
    assertEquals("brain-labels", LabelImages.labelTitle("brain.tif"));
    assertEquals("image-labels", LabelImages.labelTitle(""));
  }

  /** 3 x 2 x 2 voxels of 0.5 x 0.75 x 2 mm, titled ct.nii.gz, with an identity affine property. */
  private static ImagePlus source(int type) {
    ImageStack stack = ImageStack.create(3, 2, 2, type == ImagePlus.GRAY8 ? 8 : 16);
    ImagePlus imp = new ImagePlus("ct.nii.gz", stack);
    Calibration cal = imp.getCalibration();
    cal.pixelWidth = 0.5;
    cal.pixelHeight = 0.75;
    cal.pixelDepth = 2;
    cal.setUnit("mm");
    imp.setProp(ImagePlusVolumes.AFFINE_PROPERTY, "1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1");
    return imp;
  }
}
