package org.mednext.train.augment;

import java.util.SplittableRandom;
import org.mednext.train.sampling.Patch;
import org.mednext.util.Checks;

/** batchgeneratorsv2's {@code RandomTransform}: applies a transform to a sample with probability p (one draw). */
public final class Randomly implements Transform {

  private final Transform transform;
  private final double probability;

  /** {@code transform} applied with {@code probability} in [0, 1]. */
  public Randomly(Transform transform, double probability) {
    this.transform = Checks.notNull(transform, "transform");
    Checks.argument(probability >= 0 && probability <= 1, "probability must be in [0, 1], got %s", probability);
    this.probability = probability;
  }

  /** The wrapped transform. */
  public Transform transform() {
    return transform;
  }

  /** The probability of applying it. */
  public double probability() {
    return probability;
  }

  @Override
  public Patch apply(Patch patch, SplittableRandom random) {
    return random.nextDouble() < probability ? transform.apply(patch, random) : patch;
  }

  @Override
  public String toString() {
    return "Randomly(p=" + probability + ", " + transform + ")";
  }
}
