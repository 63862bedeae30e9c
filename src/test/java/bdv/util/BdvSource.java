package bdv.util;

/** Test stub of BigDataViewer's {@code bdv.util.BdvSource} (the members BdvBridge calls). */
public abstract class BdvSource implements Bdv {
  public abstract void setDisplayRange(double min, double max);
}
