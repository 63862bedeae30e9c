/**
 * nnU-Net v2 trained model folders, typed and validated: {@link org.mednext.model.ModelFolder} (layout, folds,
 * checkpoints), {@link org.mednext.model.DatasetJson} with its {@link org.mednext.model.Labels},
 * {@link org.mednext.model.Plans} with resolved {@link org.mednext.model.Configuration}s, and the
 * cross-validation {@link org.mednext.model.Splits} reproduced bit-exactly from nnU-Net/numpy.
 *
 * <p>Axis order: every per-axis list here ({@code patch_size}, {@code spacing}, {@code strides}) is in nnU-Net's
 * <em>transposed array order</em>, i.e. after {@code transpose_forward} was applied to the (z, y, x) array order;
 * spacing is in mm. Files are parsed and validated once; errors are {@link org.mednext.model.ModelFormatException}s
 * naming the file and the JSON path.
 */
package org.mednext.model;
