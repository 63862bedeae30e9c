package org.mednext.predict;

import org.mednext.util.Half;

/**
 * nnU-Net's Gaussian tile weighting ({@code compute_gaussian}, sigma = patch / 8, peak 10, fp16): a centred
 * Gaussian {@code 10 * prod_d exp(-(p_d - c_d)^2 / (2 sigma_d^2))} with {@code c_d = P_d / 2} (integer division),
 * rounded double -> float -> fp16 as PyTorch does; values that underflow to 0 are replaced by the smallest non-zero
 * value of the map, so that every voxel of a tile keeps some weight.
 */
public final class GaussianImportanceMap {

  private GaussianImportanceMap() {}

  /** The map for a 3-D patch in C order, as fp16 bits. */
  public static short[] compute(int[] patch) {
    double[][] axis = new double[3][];
    for (int d = 0; d < 3; d++) {
      double sigma = patch[d] / 8.0;
      int centre = patch[d] / 2;
      axis[d] = new double[patch[d]];
      for (int p = 0; p < patch[d]; p++) {
        double x = p - centre;
        axis[d][p] = Math.exp(-x * x / (2 * sigma * sigma));
      }
    }
    short[] out = new short[patch[0] * patch[1] * patch[2]];
    int i = 0;
    float minNonZero = Float.MAX_VALUE;
    for (int a = 0; a < patch[0]; a++) {
      for (int b = 0; b < patch[1]; b++) {
        double ab = axis[0][a] * axis[1][b];
        for (int c = 0; c < patch[2]; c++) {
          short h = Half.fromFloat((float) (10 * (ab * axis[2][c])));
          out[i++] = h;
          float v = Half.toFloat(h);
          if (v > 0 && v < minNonZero) minNonZero = v;
        }
      }
    }
    short replacement = Half.fromFloat(minNonZero);
    for (int j = 0; j < out.length; j++) if (out[j] == 0) out[j] = replacement;
    return out;
  }
}
