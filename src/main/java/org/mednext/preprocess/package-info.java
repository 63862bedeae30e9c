/**
 * nnU-Net's preprocessing numerics on plain arrays: transpose, crop to the non-zero bounding box, intensity
 * normalization and resampling (NNUNET_PIPELINE_SPEC.md section B, and the logit resampling of C.7).
 *
 * <p>A channel is a {@code float[]} in C order with a shape {@code {s0, s1, s2}} in nnU-Net array order:
 * axis 2 varies fastest. For a NIfTI file read like nnU-Net's NibabelIO/SimpleITKIO that is (z, y, x), the
 * same memory layout as a {@link org.mednext.volume.Volume}'s (x, y, z) with x fastest. Spacings are in mm
 * in the same axis order. Volume-sized loops take a thread count and give bit-identical results for any count.
 */
package org.mednext.preprocess;
