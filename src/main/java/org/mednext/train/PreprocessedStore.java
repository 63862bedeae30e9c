package org.mednext.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mednext.io.Npz;
import org.mednext.io.NpyArray;
import org.mednext.preprocess.Preprocessor;
import org.mednext.train.sampling.CaseData;
import org.mednext.train.sampling.ClassLocations;
import org.mednext.util.AtomicFiles;

/**
 * Preprocessed training cases cached on disk, like nnU-Net's preprocessed folder: {@code <dir>/<case>.npz} holds
 * {@code data} (C, a0, a1, a2) float32, {@code seg} (a0, a1, a2) int16 with -1 outside the non-zero mask, and the
 * sampled foreground locations; {@code <case>.key} records what it was made from (plans configuration, source
 * files), so a changed input or plan is preprocessed again and an unchanged one is reused.
 */
final class PreprocessedStore {

  /** How cases are read and preprocessed; a change here must not reuse cases made the old way. */
  private static final String READING = "label files scaled by ITK's rule (2026-11-29); z-score mask from the labels"
      + " (2026-11-29, late)";

  private final Path dir;
  private final Preprocessor preprocessor;
  private final int[] foregroundLabels;
  private final String planKey;

  PreprocessedStore(Path dir, Preprocessor preprocessor, int[] foregroundLabels, String planKey) {
    this.dir = dir;
    this.preprocessor = preprocessor;
    this.foregroundLabels = foregroundLabels.clone();
    this.planKey = planKey;
  }

  /** The preprocessed case, from the cache when it is current. */
  CaseData get(TrainingData.Case c) throws IOException {
    String sourceKey = c.sourceKey();
    if (sourceKey == null) return preprocess(c);
    Files.createDirectories(dir);
    Path npz = dir.resolve(c.id() + ".npz");
    Path keyFile = dir.resolve(c.id() + ".key");
    String key = digest(READING + "\n" + planKey + "\n" + sourceKey);
    if (Files.isRegularFile(npz) && Files.isRegularFile(keyFile) && Files.readString(keyFile).equals(key)) {
      try {
        return load(c.id(), npz);
      } catch (IOException | RuntimeException stale) {
        // a damaged cache entry is rebuilt below
      }
    }
    CaseData data = preprocess(c);
    save(data, npz);
    AtomicFiles.write(keyFile, out -> out.write(key.getBytes(StandardCharsets.UTF_8)));
    return data;
  }

  private CaseData preprocess(TrainingData.Case c) throws IOException {
    TrainingData.Loaded l = c.load();
    Preprocessor.Labelled p = preprocessor.runWithLabels(l.channels(), l.labels(), l.shape(), l.spacing());
    int[] shape = p.image().shape();
    ClassLocations locations = ClassLocations.sample(p.labels(), shape, foregroundLabels, ClassLocations.NNUNET_SEED);
    return new CaseData(c.id(), p.image().data(), p.labels(), shape, locations);
  }

  private void save(CaseData c, Path npz) throws IOException {
    int[] s = c.shape();
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    float[] data = new float[c.channels() * c.labels().length];
    for (int ch = 0; ch < c.channels(); ch++) System.arraycopy(c.data()[ch], 0, data, ch * c.labels().length, c.labels().length);
    arrays.put("data", NpyArray.ofFloats(new long[] {c.channels(), s[0], s[1], s[2]}, data));
    arrays.put("seg", NpyArray.of("i2", new long[] {s[0], s[1], s[2]}, c.labels()));
    for (int label : c.classLocations().labels()) {
      int[] coords = c.classLocations().coordinates(label);
      long[] l = new long[coords.length];
      for (int i = 0; i < l.length; i++) l[i] = coords[i];
      arrays.put("locations_" + label, NpyArray.ofLongs(new long[] {coords.length / 3, 3}, l));
    }
    Npz.write(npz, arrays, true);
  }

  private static CaseData load(String id, Path npz) throws IOException {
    Map<String, NpyArray> a = Npz.read(npz);
    long[] ds = a.get("data").shape();
    int[] shape = {(int) ds[1], (int) ds[2], (int) ds[3]};
    int n = shape[0] * shape[1] * shape[2];
    float[] flat = a.get("data").floats();
    float[][] data = new float[(int) ds[0]][];
    for (int c = 0; c < data.length; c++) {
      data[c] = new float[n];
      System.arraycopy(flat, c * n, data[c], 0, n);
    }
    short[] seg = (short[]) a.get("seg").data();
    List<Integer> labels = new ArrayList<>();
    List<int[]> coords = new ArrayList<>();
    for (Map.Entry<String, NpyArray> e : a.entrySet()) {
      if (!e.getKey().startsWith("locations_")) continue;
      labels.add(Integer.parseInt(e.getKey().substring("locations_".length())));
      double[] v = e.getValue().toDoubleArray();
      int[] c = new int[v.length];
      for (int i = 0; i < v.length; i++) c[i] = (int) v[i];
      coords.add(c);
    }
    int[] l = labels.stream().mapToInt(Integer::intValue).toArray();
    return new CaseData(id, data, seg, shape, ClassLocations.of(l, coords.toArray(new int[0][])));
  }

  static String digest(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
