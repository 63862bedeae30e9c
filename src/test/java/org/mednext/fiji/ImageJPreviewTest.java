package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mednext.testutil.TestVolumes;

class ImageJPreviewTest {

  private static final TestVolumes.Phantom PHANTOM = TestVolumes.phantom(8, 6, 4);

  @Test
  void composesGreyImageAndLabelChannelsSharingTheImagePlanes() {
    ImagePlus image = FijiTests.image("t1", PHANTOM, ImagePlus.GRAY16, new double[] {0.8, 0.8, 2.5});
    ImagePlus labels = labels(image);
    CompositeImage ci = ImageJPreview.composite(image, labels);
    assertEquals(2, ci.getNChannels());
    assertEquals(4, ci.getNSlices());
    assertEquals(IJ.COMPOSITE, ci.getMode());
    assertSame(image.getStack().getPixels(3), ci.getStack().getPixels(ci.getStackIndex(1, 3, 1)));
    short[] labelPlane = (short[]) ci.getStack().getPixels(ci.getStackIndex(2, 1, 1));
    assertEquals(FijiTests.labels(labels)[5], labelPlane[5]);
    assertEquals(2.5, ci.getCalibration().pixelDepth);
    assertEquals(LabelLut.argb(2) & 0xffffff, ci.getChannelLut(2).getRGB(2) & 0xffffff);
    assertEquals(0xffffff, ci.getChannelLut(1).getRGB(255) & 0xffffff);
  }

  @Test
  void convertsLabelsToFloatForFloatImages() {
    ImagePlus image = FijiTests.image("t1", PHANTOM, ImagePlus.GRAY32, new double[] {1, 1, 1});
    ImagePlus labels = labels(image);
    CompositeImage ci = ImageJPreview.composite(image, labels);
    float[] plane = (float[]) ci.getStack().getPixels(ci.getStackIndex(2, 2, 1));
    short[] want = FijiTests.labels(labels);
    float[] expected = new float[48];
    for (int i = 0; i < 48; i++) expected[i] = want[48 + i];
    assertArrayEquals(expected, plane);
  }

  @Test
  void rejectsImagesOfDifferentSize() {
    ImagePlus image = FijiTests.image("t1", PHANTOM, ImagePlus.GRAY8, new double[] {1, 1, 1});
    ImagePlus other = FijiTests.image("t2", TestVolumes.phantom(8, 6, 5), ImagePlus.GRAY8, new double[] {1, 1, 1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ImageJPreview.composite(image, labels(other)));
    assertEquals("the image t1 (8x6x4) and the labels t2-labels (8x6x5) differ in size", e.getMessage());
  }

  /** Labels 0, 1, 2 from the phantom's intensity bands. */
  private static ImagePlus labels(ImagePlus image) {
    int n = image.getWidth() * image.getHeight() * image.getStackSize();
    short[] l = new short[n];
    int plane = image.getWidth() * image.getHeight();
    for (int i = 0; i < n; i++) {
      float v = image.getStack().getProcessor(i / plane + 1).getf(i % plane);
      l[i] = (short) (v > 200 ? 2 : v > 100 ? 1 : 0);
    }
    return LabelImages.create(l, new int[] {image.getStackSize(), image.getHeight(), image.getWidth()}, image,
        Map.of(0, "background", 1, "a", 2, "b"));
  }
}
