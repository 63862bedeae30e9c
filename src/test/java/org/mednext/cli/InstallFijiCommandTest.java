package org.mednext.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** install-fiji against a fake Fiji.app and a fake local Maven repository. */
class InstallFijiCommandTest {

  @TempDir Path tmp;
  private Path fiji;
  private Path jar;
  private Path classpath;

  @BeforeEach
  void setUp() throws Exception {
    fiji = tmp.resolve("Fiji.app");
    Files.createDirectories(fiji.resolve("jars"));
    Files.createDirectories(fiji.resolve("plugins"));
    jar = Files.writeString(Files.createDirectories(tmp.resolve("target")).resolve("MedNeXt_Fiji.jar"), "plugin v1");
    List<String> entries = new ArrayList<>();
    for (String coordinates : new String[] {"ai.djl:api:0.36.0", "ai.djl.pytorch:pytorch-engine:0.36.0",
        "ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0", "ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64",
        "info.picocli:picocli:4.7.7", "net.java.dev.jna:jna:5.14.0", "com.google.code.gson:gson:2.10.1",
        "org.slf4j:slf4j-api:2.0.17", "org.scijava:scijava-common:2.100.1",
        "org.junit.jupiter:junit-jupiter-api:5.13.4"}) {
      entries.add(repositoryJar(coordinates).toString());
    }
    classpath = Files.writeString(tmp.resolve("target/runtime.classpath"), String.join(File.pathSeparator, entries));
  }

  @Test
  void copiesThePluginAndTheJarsFijiLacksAndSaysWhatItDid() throws Exception {
    Files.writeString(fiji.resolve("jars/jna-5.14.0.jar"), "fiji's jna");
    Files.writeString(fiji.resolve("jars/gson-2.11.0.jar"), "fiji's newer gson");
    Files.writeString(fiji.resolve("jars/slf4j-api-2.0.17.jar"), "fiji's slf4j");
    Files.writeString(fiji.resolve("jars/scijava-common-2.100.1.jar"), "fiji's scijava");
    Files.writeString(fiji.resolve("jars/picocli-4.7.7.jar"), "picocli from an earlier install");
    CliRunner r = install();
    assertEquals(0, r.exitCode(), r.err() + r.out());
    assertEquals(String.join("\n",
        "installing MedNeXt for Fiji into " + fiji,
        "  copied     plugins/MedNeXt_Fiji.jar",
        "  copied     jars/api-0.36.0.jar",
        "  copied     jars/pytorch-engine-0.36.0.jar",
        "  copied     jars/pytorch-jni-2.7.1-0.36.0.jar",
        "  copied     jars/pytorch-native-cpu-2.7.1-linux-x86_64.jar",
        "  skipped    jars/picocli-4.7.7.jar (already there)",
        "done: 5 copied, 1 already there, 0 warning(s). Restart Fiji: the commands are under Plugins > MedNeXt-v2.",
        ""), r.out().replace(System.lineSeparator(), "\n"));
    assertEquals("plugin v1", Files.readString(fiji.resolve("plugins/MedNeXt_Fiji.jar")));
    assertEquals("ai.djl:api:0.36.0", Files.readString(fiji.resolve("jars/api-0.36.0.jar")));
    assertEquals("picocli from an earlier install", Files.readString(fiji.resolve("jars/picocli-4.7.7.jar")));
    assertFalse(Files.exists(fiji.resolve("jars/junit-jupiter-api-5.13.4.jar")), "test jars are never installed");
    try (var files = Files.list(fiji.resolve("jars"))) {
      assertEquals(9, files.count(), "4 copied next to Fiji's 5, no temporary files");
    }
  }

  @Test
  void aSecondRunChangesNothingAndAnUpdatedPluginReplacesTheOldOne() throws Exception {
    shipEverythingFijiShips();
    assertEquals(0, install().exitCode());
    CliRunner again = install();
    assertTrue(again.out().contains("  unchanged  plugins/MedNeXt_Fiji.jar"), again.out());
    assertTrue(again.out().contains("done: 0 copied, 6 already there, 0 warning(s)."), again.out());
    Files.writeString(jar, "plugin v2");
    CliRunner update = install();
    assertTrue(update.out().contains("  copied     plugins/MedNeXt_Fiji.jar"), update.out());
    assertEquals("plugin v2", Files.readString(fiji.resolve("plugins/MedNeXt_Fiji.jar")));
  }

  @Test
  void warnsAboutAnOldJnaAndMissingFijiJars() throws Exception {
    Files.writeString(fiji.resolve("jars/jna-5.6.0.jar"), "old");
    Files.writeString(fiji.resolve("jars/scijava-common-2.100.1.jar"), "fiji's scijava");
    CliRunner r = install();
    assertEquals(ErrorHandler.BAD_INPUT, r.exitCode());
    assertTrue(r.out().contains("  warning    jars/jna-5.6.0.jar is older than the jna 5.14.0 that DJL needs (old JNA "
        + "breaks it with errors such as NoSuchMethodError Native.load): update Fiji (Help > Update...) or replace it"),
        r.out());
    assertTrue(r.out().contains("  warning    jars/ has no gson; MedNeXt needs gson 2.10.1: update Fiji (Help > "
        + "Update...)"), r.out());
    assertTrue(r.out().contains("3 warning(s)"), r.out());
  }

  @Test
  void onlyNotesOtherOlderLibraries() throws Exception {
    shipEverythingFijiShips();
    Files.delete(fiji.resolve("jars/slf4j-api-2.0.17.jar"));
    Files.writeString(fiji.resolve("jars/slf4j-api-2.0.9.jar"), "older slf4j");
    CliRunner r = install();
    assertEquals(0, r.exitCode(), r.out());
    assertTrue(r.out().contains("  note       jars/slf4j-api-2.0.9.jar is older than the slf4j-api 2.0.17 MedNeXt was "
        + "built with; if MedNeXt fails to start, update Fiji (Help > Update...)"), r.out());
  }

  @Test
  void leavesAnotherVersionOfABundledJarAloneAndSaysSo() throws Exception {
    shipEverythingFijiShips();
    Files.writeString(fiji.resolve("jars/picocli-4.6.1.jar"), "someone else's picocli");
    CliRunner r = install();
    assertEquals(ErrorHandler.BAD_INPUT, r.exitCode());
    assertTrue(r.out().contains("  warning    jars/picocli-4.6.1.jar is another version of picocli 4.7.7: not copied, "
        + "as both would be on Fiji's class path; remove it and run again"), r.out());
    assertFalse(Files.exists(fiji.resolve("jars/picocli-4.7.7.jar")));
  }

  @Test
  void dryRunCopiesNothing() throws Exception {
    CliRunner r = CliRunner.run("install-fiji", fiji.toString(), "--jar", jar.toString(), "--dry-run");
    assertTrue(r.out().startsWith("(dry run) installing MedNeXt for Fiji into " + fiji), r.out());
    try (var files = Files.list(fiji.resolve("jars"))) {
      assertEquals(0, files.count());
    }
    assertFalse(Files.exists(fiji.resolve("plugins/MedNeXt_Fiji.jar")));
  }

  @Test
  void refusesAFolderThatIsNotFijiApp() throws Exception {
    Path notFiji = Files.createDirectories(tmp.resolve("Downloads"));
    CliRunner r = CliRunner.run("install-fiji", notFiji.toString(), "--jar", jar.toString());
    assertEquals(ErrorHandler.BAD_INPUT, r.exitCode());
    assertEquals("mednext: error: " + notFiji + " is not a Fiji.app folder: it has no jars/ and plugins/ folders "
        + "(pass the folder that contains them, e.g. ~/Fiji.app)" + System.lineSeparator(), r.err());
  }

  @Test
  void readsVersionsFromJarNames() {
    assertEquals("2.7.1-0.36.0", InstallFijiCommand.versionOf("pytorch-jni-2.7.1-0.36.0.jar", "pytorch-jni"));
    assertEquals("2.7.1", InstallFijiCommand.versionOf("pytorch-native-cpu-2.7.1-linux-x86_64.jar",
        "pytorch-native-cpu"));
    assertEquals("1.54p", InstallFijiCommand.versionOf("ij-1.54p.jar", "ij"));
    assertNull(InstallFijiCommand.versionOf("api-common-1.0.jar", "api"));
    assertTrue(InstallFijiCommand.compareVersions("5.6.0", "5.14.0") < 0);
    assertEquals(0, InstallFijiCommand.compareVersions("2.0", "2.0.0"));
  }

  private CliRunner install() {
    return CliRunner.run("install-fiji", fiji.toString(), "--jar", jar.toString(), "--classpath",
        classpath.toString());
  }

  private void shipEverythingFijiShips() throws Exception {
    for (String name : new String[] {"jna-5.14.0.jar", "gson-2.10.1.jar", "slf4j-api-2.0.17.jar",
        "scijava-common-2.100.1.jar"}) {
      Files.writeString(fiji.resolve("jars").resolve(name), "fiji's " + name);
    }
  }

  /** A fake jar at its local-repository path for group:artifact:version[:classifier]; its content names it. */
  private Path repositoryJar(String coordinates) throws Exception {
    String[] c = coordinates.split(":");
    Path dir = tmp.resolve("m2/repository").resolve(c[0].replace('.', '/')).resolve(c[1]).resolve(c[2]);
    Files.createDirectories(dir);
    String name = c[1] + "-" + c[2] + (c.length > 3 ? "-" + c[3] : "") + ".jar";
    return Files.write(dir.resolve(name), coordinates.getBytes(StandardCharsets.UTF_8));
  }
}
