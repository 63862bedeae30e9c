#@ net.imglib2.img.Img (label = "Image (x, y, z)") image
#@ Double (label = "Voxel width (mm)", value = 1.0) voxel_x
#@ Double (label = "Voxel height (mm)", value = 1.0) voxel_y
#@ Double (label = "Voxel depth (mm)", value = 1.0) voxel_z
#@ java.io.File (label = "Model folder", style = "directory") model
#@ org.mednext.fiji.MedNeXtService mednext
#@output net.imglib2.img.Img labels

// MedNeXt-v2 for Fiji, example Groovy script: segments an ImgLib2 image (x, y, z) given its voxel size in mm.
// The labels come back as an (x, y, z) image of unsigned 16-bit label values.

double[] spacing = [voxel_x, voxel_y, voxel_z]
labels = mednext.segment(image, spacing, model.toPath(), mednext.options("auto", 0.5, true, "auto"))
