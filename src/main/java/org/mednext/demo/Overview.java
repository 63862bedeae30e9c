package org.mednext.demo;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.mednext.util.AtomicFiles;

/**
 * A PNG of three orthogonal slices (axial, coronal, sagittal) through the centre of the labelled region, grey image
 * with a semi-transparent label overlay and a legend. Arrays in (z, y, x) C order; spacing (z, y, x) scales the
 * pixels so anatomy keeps its proportions.
 */
final class Overview {

  private static final int SCALE = 2;

  private Overview() {}

  static void write(float[] image, short[] labels, int[] shape, double[] spacing, List<String> names, Path file) throws IOException {
    int[] centre = centre(labels, shape);
    float[] window = window(image);
    BufferedImage axial = slice(image, labels, shape, window, 0, centre[0]); // rows y, columns x
    BufferedImage coronal = slice(image, labels, shape, window, 1, centre[1]); // rows z, columns x
    BufferedImage sagittal = slice(image, labels, shape, window, 2, centre[2]); // rows z, columns y
    int ax = (int) Math.round(shape[2] * spacing[2] / spacing[1]);
    int h1 = shape[1] * SCALE;
    int hz = (int) Math.round(shape[0] * spacing[0] / spacing[1]) * SCALE;
    int width = ax * SCALE * 2 + shape[1] * SCALE + 40;
    int height = Math.max(h1, hz) + 30 + 22 * ((names.size() + 3) / 4);
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
    g.setColor(Color.BLACK);
    g.fillRect(0, 0, width, height);
    // NIfTI rows go up the patient; draw them bottom-up so superior/anterior is at the top
    g.drawImage(axial, 0, h1, ax * SCALE, -h1, null);
    g.drawImage(coronal, ax * SCALE + 20, hz, ax * SCALE, -hz, null);
    g.drawImage(sagittal, 2 * ax * SCALE + 40, hz, shape[1] * SCALE, -hz, null);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    int y = Math.max(h1, hz) + 20;
    for (int v = 1; v < names.size(); v++) {
      int x = ((v - 1) % 4) * (width / 4) + 8;
      int row = y + ((v - 1) / 4) * 22;
      g.setColor(colour(v));
      g.fillRect(x, row - 11, 14, 14);
      g.setColor(Color.WHITE);
      g.drawString(names.get(v), x + 20, row + 1);
    }
    g.dispose();
    AtomicFiles.write(file, o -> ImageIO.write(out, "png", o));
  }

  /** The centre of the labelled voxels' bounding box, or the volume centre when nothing is labelled. */
  private static int[] centre(short[] labels, int[] shape) {
    int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
    int[] hi = {-1, -1, -1};
    for (int z = 0, i = 0; z < shape[0]; z++) {
      for (int y = 0; y < shape[1]; y++) {
        for (int x = 0; x < shape[2]; x++, i++) {
          if (labels[i] == 0) continue;
          int[] p = {z, y, x};
          for (int d = 0; d < 3; d++) {
            lo[d] = Math.min(lo[d], p[d]);
            hi[d] = Math.max(hi[d], p[d]);
          }
        }
      }
    }
    int[] c = new int[3];
    for (int d = 0; d < 3; d++) c[d] = hi[d] < 0 ? shape[d] / 2 : (lo[d] + hi[d]) / 2;
    return c;
  }

  /** 1st and 99th percentile of the image, for the grey window. */
  private static float[] window(float[] image) {
    float[] sorted = image.clone();
    Arrays.sort(sorted);
    return new float[] {sorted[(int) (0.01 * (sorted.length - 1))], sorted[(int) (0.99 * (sorted.length - 1))]};
  }

  /** The plane orthogonal to axis {@code axis} at {@code index}. */
  private static BufferedImage slice(float[] image, short[] labels, int[] shape, float[] window, int axis, int index) {
    int rows = axis == 0 ? shape[1] : shape[0];
    int cols = axis == 2 ? shape[1] : shape[2];
    BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_INT_RGB);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int z = axis == 0 ? index : r;
        int y = axis == 0 ? r : axis == 1 ? index : c;
        int x = axis == 2 ? index : c;
        int i = (z * shape[1] + y) * shape[2] + x;
        float t = Math.max(0, Math.min(1, (image[i] - window[0]) / Math.max(1e-6f, window[1] - window[0])));
        int grey = (int) (255 * t);
        int rgb = grey * 0x010101;
        if (labels[i] != 0) {
          Color col = colour(labels[i]);
          int rr = (grey + col.getRed()) / 2;
          int gg = (grey + col.getGreen()) / 2;
          int bb = (grey + col.getBlue()) / 2;
          rgb = (rr << 16) | (gg << 8) | bb;
        }
        img.setRGB(c, r, rgb);
      }
    }
    return img;
  }

  /** Distinct label colours (a golden-ratio walk around the hue circle). */
  static Color colour(int label) {
    float hue = (float) ((label * 0.618033988749895) % 1.0);
    return Color.getHSBColor(hue, 0.85f, 1.0f);
  }
}
