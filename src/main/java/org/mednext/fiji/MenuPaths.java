package org.mednext.fiji;

/**
 * Menu paths of the commands. The last part is also the command's name in macros and in ImageJ 1.x; plugins.config
 * registers the same names for plain ImageJ 1.x, and in Fiji imagej-legacy lets the SciJava command take over
 * the entry (it overrides an ImageJ 1.x command of the same name), so macros are the same in both.
 */
final class MenuPaths {

  static final String ROOT = "Plugins>MedNeXt-v2>";
  static final String SEGMENT_IMAGE = ROOT + "Segment Image (MedNeXt-v2)";
  static final String SEGMENT_FILES = ROOT + "Segment Files (MedNeXt-v2)";
  static final String MODEL_INFO = ROOT + "Model Info (MedNeXt-v2)";
  static final String LABEL_STATISTICS = ROOT + "Label Statistics (MedNeXt-v2)";
  static final String SHOW_PREVIEW = ROOT + "Show Preview (MedNeXt-v2)";
  static final String FINE_TUNE = ROOT + "Fine-tune (MedNeXt-v2)";

  private MenuPaths() {}

  /** The command name of a menu path (its last part). */
  static String name(String menuPath) {
    return menuPath.substring(menuPath.lastIndexOf('>') + 1);
  }
}
