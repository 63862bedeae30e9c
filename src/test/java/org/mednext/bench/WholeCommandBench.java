package org.mednext.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.mednext.io.VolumeFormats;
import org.mednext.model.Fold;
import org.mednext.volume.VolumeArrays;

/**
 * One nnU-Net fixture case run the way nnU-Net's reference was timed: the whole command ({@code scripts/mednext
 * predict}, JVM start, reading, prediction, writing the label NIfTI and, as nnU-Net's run did, the probabilities)
 * under {@code /usr/bin/time}, next to nnU-Net's whole process (Python start and imports included) from case.json,
 * as ratios; plus the share of voxels whose label equals nnU-Net's. Prints one table row; with {@code --warm-up}
 * nothing (a run before the timed ones, so that none of them records the launcher's class data archive).
 */
public final class WholeCommandBench {

  public static void main(String[] args) throws Exception {
    String name = BenchSupport.option(args, "case", "ct_fold0_tta_step050");
    String threads = BenchSupport.option(args, "threads", "2");
    Path launcher = Paths.get(BenchSupport.option(args, "launcher", "scripts/mednext"));
    FixtureCase fixture = FixtureCase.load(Paths.get(BenchSupport.option(args, "shared", "../shared")), name);
    if (!Files.isExecutable(Paths.get("/usr/bin/time"))) {
      throw new IllegalStateException("this benchmark measures the command with GNU time: install it (apt install time)");
    }
    Path out = Files.createTempDirectory("mednext-bench");
    try {
      Path timing = out.resolve("time.txt");
      List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %M", "-o", timing.toString(),
          launcher.toString(), "predict", "-i", fixture.input().toString(), "-o", out.resolve("labels").toString(),
          "-m", fixture.model().toString(), "--step_size", Double.toString(fixture.stepSize()), "--save_probabilities",
          "--threads", threads, "-f"));
      for (Fold f : fixture.folds()) command.add(f.toString());
      if (!fixture.mirroring()) command.add("--disable_tta");
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(out.resolve("log.txt").toFile()).start();
      if (process.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + Files.readString(out.resolve("log.txt")));
      }
      if (Arrays.asList(args).contains("--warm-up")) return;
      String[] measured = Files.readString(timing).trim().split("\\s+");
      double wall = Double.parseDouble(measured[0]);
      double rssMib = Double.parseDouble(measured[1]) / 1024;
      Path reference = fixture.referenceLabels();
      double agreement = agreement(out.resolve("labels").resolve(reference.getFileName()), reference);
      double refWall = fixture.referenceProcess("wall_s");
      double refRss = fixture.referenceProcess("max_rss_mib");
      System.out.printf(Locale.ROOT, "| %s | %.1f / %.1f (%.2f) | %.0f / %.0f (%.2f) | %.7f |%n", name, wall, refWall,
          wall / refWall, rssMib, refRss, rssMib / refRss, agreement);
    } finally {
      BenchSupport.deleteTree(out);
    }
  }

  private static double agreement(Path ours, Path theirs) throws IOException {
    float[] a = VolumeArrays.channels(VolumeFormats.read(ours))[0];
    float[] b = VolumeArrays.channels(VolumeFormats.read(theirs))[0];
    if (a.length != b.length) throw new IllegalStateException(ours + " and " + theirs + " differ in size");
    long same = 0;
    for (int i = 0; i < a.length; i++) if (a[i] == b[i]) same++;
    return (double) same / a.length;
  }
}
