package org.mednext.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.Prefs;
import ij.measure.Calibration;
import ij.measure.ResultsTable;
import ij.plugin.filter.Analyzer;
import java.awt.GraphicsEnvironment;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.UnsignedShortType;
import org.mednext.engine.Engines;
import org.mednext.model.Fold;
import org.mednext.predict.CaseInput;
import org.mednext.predict.CaseWriter;
import org.mednext.predict.ImageReaderWriter;
import org.mednext.predict.Prediction;
import org.mednext.predict.Predictor;
import org.mednext.predict.PredictorOptions;
import org.mednext.task.CancelledException;
import org.mednext.task.Progress;
import org.mednext.train.Trainer;
import org.mednext.train.TrainingOptions;
import org.mednext.util.Checks;
import org.mednext.volume.Geometry;
import org.mednext.volume.ImagePlusVolumes;
import org.mednext.volume.Volume;
import org.scijava.app.StatusService;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.service.AbstractService;
import org.scijava.service.Service;
import org.scijava.task.TaskService;

/** The {@link MedNeXtService}: a cache of one open model plus the conversions between ImageJ and the core. */
@Plugin(type = Service.class)
public final class DefaultMedNeXtService extends AbstractService implements MedNeXtService {

  private static final String VIEWER_AUTO = "auto";
  private static final String VIEWER_BDV = "BigDataViewer";
  private static final String VIEWER_IMAGEJ = "ImageJ";

  @Parameter
  private TaskService taskService;

  @Parameter
  private StatusService statusService;

  @Parameter
  private LogService log;

  private final ModelCache<PredictorOptions, Predictor> cache = new ModelCache<>(Predictor::open, p -> !p.failed());

  /** The core's loggers (a strong reference: java.util.logging keeps only weak ones). */
  private final java.util.logging.Logger core = java.util.logging.Logger.getLogger("org.mednext");

  /**
   * The core's warnings (a file read with an assumed voxel size, say) in Fiji's log, where the user looks, not only
   * on the console that java.util.logging writes to.
   */
  private final java.util.logging.Handler warningsToLog = new java.util.logging.Handler() {
    @Override
    public void publish(java.util.logging.LogRecord r) {
      if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
        log.warn("MedNeXt-v2: " + r.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  /** Work done with an open predictor. */
  @FunctionalInterface
  private interface Work<R> {
    R run(Predictor predictor) throws IOException;
  }

  // -- MedNeXtService methods --

  @Override
  public PredictorOptions options(String folds, double stepSize, boolean tta, String device) {
    Checks.argument(stepSize > 0 && stepSize <= 1, "step_size must be in (0, 1], got %s", stepSize);
    return PredictorOptions.defaults().withFolds(parseFolds(folds)).withStepSize(stepSize).withMirroring(tta)
        .withThreads(Math.max(1, Prefs.getThreads())).withDevice(device == null ? "auto" : device);
  }

  @Override
  public FineTuneRequest fineTuneRequest(File pretrained, File output, File dataset, String images, String labelImages,
      int epochs, int iterations, String patch, String optimizer, double learningRate, String fold, String device) {
    Checks.argument(pretrained != null, "choose the pretrained model folder");
    Checks.argument(output != null, "choose the new model folder");
    List<ImagePlus> imageList = new ArrayList<>();
    List<ImagePlus> labelList = new ArrayList<>();
    if (dataset == null) {
      imageList = openImages(images, "images");
      labelList = openImages(labelImages, "label_images");
    }
    Optional<int[]> patchSize = Optional.empty();
    if (patch != null && !patch.isBlank()) {
      String[] p = patch.trim().split("\\s*[, x]\\s*");
      Checks.argument(p.length == 3, "patch must be three numbers z,y,x, got '%s'", patch);
      patchSize = Optional.of(new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])});
    }
    TrainingOptions options = TrainingOptions.defaults().withEpochs(epochs).withIterations(iterations, Math.max(1, iterations / 5))
        .withOptimizer(optimizer, learningRate > 0 ? learningRate : Double.NaN).withThreads(Math.max(1, Prefs.getThreads()))
        .withDevice(Engines.device(device == null ? "auto" : device));
    Optional<String> f = fold == null || fold.isBlank() || fold.equals("auto") ? Optional.empty() : Optional.of(fold.trim());
    return new FineTuneRequest(pretrained.toPath(), output.toPath(), Optional.ofNullable(dataset).map(File::toPath),
        imageList, labelList, options, patchSize, f);
  }

  @Override
  public String fineTune(FineTuneRequest request) throws IOException {
    try (TaskProgress task = new TaskProgress(taskService, statusService, "MedNeXt-v2: fine-tuning")) {
      Trainer.Result r = FineTuning.run(request, task);
      String summary = String.format(Locale.ROOT, "fine-tuned model written to %s; validation Dice %s", r.modelFolder(),
          r.finalDice());
      log.info("MedNeXt-v2: " + summary);
      return summary;
    }
  }

  /** Open images by title ("a.tif, b.tif"). */
  private static List<ImagePlus> openImages(String titles, String key) {
    List<ImagePlus> out = new ArrayList<>();
    Checks.argument(titles != null && !titles.isBlank(), "give a dataset folder, or the open images in '%s'", key);
    for (String t : titles.split(",")) {
      ImagePlus imp = ij.WindowManager.getImage(t.trim());
      Checks.argument(imp != null, "%s: no open image titled '%s'", key, t.trim());
      out.add(imp);
    }
    return out;
  }

  @Override
  public ImagePlus segment(ImagePlus image, Path modelFolder, PredictorOptions options) throws IOException {
    return segment(image, modelFolder, options, null);
  }

  @Override
  public ImagePlus segment(ImagePlus image, ImagePlus previousStage, Path modelFolder, PredictorOptions options,
      Progress progress) throws IOException {
    Checks.notNull(image, "image");
    Volume<?> volume = ImagePlusVolumes.toVolume(image);
    Volume<?> previous = previousStage == null ? null : ImagePlusVolumes.toVolume(previousStage);
    try (TaskProgress task = new TaskProgress(taskService, statusService, "MedNeXt-v2: " + image.getTitle())) {
      Progress p = ImageJProgress.both(task, progress);
      return withPredictor(modelFolder, options, p, predictor -> {
        Prediction r = predictor.predict(asReadBy(predictor.imageReaderWriter(), image, volume), previous, p);
        log.info(String.format(Locale.ROOT, "MedNeXt-v2: segmented %s in %.1f s", image.getTitle(), r.times().total()));
        return LabelImages.create(r.labels(), r.shape(), image,
            predictor.model().datasetJson().labels().outputLabelNames());
      });
    }
  }

  /**
   * The volume of an open image as the model's reader would see it. nnU-Net's Tiff3DIO ignores a TIFF's calibration
   * and takes the spacing from the case's {@code .json} (or (1, 1, 1)): an image opened from a file gets exactly that,
   * as on the command line; one with no file behind it its calibration's numbers in its own unit (a spacing file
   * holds the numbers its author knew, micrometres for a microscope), not converted to mm. Other readers: the volume.
   */
  static Volume<?> asReadBy(ImageReaderWriter reader, ImagePlus image, Volume<?> volume) throws IOException {
    if (reader != ImageReaderWriter.TIFF_3D_IO) return volume;
    ij.io.FileInfo info = image.getOriginalFileInfo();
    Path file = info == null || info.directory == null || info.fileName == null ? null
        : Path.of(info.directory, info.fileName);
    Calibration cal = image.getCalibration();
    double[] xyz = {cal.pixelWidth, cal.pixelHeight, cal.pixelDepth};
    if (file != null && Files.isRegularFile(file)) {
      double[] zyx = reader.view(file, volume.geometry()).spacing();
      xyz = new double[] {zyx[2], zyx[1], zyx[0]};
    }
    return Volume.of(volume.image(), Geometry.ofSpacing(xyz));
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Img<UnsignedShortType> segment(RandomAccessibleInterval<? extends RealType<?>> image,
      RandomAccessibleInterval<? extends RealType<?>> previousStage, double[] spacing, Path modelFolder,
      PredictorOptions options) throws IOException {
    Checks.notNull(image, "image");
    Checks.argument(spacing != null && spacing.length == 3, "spacing needs 3 values (x, y, z) in mm");
    Volume<?> volume = Volume.of((RandomAccessibleInterval) image, Geometry.ofSpacing(spacing.clone()));
    Volume<?> previous = previousStage == null ? null
        : Volume.of((RandomAccessibleInterval) previousStage, Geometry.ofSpacing(spacing.clone()));
    long[] size = volume.spatialSize();
    try (TaskProgress task = new TaskProgress(taskService, statusService, "MedNeXt-v2: segmenting")) {
      return withPredictor(modelFolder, options, task, predictor -> {
        Prediction r = predictor.predict(volume, previous, task);
        return ArrayImgs.unsignedShorts(r.labels(), size[0], size[1], size[2]);
      });
    }
  }

  @Override
  public BatchResult segmentFiles(Path input, Path outputFolder, Path modelFolder, Path previousStage,
      PredictorOptions options, boolean skipExisting, Progress progress) throws IOException {
    try (TaskProgress task = new TaskProgress(taskService, statusService, "MedNeXt-v2: segmenting files")) {
      Progress p = ImageJProgress.both(task, progress);
      return withPredictor(modelFolder, options, p, predictor -> {
        predictor.requirePreviousStageIfCascade(previousStage != null);
        if (previousStage != null) CaseWriter.requirePreviousStageKept(previousStage, outputFolder, "previous_stage");
        List<CaseInput> cases = CaseInput.discover(input, predictor.model().datasetJson().fileEnding(),
            predictor.channels(), w -> log.warn("MedNeXt-v2: " + w));
        CaseWriter.requireInputsKept(cases, outputFolder);
        Files.createDirectories(outputFolder);
        CaseWriter.writeRunFiles(outputFolder, predictor, input, previousStage, !skipExisting, 1, 0);
        List<Path> written = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (int i = 0; i < cases.size(); i++) {
          p.checkCancelled();
          CaseInput c = cases.get(i);
          String label = String.format(Locale.ROOT, "[%d/%d] %s: ", i + 1, cases.size(), c.id());
          if (skipExisting && CaseWriter.isDone(outputFolder, c.id(), options.probabilities())) {
            skipped.add(c.id());
            continue;
          }
          try {
            p.message(label + "reading");
            CaseInput.Loaded loaded = c.load(predictor.imageReaderWriter(),
                predictor.model().datasetJson().channelNames());
            short[] previous = previousStage == null ? null : c.loadPreviousStage(previousStage, predictor, loaded);
            Prediction r = predictor.predict(loaded.channels(), loaded.shape(), loaded.spacing(), previous,
                prefixed(p, label));
            written.addAll(CaseWriter.write(loaded.onFileGrid(r), loaded.geometry(), c.channels().get(0),
                outputFolder, c.id(), options.threads(), p));
            log.info(String.format(Locale.ROOT, "MedNeXt-v2: %s%.1f s", label, r.times().total()));
          } catch (CancelledException e) {
            throw e;
          } catch (IOException | RuntimeException | OutOfMemoryError e) {
            predictor.rethrowFailure(e); // no engine or device: no case can run, and that is the news
            failed.put(c.id(), Errors.message(e));
            log.warn("MedNeXt-v2: " + label + Errors.message(e));
          }
        }
        return new BatchResult(written, skipped, failed);
      });
    }
  }

  @Override
  public ModelSummary describeModel(Path modelFolder) throws IOException {
    return ModelSummary.read(modelFolder);
  }

  @Override
  public ResultsTable labelStatistics(ImagePlus labels, String intensityTitle) {
    Checks.notNull(labels, "labels");
    ImagePlus intensity = LabelImages.intensityImage(labels, intensityTitle);
    if (intensity == null) {
      log.warn("MedNeXt-v2: no intensity image for " + labels.getTitle() + " (pass intensity=[title]); "
          + "mean and SD are left out");
    }
    return LabelStatistics.compute(labels, intensity, LabelImages.names(labels));
  }

  @Override
  public void showResults(ResultsTable table) {
    Analyzer.setResultsTable(table); // NB: show("Results") alone does not make it the macros' table when headless
    if (!headless()) table.show("Results");
  }

  @Override
  public String showPreview(ImagePlus labels, String intensityTitle, String viewer) {
    Checks.notNull(labels, "labels");
    Checks.argument(!headless(), "Show Preview needs a screen; it cannot run headless");
    ImagePlus intensity = LabelImages.intensityImage(labels, intensityTitle);
    Checks.argument(intensity != null, "the image %s was segmented from is not open; pass its title as "
        + "intensity=[title]", labels.getTitle());
    String v = viewer == null || viewer.isBlank() ? VIEWER_AUTO : viewer;
    Checks.argument(v.equals(VIEWER_AUTO) || v.equals(VIEWER_BDV) || v.equals(VIEWER_IMAGEJ),
        "viewer must be %s, %s or %s, got '%s'", VIEWER_AUTO, VIEWER_BDV, VIEWER_IMAGEJ, v);
    boolean bdv = v.equals(VIEWER_BDV) || (v.equals(VIEWER_AUTO) && BdvBridge.isAvailable());
    Checks.argument(!v.equals(VIEWER_BDV) || BdvBridge.isAvailable(),
        "BigDataViewer is not installed (it comes with Fiji); use viewer=ImageJ");
    if (bdv) {
      Volume<?> image = ImagePlusVolumes.toVolume(intensity);
      Volume<?> label = ImagePlusVolumes.toVolume(labels);
      double min = intensity.getCalibration().getCValue(intensity.getDisplayRangeMin());
      double max = intensity.getCalibration().getCValue(intensity.getDisplayRangeMax());
      BdvBridge.show(image.channel(0), min, max, label.channel(0), image.geometry().spacing(), intensity.getTitle());
      return VIEWER_BDV;
    }
    ImageJPreview.show(intensity, labels);
    return VIEWER_IMAGEJ;
  }

  @Override
  public String reportError(String command, Throwable error) {
    if (error instanceof CancelledException) {
      statusService.showStatus(command + ": cancelled");
      return "cancelled";
    }
    boolean headless = headless();
    String message = Errors.describe(error, headless);
    if (headless) {
      log.debug(command + " failed", error); // NB: headless, the log is stderr, which gets one line only
      System.err.println("MedNeXt-v2: " + command + ": " + message);
    } else {
      if (Errors.isUserError(error)) log.debug(command + " failed", error);
      else log.error(command + " failed", error); // a bug: the trace goes to the Console, the user gets one sentence
      IJ.error(command, message);
    }
    return message;
  }

  @Override
  public void releaseModels() {
    cache.clear();
  }

  // -- Service methods --

  @Override
  public void initialize() {
    core.addHandler(warningsToLog);
  }

  // -- Disposable methods --

  @Override
  public void dispose() {
    core.removeHandler(warningsToLog);
    cache.close();
  }

  // -- Helpers --

  private <R> R withPredictor(Path folder, PredictorOptions options, Progress p, Work<R> work) throws IOException {
    Checks.notNull(folder, "model folder");
    p.start("loading model " + folder.getFileName(), 0);
    try (ModelCache<PredictorOptions, Predictor>.Lease lease = cache.acquire(folder, options)) {
      p.checkCancelled();
      log.info("MedNeXt-v2: " + lease.model().describe());
      // libtorch's grad mode is per thread, and Fiji runs commands on pooled threads: the network turns it off on
      // this one, so put back what it was. Asked only once the engine is up: asking would wait for the start the
      // predictor runs in the background, and until then every thread has libtorch's default (on)
      boolean previous = !Engines.isStarted() || Engines.gradMode();
      try {
        return work.run(lease.model());
      } finally {
        if (Engines.isStarted()) Engines.setGradMode(previous);
      }
    }
  }

  private static List<Fold> parseFolds(String folds) {
    String f = folds == null ? "" : folds.trim();
    if (f.isEmpty() || f.equalsIgnoreCase("auto")) return List.of();
    List<Fold> out = new ArrayList<>();
    for (String part : f.split("[,\\s]+")) {
      if (part.isEmpty()) continue;
      try {
        out.add(Fold.parse(part));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("folds must be auto, all or fold numbers such as 0 or 0,1,2; got '"
            + folds + "'", e);
      }
    }
    return out;
  }

  private static Progress prefixed(Progress p, String prefix) {
    return new Progress() {
      @Override
      public void start(String stage, long total) {
        p.start(prefix + stage, total);
      }

      @Override
      public void update(long done) {
        p.update(done);
      }

      @Override
      public void message(String text) {
        p.message(prefix + text);
      }

      @Override
      public boolean isCancelled() {
        return p.isCancelled();
      }
    };
  }

  private static boolean headless() {
    return GraphicsEnvironment.isHeadless();
  }
}
