package org.mednext.bench;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import org.mednext.io.VolumeFormats;
import org.mednext.predict.CaseWriter;
import org.mednext.predict.Prediction;
import org.mednext.predict.Predictor;
import org.mednext.predict.PredictorOptions;
import org.mednext.task.Progress;
import org.mednext.volume.Volume;

/**
 * One nnU-Net fixture case predicted in this (fresh) JVM: stage times and peak RSS next to nnU-Net's own figures
 * recorded in the case's case.json ({@code performance.timed_run}, same machine type), as ratios. The work is
 * nnU-Net's: its timed run saved probabilities, and its export stage computes them and writes the .nii.gz and the
 * .npz, so ours does the same and its export column includes writing both files. End-to-end is opening the model
 * (starting libtorch), reading the image, predicting and writing, against nnU-Net's in-process total (its Python
 * imports, which start libtorch, model initialisation and the three stages). bench/run predict runs every case in
 * its own JVM so each peak RSS is that case's alone. Prints one table row.
 */
public final class PredictBench {

  public static void main(String[] args) throws Exception {
    String name = BenchSupport.option(args, "case", "ct_fold0_tta_step050");
    int threads = Integer.parseInt(BenchSupport.option(args, "threads", "2"));
    FixtureCase fixture = FixtureCase.load(Paths.get(BenchSupport.option(args, "shared", "../shared")), name);
    PredictorOptions options = PredictorOptions.defaults().withFolds(fixture.folds()).withStepSize(fixture.stepSize())
        .withMirroring(fixture.mirroring()).withProbabilities(true).withThreads(threads).withDevice(Device.cpu());
    Path out = Files.createTempDirectory("mednext-bench");
    long t0 = System.nanoTime();
    Prediction p;
    double write;
    try (Predictor predictor = Predictor.open(fixture.model(), options)) {
      Volume<?> image = VolumeFormats.read(fixture.input());
      p = predictor.predict(image, Progress.none());
      long w0 = System.nanoTime();
      CaseWriter.write(p, image.geometry(), out, "case", threads);
      write = (System.nanoTime() - w0) / 1e9;
    } finally {
      BenchSupport.deleteTree(out);
    }
    double total = (System.nanoTime() - t0) / 1e9;
    double export = p.times().export() + write;
    double refPre = fixture.referenceSeconds("preprocess");
    double refPredict = fixture.referenceSeconds("predict");
    double refExport = fixture.referenceSeconds("export");
    // both sides from the first line of the program: nnU-Net's imports load libtorch, as Predictor.open does for us
    double refTotal = fixture.referenceSeconds("total_in_process");
    double refRss = fixture.referenceProcess("max_rss_mib");
    double rss = BenchSupport.peakRssMb();
    double refWithoutImports = refTotal - fixture.referenceSeconds("python_imports");
    System.out.printf(Locale.ROOT, "| %s | %.1f / %.1f (%.2f) | %.1f / %.1f (%.2f) | %.2f / %.2f (%.2f) | %.1f / %.1f (%.2f) | %.2f | %.0f / %.0f (%.2f) |%n",
        name, p.times().preprocess(), refPre, p.times().preprocess() / refPre, p.times().predict(), refPredict,
        p.times().predict() / refPredict, export, refExport, export / refExport,
        total, refTotal, total / refTotal, total / refWithoutImports, rss, refRss, rss / refRss);
  }
}
