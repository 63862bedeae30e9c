package org.mednext.fiji;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.LUT;
import org.mednext.util.Checks;

/**
 * The preview without BigDataViewer: a two-channel ImageJ 1.x composite (the image in grey, the labels through
 * the {@link LabelLut label LUT}) with Orthogonal Views, calibrated so the side views have the right aspect. The
 * image's planes are shared, not copied; the labels are converted to the image's pixel type.
 */
final class ImageJPreview {

  private ImageJPreview() {}

  /** The composite for {@code image} (its first channel) and {@code labels}; nothing is shown. */
  static CompositeImage composite(ImagePlus image, ImagePlus labels) {
    int nz = image.getNSlices();
    Checks.argument(image.getWidth() == labels.getWidth() && image.getHeight() == labels.getHeight()
        && nz == labels.getStackSize(), "the image %s (%dx%dx%d) and the labels %s (%dx%dx%d) differ in size",
        image.getTitle(), image.getWidth(), image.getHeight(), nz, labels.getTitle(), labels.getWidth(),
        labels.getHeight(), labels.getStackSize());
    Checks.argument(image.getType() != ImagePlus.COLOR_RGB, "%s is an RGB image; convert it to 8-bit first",
        image.getTitle());
    int plane = image.getWidth() * image.getHeight();
    ImageStack stack = new ImageStack(image.getWidth(), image.getHeight());
    ImageStack source = image.getStack();
    ImageStack labelStack = labels.getStack();
    for (int z = 1; z <= nz; z++) {
      stack.addSlice(null, source.getPixels(image.getStackIndex(1, z, 1)));
      stack.addSlice(null, converted(labelStack.getPixels(z), image.getType(), plane));
    }
    ImagePlus imp = new ImagePlus(labels.getTitle() + " on " + image.getTitle(), stack);
    imp.setDimensions(2, nz, 1);
    Calibration cal = image.getCalibration().copy();
    imp.setCalibration(cal);
    CompositeImage ci = new CompositeImage(imp, IJ.COMPOSITE);
    ci.setChannelLut(LUT.createLutFromColor(java.awt.Color.white), 1);
    ci.setChannelLut(LabelLut.lut(), 2);
    ci.setPositionWithoutUpdate(1, 1, 1);
    ci.setDisplayRange(image.getDisplayRangeMin(), image.getDisplayRangeMax());
    ci.setPositionWithoutUpdate(2, 1, 1);
    ci.setDisplayRange(0, LabelLut.SIZE - 1);
    ci.setPositionWithoutUpdate(1, Math.max(1, nz / 2), 1);
    return ci;
  }

  /** Shows the composite at the middle slice with Orthogonal Views. */
  static CompositeImage show(ImagePlus image, ImagePlus labels) {
    CompositeImage ci = composite(image, labels);
    ci.show();
    ci.setPosition(1, Math.max(1, image.getNSlices() / 2), 1);
    IJ.run(ci, "Orthogonal Views", "");
    return ci;
  }

  /** One label plane (8-bit or 16-bit) as the image's pixel type. */
  private static Object converted(Object labels, int type, int n) {
    if (type == ImagePlus.GRAY8) {
      if (labels instanceof byte[]) return labels;
      byte[] out = new byte[n];
      short[] in = (short[]) labels;
      for (int i = 0; i < n; i++) out[i] = (byte) Math.min(in[i] & 0xffff, 255);
      return out;
    }
    if (type == ImagePlus.GRAY16) {
      short[] out = new short[n];
      for (int i = 0; i < n; i++) out[i] = (short) value(labels, i);
      return out;
    }
    float[] out = new float[n];
    for (int i = 0; i < n; i++) out[i] = value(labels, i);
    return out;
  }

  private static int value(Object labels, int i) {
    return labels instanceof byte[] b ? b[i] & 0xff : ((short[]) labels)[i] & 0xffff;
  }
}
