package org.mednext.train;

import java.nio.file.Path;
import java.util.Optional;
import org.mednext.net.MedNeXtConfig;
import org.mednext.util.Checks;

/**
 * What to train: the data, where the model folder goes, and either a pretrained model (fine-tuning) or a network
 * configuration (from scratch).
 *
 * @param data labelled cases
 * @param modelFolder output model folder (dataset.json, plans.json, fold_X/)
 * @param pretrained a pretrained model folder or .pth checkpoint (its plans come from the folder or the
 *     checkpoint's init_args), or empty to train from scratch
 * @param network from scratch: the network (its input channels and classes are set from the data); ignored when
 *     fine-tuning
 * @param patch patch size in the plans' (transposed) axis order, or empty for the plans' / planner's default
 * @param targetSpacing from scratch: the spacing to resample to, (z, y, x) mm in the images' array order, or empty
 *     for the planner's median spacing (nnU-Net's {@code -overwrite_target_spacing})
 * @param fold "0".."4" (nnU-Net's 5-fold split), "all" (train = validation = all cases), or empty: fold 0 with
 *     at least 5 cases, else "all"
 * @param resume continue from fold_X/checkpoint_latest.pth
 */
public record TrainingSetup(TrainingData data, Path modelFolder, Optional<Path> pretrained,
    Optional<MedNeXtConfig> network, Optional<int[]> patch, Optional<double[]> targetSpacing, Optional<String> fold,
    boolean resume) {

  public TrainingSetup {
    Checks.notNull(data, "data");
    Checks.notNull(modelFolder, "modelFolder");
    Checks.argument(pretrained.isPresent() || network.isPresent() || resume,
        "give a pretrained model (fine-tuning) or a network variant (training from scratch)");
    fold.ifPresent(f -> Checks.argument(f.equals("all") || f.matches("[0-4]"), "fold must be 0..4 or all, got %s", f));
  }
}
