package org.mednext.fiji;

import ij.Macro;
import ij.gui.GenericDialog;
import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mednext.util.Checks;

/**
 * The settings of an ImageJ 1.x menu command under the same keys as the SciJava command's fields: read from the
 * macro options when a macro runs the command (also headless, where no dialog can be built), otherwise asked in
 * a GenericDialog, which ImageJ's recorder records as {@code key=value}. A dialog label's first word is its key
 * (ImageJ's rule; underscores show as spaces), checked when the field is added. Booleans are true/false choices,
 * so that they record as {@code key=true|false} exactly as Fiji records the SciJava command; a bare {@code key}
 * also reads as true.
 */
final class MacroForm {

  private enum Kind { STRING, NUMBER, CHOICE, FLAG, DIRECTORY, FILE }

  private record Field(Kind kind, String key, String label, String value, String[] choices) {}

  private static final String[] TRUE_FALSE = {"true", "false"};

  private final String title;
  private final List<Field> fields = new ArrayList<>();
  private final Map<String, String> values = new LinkedHashMap<>();

  MacroForm(String title) {
    this.title = title;
  }

  MacroForm string(String key, String label, String value) {
    return add(new Field(Kind.STRING, key, label, value, null));
  }

  MacroForm number(String key, String label, double value) {
    return add(new Field(Kind.NUMBER, key, label, Double.toString(value), null));
  }

  MacroForm choice(String key, String label, String[] choices, String value) {
    return add(new Field(Kind.CHOICE, key, label, value, choices.clone()));
  }

  MacroForm flag(String key, String label, boolean value) {
    return add(new Field(Kind.FLAG, key, label, Boolean.toString(value), TRUE_FALSE));
  }

  MacroForm directory(String key, String label, String value) {
    return add(new Field(Kind.DIRECTORY, key, label, value, null));
  }

  MacroForm file(String key, String label, String value) {
    return add(new Field(Kind.FILE, key, label, value, null));
  }

  /** The keys, in order. */
  List<String> keys() {
    return fields.stream().map(Field::key).toList();
  }

  /**
   * Fills the values from the running macro's options, or from a dialog when no macro runs. Headless, where ImageJ
   * cannot build a dialog, a macro call without options takes the defaults.
   *
   * @return false when the user cancelled the dialog
   */
  boolean read() {
    String options = Macro.getOptions();
    if (options == null && GraphicsEnvironment.isHeadless()) options = "";
    return options != null ? readOptions(options) : readDialog();
  }

  /** Fills the values from macro options such as {@code "model=[/a b] folds=0 tta=false"}. */
  boolean readOptions(String options) {
    for (Field f : fields) {
      String v = Macro.getValue(options, f.key, null);
      if (v == null && f.kind == Kind.FLAG && hasBareKey(options, f.key)) v = "true";
      values.put(f.key, v == null ? f.value : v.trim());
    }
    return true;
  }

  String get(String key) {
    Checks.argument(values.containsKey(key), "no value for %s (read() first)", key);
    return values.get(key);
  }

  double number(String key) {
    String v = get(key);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + v + "'", e);
    }
  }

  boolean flag(String key) {
    String v = get(key).toLowerCase(Locale.ROOT);
    Checks.argument(v.equals("true") || v.equals("false"), "%s must be true or false, got '%s'", key, v);
    return v.equals("true");
  }

  private MacroForm add(Field f) {
    Checks.argument(Macro.trimKey(f.label).equals(f.key), "label '%s' must start with its key '%s'", f.label, f.key);
    fields.add(f);
    return this;
  }

  private boolean readDialog() {
    GenericDialog gd = new GenericDialog(title);
    for (Field f : fields) {
      switch (f.kind) {
        case NUMBER -> gd.addNumericField(f.label, Double.parseDouble(f.value), 2);
        case CHOICE, FLAG -> gd.addChoice(f.label, f.choices, f.value);
        case DIRECTORY -> gd.addDirectoryField(f.label, f.value, 40);
        case FILE -> gd.addFileField(f.label, f.value, 40);
        default -> gd.addStringField(f.label, f.value, 20);
      }
    }
    gd.showDialog();
    if (gd.wasCanceled()) return false;
    for (Field f : fields) {
      String v = switch (f.kind) {
        case NUMBER -> Double.toString(gd.getNextNumber());
        case CHOICE, FLAG -> gd.getNextChoice();
        default -> gd.getNextString();
      };
      values.put(f.key, v.trim());
    }
    return true;
  }

  /** Whether {@code key} appears without "=value" (ImageJ's way of recording a ticked checkbox). */
  private static boolean hasBareKey(String options, String key) {
    for (String word : options.split("\\s+")) {
      if (word.equalsIgnoreCase(key)) return true;
    }
    return false;
  }
}
