package bdv.util;

/** Test stub of BigDataViewer's {@code bdv.util.BdvOptions} (same public signatures for the methods BdvBridge uses). */
public class BdvOptions {
  public double[] calibration;
  public String frameTitle;
  public Bdv addTo;

  public static BdvOptions options() {
    return new BdvOptions();
  }

  public BdvOptions sourceTransform(final double... calibration) {
    this.calibration = calibration.clone();
    return this;
  }

  public BdvOptions frameTitle(final String title) {
    this.frameTitle = title;
    return this;
  }

  public BdvOptions addTo(final Bdv bdv) {
    this.addTo = bdv;
    return this;
  }
}
