/**
 * The Fiji front end: SciJava commands (Plugins &gt; MedNeXt-v2 &gt; ...) that are thin shells over
 * {@link org.mednext.fiji.MedNeXtService}, ImageJ 1.x menu entries for plain ImageJ
 * ({@link org.mednext.fiji.ImageJ1Commands}, registered by plugins.config), progress and cancel through SciJava's
 * task service or ImageJ's status bar, label images with a LUT and names, label statistics, 3D previews
 * (BigDataViewer through a reflection bridge, or an ImageJ composite) and a live training plot. Axis orders:
 * ImageJ stacks and ImgLib2 images are (x, y, z), spacing (x, y, z) in mm; the core's arrays are (z, y, x).
 */
package org.mednext.fiji;
