package org.mednext.preprocess;

/**
 * One case after preprocessing, with what export needs to go back to the original grid. All shapes and spacings
 * are in the transposed nnU-Net order.
 *
 * @param data preprocessed channels, shape {@code shape}
 * @param shape preprocessed shape (after crop and resampling)
 * @param shapeBeforeCropping transposed shape of the original image
 * @param boundingBox crop box within {@code shapeBeforeCropping}
 * @param shapeAfterCropping shape of the cropped, not yet resampled image
 * @param spacing transposed original spacing
 * @param targetSpacing the configuration's spacing
 * @param transposeForward the permutation that was applied
 */
public record PreprocessedCase(float[][] data, int[] shape, int[] shapeBeforeCropping, BoundingBox boundingBox,
    int[] shapeAfterCropping, double[] spacing, double[] targetSpacing, int[] transposeForward) {}
