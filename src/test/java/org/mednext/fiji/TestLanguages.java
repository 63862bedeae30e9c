package org.mednext.fiji;

import org.python.core.PyObject;
import org.scijava.plugin.Plugin;
import org.scijava.script.AdaptedScriptLanguage;
import org.scijava.script.ScriptLanguage;

/**
 * Groovy and Jython for the script tests. scijava-common no longer wraps javax.script engines by itself; in Fiji
 * scripting-groovy and scripting-jython provide these languages, so they live in the tests only (shipping them
 * would shadow Fiji's own).
 */
final class TestLanguages {

  private TestLanguages() {}

  /** Groovy through its JSR-223 engine. */
  @Plugin(type = ScriptLanguage.class, name = "Groovy")
  public static final class Groovy extends AdaptedScriptLanguage {
    public Groovy() {
      super("groovy");
    }
  }

  /** Jython through its JSR-223 engine; Python values are turned back into Java objects. */
  @Plugin(type = ScriptLanguage.class, name = "Python (Jython)")
  public static final class Jython extends AdaptedScriptLanguage {
    public Jython() {
      super("jython");
    }

    @Override
    public Object decode(Object object) {
      return object instanceof PyObject p ? p.__tojava__(Object.class) : object;
    }
  }
}
