package org.mednext.fiji;

import ij.IJ;
import org.scijava.Context;

/**
 * The SciJava context for the ImageJ 1.x menu entries. In Fiji it is the running one (imagej-legacy answers
 * {@code IJ.runPlugIn("org.scijava.Context", "")} with it). In plain ImageJ 1.x that call would build a new
 * context each time, so there one small context with the MedNeXt service is created on first use and kept.
 */
final class LegacyContext {

  private static Context own;

  private LegacyContext() {}

  static synchronized MedNeXtService service() {
    return context().service(MedNeXtService.class);
  }

  private static Context context() {
    if (hasImageJLegacy()) {
      Object running = IJ.runPlugIn("org.scijava.Context", "");
      if (running instanceof Context c) return c;
    }
    if (own == null) own = new Context(MedNeXtService.class);
    return own;
  }

  private static boolean hasImageJLegacy() {
    try {
      Class.forName("net.imagej.legacy.LegacyService", false, LegacyContext.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
