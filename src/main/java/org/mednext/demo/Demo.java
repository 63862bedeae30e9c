package org.mednext.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mednext.io.VolumeFormats;
import org.mednext.predict.CaseWriter;
import org.mednext.predict.Prediction;
import org.mednext.predict.Predictor;
import org.mednext.predict.PredictorOptions;
import org.mednext.task.Progress;
import org.mednext.util.AtomicFiles;
import org.mednext.volume.Volume;
import org.mednext.volume.VolumeArrays;

/**
 * The demo: segments the bundled Colin27 T1 head with the bundled demonstration model and writes the label
 * NIfTI, an overview PNG (three orthogonal slices with the label overlay) and a table of label volumes, with the
 * Dice against the atlas-derived labels the model was trained on.
 */
public final class Demo {

  /** The bundled model folder, relative to the project. */
  public static final String MODEL = "models/demo-colin-structures";

  private Demo() {}

  /** What the demo wrote and found. */
  public record Result(List<Path> files, String report) {}

  public static Result run(Path repo, Path output, int threads, String device, Progress progress) throws IOException {
    Path sample = BrainStructures.sampleFolder(repo);
    Files.createDirectories(output);
    PredictorOptions options = PredictorOptions.defaults().withThreads(threads).withDevice(device);
    Volume<?> image = VolumeFormats.read(sample.resolve("ch2.nii.gz"));
    Prediction p;
    String model;
    try (Predictor predictor = Predictor.open(repo.resolve(MODEL), options)) {
      model = predictor.describe();
      p = predictor.predict(image, progress);
    }
    List<Path> files = new ArrayList<>(CaseWriter.write(p, image.geometry(), output, "ch2_structures", threads));
    Path png = output.resolve("ch2_structures_overview.png");
    Overview.write(VolumeArrays.channels(image)[0], p.labels(), p.shape(), image.geometry().spacingNnUnetOrder(),
        BrainStructures.LABELS, png);
    files.add(png);
    short[] reference = referenceLabels(sample);
    double voxelMl = image.geometry().spacing(0) * image.geometry().spacing(1) * image.geometry().spacing(2) / 1000;
    StringBuilder table = new StringBuilder("label\tname\tvoxels\tvolume_ml\tdice_vs_atlas\n");
    StringBuilder report = new StringBuilder();
    report.append("model: ").append(model).append('\n');
    report.append(String.format(Locale.ROOT, "time: preprocess %.1f s, predict %.1f s, export %.1f s%n",
        p.times().preprocess(), p.times().predict(), p.times().export()));
    report.append(String.format(Locale.ROOT, "%-16s %10s %10s %8s%n", "structure", "voxels", "volume mL", "Dice"));
    for (int v = 1; v < BrainStructures.LABELS.size(); v++) {
      long n = 0;
      long both = 0;
      long ref = 0;
      for (int i = 0; i < p.labels().length; i++) {
        boolean a = p.labels()[i] == v;
        boolean b = reference[i] == v;
        if (a) n++;
        if (b) ref++;
        if (a && b) both++;
      }
      double dice = n + ref == 0 ? Double.NaN : 2.0 * both / (n + ref);
      table.append(String.format(Locale.ROOT, "%d\t%s\t%d\t%.2f\t%.4f%n", v, BrainStructures.LABELS.get(v), n, n * voxelMl, dice));
      report.append(String.format(Locale.ROOT, "%-16s %10d %10.1f %8.3f%n", BrainStructures.LABELS.get(v), n, n * voxelMl, dice));
    }
    Path tsv = output.resolve("ch2_structures_volumes.tsv");
    String text = table.toString();
    AtomicFiles.write(tsv, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
    files.add(tsv);
    report.append("(Dice against the atlas-derived labels the demo model was trained on: this shows the pipeline works,\n"
        + " not how well a model generalises. Demonstration only, not for clinical use.)\n");
    report.append("wrote:\n");
    for (Path f : files) report.append("  ").append(f.toAbsolutePath()).append('\n');
    return new Result(files, report.toString());
  }

  private static short[] referenceLabels(Path sample) throws IOException {
    Volume<?> aal = VolumeFormats.read(sample.resolve("aal.nii.gz"));
    Map<Integer, Integer> structures = BrainStructures.structures(sample.resolve("aal.nii.txt"));
    float[] regions = VolumeArrays.channels(aal)[0];
    short[] out = new short[regions.length];
    for (int i = 0; i < out.length; i++) out[i] = (short) (int) structures.getOrDefault((int) regions[i], 0);
    return out;
  }
}
