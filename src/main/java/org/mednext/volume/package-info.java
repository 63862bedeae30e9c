/**
 * Volumes: an ImgLib2 image plus voxel geometry. Axis order (x, y, z[, c]) with x fastest; nnU-Net's array
 * order is the reverse, (c, z, y, x). Spacing in mm, world coordinates RAS+ as NIfTI.
 */
package org.mednext.volume;
