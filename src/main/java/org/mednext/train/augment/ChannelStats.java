package org.mednext.train.augment;

/** Mean, unbiased standard deviation, minimum and maximum of one channel, accumulated in double. */
record ChannelStats(float mean, float std, float min, float max) {

  static ChannelStats of(float[] x) {
    double sum = 0;
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : x) {
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    double mean = sum / x.length;
    double squares = 0;
    for (float v : x) {
      double d = v - mean;
      squares += d * d;
    }
    // torch.std is unbiased (n - 1); a single voxel gives NaN there too
    double std = Math.sqrt(squares / (x.length - 1));
    return new ChannelStats((float) mean, (float) std, min, max);
  }
}
