package org.mednext.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mednext.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mednext install-fiji FIJI_APP}: copies MedNeXt_Fiji.jar into {@code Fiji.app/plugins/} and the runtime
 * jars Fiji lacks (DJL, its PyTorch engine and natives, picocli) into {@code Fiji.app/jars/}, skipping files that
 * are already there, and checks that the jars Fiji ships itself (JNA, Gson, SLF4J, ...) are present (and JNA recent
 * enough for DJL). Never deletes: another version of a jar it would copy is reported, not replaced. Exit code 0
 * when everything is in place, 2 when something needs the user's attention (the warnings say what).
 */
@Command(name = "install-fiji", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Install MedNeXt for Fiji into a Fiji.app folder: MedNeXt_Fiji.jar into plugins/, the DJL/PyTorch "
        + "and picocli jars into jars/. Restart Fiji afterwards; the commands are under Plugins > MedNeXt-v2."})
final class InstallFijiCommand implements Callable<Integer> {

  /** Runtime jars that MedNeXt brings along: groupId:artifactId. */
  static final Set<String> BUNDLED = Set.of("ai.djl:api", "ai.djl.pytorch:pytorch-engine",
      "ai.djl.pytorch:pytorch-jni", "ai.djl.pytorch:pytorch-native-cpu", "info.picocli:picocli");

  /** Runtime jars every Fiji ships (never copied; only checked). */
  static final Set<String> FIJI_SHIPS = Set.of("org.scijava:scijava-common", "org.scijava:parsington",
      "net.imglib2:imglib2", "net.imagej:ij", "com.google.code.gson:gson", "net.java.dev.jna:jna",
      "org.slf4j:slf4j-api", "org.apache.commons:commons-compress", "commons-codec:commons-codec",
      "commons-io:commons-io");

  /** {@code <repository>/<group path>/<artifactId>/<version>/<artifactId>-<version>[-<classifier>].jar}. */
  private static final Pattern REPOSITORY_JAR = Pattern.compile(".*/([^/]+)/([^/]+)/\\1-\\2(-[^/]+)?\\.jar");

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FIJI_APP", description = "the Fiji.app folder (it holds jars/ and plugins/)")
  Path fiji;

  @Option(names = "--jar", paramLabel = "FILE",
      description = "MedNeXt_Fiji.jar to install (default: the jar this command runs from, else "
          + "target/MedNeXt_Fiji.jar)")
  Path jar;

  @Option(names = "--classpath", paramLabel = "FILE",
      description = "the runtime class path, one line of jar paths (default: runtime.classpath next to the jar, "
          + "written by scripts/mednext)")
  Path classpath;

  @Option(names = "--dry-run", description = "only say what would be copied")
  boolean dryRun;

  @Option(names = "--verbose", description = "print stack traces of errors")
  boolean verbose;

  /** A jar of the runtime class path, identified from its local-repository path. */
  record Artifact(String group, String artifact, String version, Path file) {
    String key() {
      return group + ":" + artifact;
    }
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path app = fiji.toAbsolutePath().normalize();
    Path jars = app.resolve("jars");
    Path plugins = app.resolve("plugins");
    if (!Files.isDirectory(jars) || !Files.isDirectory(plugins)) {
      throw new IllegalArgumentException(app + " is not a Fiji.app folder: it has no jars/ and plugins/ folders "
          + "(pass the folder that contains them, e.g. ~/Fiji.app)");
    }
    Path pluginJar = jar != null ? jar : defaultJar();
    if (!Files.isRegularFile(pluginJar)) {
      throw new IllegalArgumentException(pluginJar + ": no such file; build it first (scripts/mednext --help builds "
          + "it, or mvn package)");
    }
    Path cpFile = classpath != null ? classpath : pluginJar.resolveSibling("runtime.classpath");
    if (!Files.isRegularFile(cpFile)) {
      throw new IllegalArgumentException(cpFile + ": no such file; it lists the runtime jars and is written by "
          + "scripts/mednext (run it once), or pass --classpath");
    }
    List<Artifact> artifacts = artifacts(cpFile);
    out.printf(Locale.ROOT, "%sinstalling MedNeXt for Fiji into %s%n", dryRun ? "(dry run) " : "", app);
    int copied = 0;
    int skipped = 0;
    int problems = 0;
    Path target = plugins.resolve("MedNeXt_Fiji.jar");
    if (sameContent(pluginJar, target)) {
      out.println("  unchanged  plugins/MedNeXt_Fiji.jar");
      skipped++;
    } else {
      copy(pluginJar, target);
      out.println("  copied     plugins/MedNeXt_Fiji.jar");
      copied++;
    }
    for (Path other : matching(plugins, "MedNeXt_Fiji*.jar")) {
      if (!other.equals(target)) {
        out.println("  warning    plugins/" + other.getFileName() + " is another MedNeXt jar: remove it, or Fiji "
            + "loads both");
        problems++;
      }
    }
    for (Artifact a : artifacts) {
      if (BUNDLED.contains(a.key())) {
        String name = a.file().getFileName().toString();
        Optional<Path> other = otherVersion(jars, a);
        if (Files.exists(jars.resolve(name))) {
          out.println("  skipped    jars/" + name + " (already there)");
          skipped++;
        } else if (other.isPresent()) {
          out.println("  warning    jars/" + other.get().getFileName() + " is another version of " + a.artifact() + " "
              + a.version() + ": not copied, as both would be on Fiji's class path; remove it and run again");
          problems++;
        } else {
          copy(a.file(), jars.resolve(name));
          out.println("  copied     jars/" + name);
          copied++;
        }
      } else if (FIJI_SHIPS.contains(a.key())) {
        problems += checkShipped(out, jars, a);
      }
    }
    out.printf(Locale.ROOT, "%s: %d copied, %d already there, %d warning(s). Restart Fiji: the commands are under "
        + "Plugins > MedNeXt-v2.%n", dryRun ? "dry run done" : "done", copied, skipped, problems);
    out.flush();
    return problems == 0 ? 0 : ErrorHandler.BAD_INPUT;
  }

  /** Checks that Fiji has a jar it should ship, at least as recent as ours; returns 1 for a warning. */
  private static int checkShipped(PrintWriter out, Path jars, Artifact a) throws IOException {
    Optional<Path> present = otherVersion(jars, a);
    if (Files.exists(jars.resolve(a.file().getFileName()))) return 0;
    if (present.isEmpty()) {
      out.printf(Locale.ROOT, "  warning    jars/ has no %s; MedNeXt needs %s %s: update Fiji (Help > Update...)%n",
          a.artifact(), a.artifact(), a.version());
      return 1;
    }
    String version = versionOf(present.get().getFileName().toString(), a.artifact());
    if (compareVersions(version, a.version()) >= 0) return 0;
    if (a.artifact().equals("jna")) {
      out.printf(Locale.ROOT, "  warning    jars/%s is older than the jna %s that DJL needs (old JNA breaks it with "
          + "errors such as NoSuchMethodError Native.load): update Fiji (Help > Update...) or replace it%n",
          present.get().getFileName(), a.version());
      return 1;
    }
    // other libraries keep their API across minor versions: mention it, without failing the install
    out.printf(Locale.ROOT, "  note       jars/%s is older than the %s %s MedNeXt was built with; if MedNeXt fails "
        + "to start, update Fiji (Help > Update...)%n", present.get().getFileName(), a.artifact(), a.version());
    return 0;
  }

  /** The jars of the class path file, identified by their Maven-repository path; others are left out. */
  static List<Artifact> artifacts(Path classpathFile) throws IOException {
    List<Artifact> out = new ArrayList<>();
    for (String entry : Files.readString(classpathFile).trim().split(Pattern.quote(File.pathSeparator))) {
      if (entry.isBlank()) continue;
      Path p = Paths.get(entry.trim());
      String unix = p.toAbsolutePath().normalize().toString().replace('\\', '/');
      Matcher m = REPOSITORY_JAR.matcher(unix);
      if (!m.matches()) continue;
      Path versionDir = p.toAbsolutePath().normalize().getParent();
      Path groupDir = versionDir.getParent().getParent();
      String group = repositoryGroup(groupDir);
      if (group == null) continue;
      if (!Files.isRegularFile(p)) throw new IOException(p + ": listed in " + classpathFile + " but missing");
      out.add(new Artifact(group, m.group(1), m.group(2), p));
    }
    return out;
  }

  /** The groupId of a repository folder: the path below the folder that holds "repository" (or .m2). */
  private static String repositoryGroup(Path groupDir) {
    List<String> parts = new ArrayList<>();
    for (Path p = groupDir; p != null && p.getFileName() != null; p = p.getParent()) {
      String name = p.getFileName().toString();
      if (name.equals("repository")) {
        Collections.reverse(parts);
        return String.join(".", parts);
      }
      parts.add(name);
    }
    return null;
  }

  private static Optional<Path> otherVersion(Path jars, Artifact a) throws IOException {
    for (Path p : matching(jars, a.artifact() + "-*.jar")) {
      if (versionOf(p.getFileName().toString(), a.artifact()) != null) return Optional.of(p);
    }
    return Optional.empty();
  }

  /** The version in {@code <artifact>-<version>[-classifier].jar}, or null when the name is another artifact's. */
  static String versionOf(String fileName, String artifact) {
    String version = "(\\d[\\w.]*(?:-\\d[\\w.]*)*(?:-SNAPSHOT)?)";
    String classifier = "(?:-[a-z][\\w-]*)?";
    Matcher m = Pattern.compile(Pattern.quote(artifact) + "-" + version + classifier + "\\.jar").matcher(fileName);
    return m.matches() ? m.group(1) : null;
  }

  /** Compares dotted versions numerically part by part (5.6.0 &lt; 5.14.0). */
  static int compareVersions(String a, String b) {
    String[] x = a.split("[.-]");
    String[] y = b.split("[.-]");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      String p = i < x.length ? x[i] : "0";
      String q = i < y.length ? y[i] : "0";
      int c = p.matches("\\d+") && q.matches("\\d+") ? Long.compare(Long.parseLong(p), Long.parseLong(q))
          : p.compareTo(q);
      if (c != 0) return c;
    }
    return 0;
  }

  private void copy(Path from, Path to) throws IOException {
    if (!dryRun) AtomicFiles.write(to, o -> Files.copy(from, o));
  }

  private static boolean sameContent(Path a, Path b) throws IOException {
    return Files.isRegularFile(b) && Files.size(a) == Files.size(b) && Files.mismatch(a, b) == -1;
  }

  private static List<Path> matching(Path folder, String glob) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder, glob)) {
      ds.forEach(out::add);
    }
    out.sort(null);
    return out;
  }

  /** The jar this class was loaded from, or target/MedNeXt_Fiji.jar beside target/classes. */
  private static Path defaultJar() {
    try {
      Path here = Paths.get(InstallFijiCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(here) && here.toString().endsWith(".jar")) return here;
      return here.resolveSibling("MedNeXt_Fiji.jar");
    } catch (URISyntaxException | RuntimeException e) {
      return Paths.get("target", "MedNeXt_Fiji.jar");
    }
  }
}
