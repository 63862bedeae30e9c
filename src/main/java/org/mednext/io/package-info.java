/**
 * Volume files: NIfTI-1/2 ({@link org.mednext.io.NiftiReader}, {@link org.mednext.io.NiftiWriter}), DICOM series
 * and TIFF stacks through ImageJ 1.x ({@link org.mednext.io.DicomSeriesReader}, {@link org.mednext.io.TiffReader}),
 * numpy's .npy/.npz ({@link org.mednext.io.Npy}, {@link org.mednext.io.Npz}) and nnU-Net's input-folder layout
 * ({@link org.mednext.io.CaseFiles}). {@link org.mednext.io.VolumeFormats} is the one list that picks a reader or
 * writer for a path.
 *
 * <p>Volumes are (x, y, z, c) with x fastest, spacing in mm, affines voxel-to-RAS (see
 * {@link org.mednext.volume.Geometry}). Every reader validates the sizes a header claims against the bytes that
 * are really there before it allocates, and fails with a {@link org.mednext.io.VolumeFormatException} naming the
 * file and the problem. Every writer writes to a temporary file in the target folder and moves it into place.
 */
package org.mednext.io;
