package org.mednext.fiji;

import ij.IJ;
import ij.Menus;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lets plain ImageJ 1.x run macros headless. ij.jar builds its command table together with the AWT menu bar,
 * which cannot exist headless (HeadlessException in IJ.init()), so macros could not {@code run(...)} anything;
 * this fills the table (Menus' private {@code pluginsTable}) from ImageJ's own IJ_Props.txt (the built-in
 * commands, e.g. "Results..." behind saveAs("Results", ...)) and from our plugins.config, the way ImageJ does
 * when it builds its menus and reads the file from a jar in plugins/. The real menus are tested under Xvfb
 * (GuiScreenshotsTest).
 */
final class HeadlessImageJ {

  /** A menu entry of IJ_Props.txt: {@code save16="Results...",ij.plugin.MeasurementsWriter}. */
  private static final Pattern BUILT_IN = Pattern.compile("[a-z_]+\\d+=\"([^\"]+)\",(.+)");

  private HeadlessImageJ() {}

  /** Registers every plugins.config entry (label to {@code class("arg")}); idempotent. */
  @SuppressWarnings("unchecked")
  static synchronized void install() throws IOException, ReflectiveOperationException {
    Field f = Menus.class.getDeclaredField("pluginsTable");
    f.setAccessible(true);
    Hashtable<String, String> table = (Hashtable<String, String>) f.get(null);
    if (table == null) {
      table = new Hashtable<>();
      f.set(null, table);
    }
    try (InputStream in = IJ.class.getResourceAsStream("/IJ_Props.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).split("\n")) {
        Matcher m = BUILT_IN.matcher(line.strip());
        if (m.matches()) table.putIfAbsent(m.group(1).trim(), m.group(2).trim());
      }
    }
    for (String line : Files.readAllLines(Path.of("plugins.config"))) {
      if (line.isBlank() || line.startsWith("#")) continue;
      String[] parts = line.split(",", 3);
      table.put(parts[1].trim().replace("\"", ""), parts[2].trim());
    }
  }
}
