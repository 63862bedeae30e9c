package org.mednext.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bdv.util.BdvFunctions;
import bdv.util.BdvStackSource;
import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Contract test of the BigDataViewer bridge against stubs in src/test/java/bdv/util that copy the public
 * signatures of bigdataviewer-core (BdvFunctions.show(RandomAccessibleInterval, String, BdvOptions),
 * BdvOptions.options/sourceTransform(double...)/frameTitle/addTo(Bdv), BdvSource.setDisplayRange).
 */
class BdvBridgeTest {

  @BeforeEach
  void clear() {
    BdvFunctions.SHOWN.clear();
  }

  @Test
  void findsBigDataViewerOnTheClassPath() {
    assertTrue(BdvBridge.isAvailable(), "the stubs are on the test class path");
  }

  @Test
  void showsTheCalibratedImageAndAddsColouredLabelsToTheSameWindow() {
    ArrayImg<UnsignedByteType, ByteArray> image = ArrayImgs.unsignedBytes(4, 3, 2);
    ArrayImg<UnsignedByteType, ByteArray> labels = ArrayImgs.unsignedBytes(new byte[] {0, 1, 2, 3, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 4, 3, 2);
    Object returned = BdvBridge.show(image, 10, 200, labels, new double[] {0.8, 0.8, 2.5}, "t1.nii.gz");

    assertEquals(2, BdvFunctions.SHOWN.size());
    BdvStackSource<?> grey = BdvFunctions.SHOWN.get(0);
    assertSame(grey, returned);
    assertSame(image, grey.image);
    assertEquals("t1.nii.gz", grey.name);
    assertArrayEquals(new double[] {0.8, 0.8, 2.5}, grey.options.calibration);
    assertEquals("t1.nii.gz", grey.options.frameTitle);
    assertNull(grey.options.addTo);
    assertEquals(10, grey.min);
    assertEquals(200, grey.max);

    BdvStackSource<?> overlay = BdvFunctions.SHOWN.get(1);
    assertEquals("t1.nii.gz labels", overlay.name);
    assertSame(grey, overlay.options.addTo, "labels go into the image's window");
    assertArrayEquals(new double[] {0.8, 0.8, 2.5}, overlay.options.calibration);
    assertEquals(255, overlay.max);
    @SuppressWarnings("unchecked")
    RandomAccess<ARGBType> ra = ((net.imglib2.RandomAccessibleInterval<ARGBType>) overlay.image).randomAccess();
    for (int x = 0; x < 4; x++) {
      ra.setPosition(new long[] {x, 0, 0});
      assertEquals(LabelLut.argb(x), ra.get().get(), "colour of label " + x);
    }
  }
}
