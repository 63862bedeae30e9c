package org.mednext.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A configuration's {@code architecture} block: the network class nnU-Net would import, its constructor
 * kwargs, and which kwargs are class paths.
 *
 * @param networkClassName dotted class path, e.g. {@code dynamic_network_architectures.architectures.unet.PlainConvUNet}
 * @param archKwargs constructor kwargs as written (a copy is returned)
 * @param kwRequiresImport {@code _kw_requires_import}: kwargs whose string values are class paths (empty when absent)
 * @param strides {@code arch_kwargs.strides} per stage, each expanded to one entry per axis (transposed array
 *     order); nnU-Net's {@code pool_op_kernel_sizes}. Empty when arch_kwargs have no strides.
 * @param medNeXt the MedNeXt hyper-parameters when the network is MedNeXt-like, else empty
 */
public record Architecture(String networkClassName, JsonObject archKwargs, List<String> kwRequiresImport,
    List<List<Integer>> strides, Optional<ArchitectureHints> medNeXt) {

  public Architecture {
    Objects.requireNonNull(networkClassName, "networkClassName == null");
    archKwargs = archKwargs.deepCopy();
    kwRequiresImport = List.copyOf(kwRequiresImport);
    List<List<Integer>> s = new ArrayList<>();
    for (List<Integer> st : strides) s.add(List.copyOf(st));
    strides = Collections.unmodifiableList(s);
    Objects.requireNonNull(medNeXt, "medNeXt == null");
  }

  /** A copy of the constructor kwargs. */
  @Override
  public JsonObject archKwargs() {
    return archKwargs.deepCopy();
  }

  /** The last component of the class path, e.g. {@code PlainConvUNet}. */
  public String simpleClassName() {
    return networkClassName.substring(networkClassName.lastIndexOf('.') + 1);
  }

  /**
   * The MedNeXt hyper-parameters.
   *
   * @throws ModelFormatException naming the class when the network is not MedNeXt-like
   */
  public ArchitectureHints requireMedNeXt() throws ModelFormatException {
    if (medNeXt.isPresent()) return medNeXt.get();
    throw new ModelFormatException("the model's network is " + simpleClassName() + " (" + networkClassName
        + "), which is not supported; only MedNeXt networks are (arch_kwargs with n_channels, exp_r, block_counts, ...)");
  }

  /** Parses the block (cursor on it); {@code dim} is the configuration's number of spatial axes. */
  static Architecture parse(JsonCursor c, int dim) throws ModelFormatException {
    c.object();
    String className = c.field("network_class_name").string();
    JsonCursor kwCursor = c.field("arch_kwargs");
    JsonObject kw = kwCursor.object();
    JsonCursor imports = c.field("_kw_requires_import");
    List<String> req = imports.isAbsent() ? List.of() : imports.stringList();
    List<List<Integer>> strides = strides(kwCursor.field("strides"), dim);
    Optional<ArchitectureHints> hints = ArchitectureHints.isMedNeXtLike(className, kw)
        ? Optional.of(ArchitectureHints.parse(kwCursor, strides)) : Optional.empty();
    return new Architecture(className, kw, req, strides, hints);
  }

  /** Strides per stage; an integer entry means the same stride on every axis. */
  private static List<List<Integer>> strides(JsonCursor c, int dim) throws ModelFormatException {
    if (c.isAbsent()) return List.of();
    List<List<Integer>> out = new ArrayList<>();
    for (JsonCursor stage : c.list()) {
      JsonElement e = stage.element();
      List<Integer> s;
      if (JsonCursor.asInteger(e) != null) {
        s = Collections.nCopies(dim, stage.integer());
      } else if (e.isJsonArray()) {
        s = stage.intList();
      } else {
        throw stage.fail("expected an integer or a list of " + dim + " integers, got " + JsonCursor.describe(e));
      }
      if (s.size() != dim) throw stage.failGot("expected " + dim + " strides (one per axis of patch_size)");
      for (int v : s) if (v < 1) throw stage.fail("strides must be >= 1, got " + JsonCursor.describe(e));
      out.add(s);
    }
    return out;
  }
}
