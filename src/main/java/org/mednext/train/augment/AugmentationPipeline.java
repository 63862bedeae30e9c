package org.mednext.train.augment;

import java.util.ArrayList;
import java.util.List;
import org.mednext.train.sampling.Patch;
import org.mednext.train.sampling.Seeds;
import org.mednext.util.Checks;

/**
 * A fixed sequence of {@link Transform}s applied to one sample. Step i draws from its own generator,
 * {@code Seeds.random(seed, i)}, so a sample's augmentation depends only on its seed, and a step that does not
 * fire leaves the choices of the later steps unchanged.
 */
public final class AugmentationPipeline {

  private final List<Transform> transforms;

  /** The given steps, in order. */
  public AugmentationPipeline(List<Transform> transforms) {
    Checks.notNull(transforms, "transforms");
    this.transforms = List.copyOf(transforms);
  }

  /**
   * nnU-Net's training augmentation in its order (NNUNET_PIPELINE_SPEC.md §D.7 rows 1-11): spatial, noise (0.1),
   * blur (0.2), brightness (0.15), contrast (0.15), low resolution (0.25), inverted gamma (0.1), gamma (0.3),
   * mirroring, masking (if configured) and label clean-up. Input: the enlarged patch; output: the final patch.
   */
  public static AugmentationPipeline training(AugmentationConfig config, int threads) {
    Checks.notNull(config, "config");
    List<Transform> t = new ArrayList<>();
    t.add(new SpatialTransform(config, threads));
    t.add(new Randomly(new GaussianNoise(threads), 0.1));
    boolean planar = config.geometry() == AugmentationConfig.Geometry.PLANAR;
    t.add(new Randomly(new GaussianBlur(planar ? new int[] {1, 2} : new int[] {0, 1, 2}, threads), 0.2));
    t.add(new Randomly(new MultiplicativeBrightness(), 0.15));
    t.add(new Randomly(new Contrast(), 0.15));
    t.add(new Randomly(new SimulateLowResolution(config.inPlane(), threads), 0.25));
    t.add(new Randomly(new Gamma(true), 0.1));
    t.add(new Randomly(new Gamma(false), 0.3));
    if (config.mirrorAxes().length > 0) t.add(new Mirror(config.mirrorAxes()));
    if (config.maskImage()) t.add(new MaskImage());
    t.add(new RemoveLabel());
    return new AugmentationPipeline(t);
  }

  /** nnU-Net's validation transforms: only the label clean-up (the sampler already cut the final patch). */
  public static AugmentationPipeline validation() {
    return new AugmentationPipeline(List.of(new RemoveLabel()));
  }

  /** The steps, in order. */
  public List<Transform> transforms() {
    return transforms;
  }

  /** Augments one sample; may modify {@code patch}'s arrays in place. */
  public Patch apply(Patch patch, long seed) {
    Patch p = Checks.notNull(patch, "patch");
    for (int i = 0; i < transforms.size(); i++) p = transforms.get(i).apply(p, Seeds.random(seed, i));
    return p;
  }

  @Override
  public String toString() {
    return "AugmentationPipeline" + transforms;
  }
}
