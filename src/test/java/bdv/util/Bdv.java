package bdv.util;

/**
 * Test stub with the public signature of BigDataViewer's {@code bdv.util.Bdv} (bigdataviewer-core), for the
 * contract test of org.mednext.fiji.BdvBridge. BigDataViewer itself is not on Maven Central.
 */
public interface Bdv {}
