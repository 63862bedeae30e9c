package org.mednext.fiji;

import ij.ImagePlus;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.mednext.train.TrainingOptions;
import org.mednext.util.Checks;

/**
 * A fine-tuning job from Fiji: a pretrained model folder, where the new model folder goes, and the labelled data,
 * either an nnU-Net raw dataset folder or pairs of open images and their label images.
 *
 * @param pretrained pretrained nnU-Net model folder (MedNeXt)
 * @param output new model folder
 * @param dataset nnU-Net raw dataset folder, or empty when {@code images} are given
 * @param images open intensity images (calibration = spacing), one per case
 * @param labels their label images (same size), integer labels
 * @param options epochs, iterations, optimizer, ... (see {@link TrainingOptions})
 * @param patch patch size in the plans' axis order, or empty for the pretrained plans'
 * @param fold "0".."4", "all", or empty for the default
 */
public record FineTuneRequest(Path pretrained, Path output, Optional<Path> dataset, List<ImagePlus> images,
    List<ImagePlus> labels, TrainingOptions options, Optional<int[]> patch, Optional<String> fold) {

  public FineTuneRequest {
    Checks.notNull(pretrained, "pretrained");
    Checks.notNull(output, "output");
    images = List.copyOf(images);
    labels = List.copyOf(labels);
    Checks.argument(dataset.isPresent() != !images.isEmpty(),
        "give either a dataset folder or open images with label images, not both or neither");
    Checks.argument(images.size() == labels.size(), "%d image(s) but %d label image(s)", images.size(), labels.size());
  }
}
