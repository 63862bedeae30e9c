#!/usr/bin/env python3
"""nnU-Net v2 inference for one case, restated with numpy/scipy/nibabel; only the network comes from `mednext forward`.

This is our own re-statement of nnunetv2's prediction path (nnUNetPredictor with the DefaultPreprocessor, NibabelIO,
3-D configurations, no cascade), written to cross-check `mednext predict` on volumes and model folders other than the
shared fixtures. Each step names the nnunetv2 function it restates, so a reader can hold it against that source:

  imageio/nibabel_reader_writer.py           NibabelIO.read_images / write_seg
  preprocessing/preprocessors/default_preprocessor.py   DefaultPreprocessor.run_case_npy, _normalize
  preprocessing/cropping/cropping.py         create_nonzero_mask, crop_to_nonzero (+ acvl_utils get_bbox_from_mask)
  preprocessing/normalization/default_normalization_schemes.py
  preprocessing/resampling/default_resampling.py        compute_new_shape, determine_do_sep_z_and_axis,
                                                        resample_data_or_seg_to_shape, resample_data_or_seg
  (batchgenerators) augmentations/utils.py    resize_segmentation (label maps: the cascade's previous stage)
  inference/data_iterators.py                preprocess_fromfiles_save_to_queue (the previous stage as one-hot channels)
  utilities/plans_handling/plans_handler.py  PlansManager._internal_resolve_configuration_inheritance
  preprocessing/resampling/resample_torch.py            resample_torch_fornnunet (needs torch: the plans of the
                                                        *_torchres planners; Debian's python3-torch will do)
  inference/sliding_window_prediction.py     compute_gaussian, compute_steps_for_sliding_window
  inference/predict_from_raw_data.py         initialize_from_trained_model_folder,
                                             predict_logits_from_preprocessed_data,
                                             predict_sliding_window_return_logits, _internal_maybe_mirror_and_predict,
                                             _internal_predict_sliding_window_return_logits
  inference/export_prediction.py             convert_predicted_logits_to_segmentation_with_correct_shape
  utilities/label_handling/label_handling.py LabelManager
  (acvl_utils) pad_nd_image; (skimage) transform.resize

Torch's arithmetic is imitated where it shapes the numbers: float32 mirror averaging, fp16 logit and weight
accumulation, fp16 fold sum, fp16 logits resampled at export, float32 softmax/sigmoid.

Usage (a case = one file per channel, CASE_0000.nii.gz ...):
  nnunet_numpy.py -i CASE_0000.nii.gz [...] -m MODEL_DIR -f 0 [1 ...] -o OUT_PREFIX [--step_size 0.5]
                  [--disable_tta] [-chk checkpoint_final.pth] [--mednext scripts/mednext] [--threads N]
                  [--prev_stage SEG.nii.gz]
Writes OUT_PREFIX.nii.gz (labels as NibabelIO.write_seg writes them), OUT_PREFIX.npz (`probabilities`, nnU-Net's
axis order) and OUT_PREFIX.json (pipeline facts: bbox, shapes, tile steps, mirror axes, separate-z decisions).
"""
import argparse
import codecs
import collections
import itertools
import json
import os
import pickle
import subprocess
import sys
import tempfile
import warnings
import zipfile

import nibabel as nib
import numpy as np
from scipy.ndimage import binary_fill_holes, gaussian_filter, map_coordinates, zoom

ANISO_THRESHOLD = 3  # default_resampling.ANISO_THRESHOLD
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# ---------------------------------------------------------------------------------------------------- reading ---

def read_images(files):
    """NibabelIO.read_images: (C, z, y, x) float32 and spacing (sz, sy, sx); the affine is only kept for writing."""
    images, spacings, affines = [], [], []
    for f in files:
        im = nib.load(f)
        if im.ndim != 3:
            raise SystemExit(f"{f}: NibabelIO reads 3-D images only, got {im.ndim}-D")
        affines.append(im.affine)
        spacings.append([float(z) for z in im.header.get_zooms()[::-1]])
        # get_fdata applies scl_slope/scl_inter in float64; the (2, 1, 0) transpose mimics SimpleITK's axis order
        images.append(im.get_fdata().transpose((2, 1, 0))[None])
    for s, f in zip(spacings[1:], files[1:]):
        if s != spacings[0]:
            raise SystemExit(f"{f}: spacing {s} differs from the first channel's {spacings[0]}")
    return np.vstack(images).astype(np.float32, copy=False), {"spacing": spacings[0], "affine": affines[0]}


def write_seg(seg, path, affine):
    """NibabelIO.write_seg: back to NIfTI (x, y, z) order; uint8 when max < 255, else uint16."""
    seg = seg.transpose((2, 1, 0)).astype(np.uint8 if np.max(seg) < 255 else np.uint16, copy=False)
    nib.save(nib.Nifti1Image(seg, affine=affine), path)


# ----------------------------------------------------------------------------------------------- preprocessing ---

def create_nonzero_mask(data):
    """cropping.create_nonzero_mask: any channel != 0, holes (not 6-connected to the border) filled."""
    mask = data[0] != 0
    for c in range(1, data.shape[0]):
        mask |= data[c] != 0
    return binary_fill_holes(mask)


def get_bbox_from_mask(mask):
    """acvl_utils get_bbox_from_mask: [[lo, hi), ...] per axis; an empty mask gives the whole image."""
    box = []
    for d in range(mask.ndim):
        other = tuple(i for i in range(mask.ndim) if i != d)
        hit = np.flatnonzero(np.any(mask, axis=other))
        box.append([int(hit[0]), int(hit[-1]) + 1] if hit.size else [0, mask.shape[d]])
    return box


def crop_to_nonzero(data, seg=None):
    """cropping.crop_to_nonzero: returns data, seg, bbox. Without a label map seg is 0 inside the mask and -1 outside;
    a given label map is cropped alike and set to -1 where it is 0 outside the mask (other labels are kept)."""
    mask = create_nonzero_mask(data)
    bbox = get_bbox_from_mask(mask)
    sl = tuple(slice(a, b) for a, b in bbox)
    if seg is None:
        seg = np.where(mask[sl], np.int8(0), np.int8(-1))[None]
    else:
        seg = seg[(slice(None), *sl)].copy()
        seg[(seg == 0) & (~mask[sl][None])] = -1
    return data[(slice(None), *sl)], seg, bbox


def compute_new_shape(old_shape, old_spacing, new_spacing):
    """default_resampling.compute_new_shape (Python round: half to even)."""
    return [int(round(i / j * k)) for i, j, k in zip(old_spacing, new_spacing, old_shape)]


def normalize(image, seg, scheme, use_mask, props):
    """default_normalization_schemes.*.run on one channel (float32 throughout, as nnU-Net's target_dtype)."""
    image = image.astype(np.float32, copy=False)
    if scheme == "ZScoreNormalization":
        if use_mask:
            # the mask is seg >= 0: the crop's non-zero mask, and labelled voxels where a label map came along;
            # voxels outside it keep their values
            m = seg >= 0
            with warnings.catch_warnings():  # an empty mask: NaN statistics that touch no voxel, as in nnU-Net
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = image[m].mean()
                std = image[m].std()
                image[m] = (image[m] - mean) / max(std, 1e-8)
        else:
            mean = image.mean()
            std = image.std()
            image -= mean
            image /= max(std, 1e-8)
    elif scheme == "CTNormalization":  # use_mask_for_norm is ignored by this scheme, as in nnU-Net
        np.clip(image, props["percentile_00_5"], props["percentile_99_5"], out=image)
        image -= props["mean"]
        image /= max(props["std"], 1e-8)
    elif scheme == "NoNormalization":
        pass
    elif scheme == "RescaleTo01Normalization":
        image -= image.min()
        image /= np.clip(image.max(), a_min=1e-8, a_max=None)
    elif scheme == "RGBTo01Normalization":
        if image.min() < 0 or image.max() > 255:
            raise SystemExit("RGBTo01Normalization needs values in 0..255")
        image /= 255.
    else:
        raise SystemExit(f"normalization scheme {scheme} is not restated here")
    return image


# ---------------------------------------------------------------------------------------------------- resampling ---

def get_do_separate_z(spacing, threshold):
    return (np.max(spacing) / np.min(spacing)) > threshold


def get_lowres_axis(spacing):
    return np.where(max(spacing) / np.array(spacing) == 1)[0]


def determine_do_sep_z_and_axis(force_separate_z, current_spacing, new_spacing, threshold):
    """default_resampling.determine_do_sep_z_and_axis; an ambiguous low-resolution axis (2 or 3 tied) means 3-D."""
    if force_separate_z is not None:
        do = force_separate_z
        axis = get_lowres_axis(current_spacing) if force_separate_z else None
    elif get_do_separate_z(current_spacing, threshold):
        do, axis = True, get_lowres_axis(current_spacing)
    elif get_do_separate_z(new_spacing, threshold):
        do, axis = True, get_lowres_axis(new_spacing)
    else:
        do, axis = False, None
    if axis is not None:
        if len(axis) != 1:
            return False, None
        axis = int(axis[0])
    return do, axis


def resize(image, new_shape, order):
    """skimage.transform.resize(image, new_shape, order, mode='edge', anti_aliasing=False) as skimage >= 0.19 does it:
    scipy zoom in grid mode with zoom factors 1 / (in / out), then clipped to the input's range."""
    image = np.asarray(image, dtype=np.float64)
    factors = [1 / (i / o) for i, o in zip(image.shape, new_shape)]
    out = zoom(image, factors, order=order, mode="nearest", grid_mode=True)
    assert out.shape == tuple(new_shape), (out.shape, new_shape)
    np.clip(out, image.min(), image.max(), out=out)
    return out


def resize_segmentation(segmentation, new_shape, order):
    """batchgenerators resize_segmentation: order 0 resizes the values; otherwise each unique label (ascending) is
    resized as a float mask and set where it reaches 0.5, later labels overwriting earlier ones; 0 elsewhere."""
    if order == 0:
        return resize(segmentation.astype(float), new_shape, 0).astype(segmentation.dtype)
    out = np.zeros(new_shape, dtype=segmentation.dtype)
    for c in np.unique(segmentation):
        out[resize((segmentation == c).astype(float), new_shape, order) >= 0.5] = c
    return out


def resample_data_or_seg(data, new_shape, axis, order, do_separate_z, order_z, is_seg=False):
    """default_resampling.resample_data_or_seg; the result has the input's dtype."""
    shape = np.array(data[0].shape)
    new_shape = np.array(new_shape)
    if not np.any(shape != new_shape):
        return data  # nnU-Net returns the very array, without a dtype change
    if is_seg and do_separate_z and order_z != 0:
        raise SystemExit("label maps with order_z > 0 are not restated here")
    resize_fn = resize_segmentation if is_seg else resize
    out = np.zeros((data.shape[0], *new_shape), dtype=data.dtype)
    data = data.astype(float)
    for c in range(data.shape[0]):
        if not do_separate_z:
            out[c] = resize_fn(data[c], new_shape, order)
            continue
        # in-plane resize slice by slice along the low-resolution axis, then order_z interpolation along it
        plane_shape = np.delete(new_shape, axis)
        tmp_shape = new_shape.copy()
        tmp_shape[axis] = shape[axis]
        here = np.zeros(tmp_shape)
        for s in range(shape[axis]):
            sl = [slice(None)] * 3
            sl[axis] = s
            here[tuple(sl)] = resize_fn(data[c][tuple(sl)], plane_shape, order)
        if shape[axis] == new_shape[axis]:
            out[c] = here
            continue
        # align_corners=False coordinates, as nnU-Net builds them for map_coordinates
        grids = np.mgrid[:new_shape[0], :new_shape[1], :new_shape[2]].astype(float)
        for d in range(3):
            grids[d] = float(here.shape[d]) / new_shape[d] * (grids[d] + 0.5) - 0.5
        out[c] = map_coordinates(here, grids, order=order_z, mode="nearest")
    return out


def resample_data_or_seg_to_shape(data, new_shape, current_spacing, new_spacing, is_seg=False, order=3, order_z=0,
                                  force_separate_z=False, separate_z_anisotropy_threshold=ANISO_THRESHOLD):
    """default_resampling.resample_data_or_seg_to_shape (is_seg: a cascade's previous stage)."""
    do, axis = determine_do_sep_z_and_axis(force_separate_z, current_spacing, new_spacing,
                                           separate_z_anisotropy_threshold)
    return resample_data_or_seg(data, new_shape, axis, order, do, order_z, is_seg), (axis if do else None)


def resample_torch_fornnunet(data, new_shape, current_spacing, new_spacing, is_seg=False, num_threads=4,
                             device=None, memefficient_seg_resampling=False, force_separate_z=None,
                             separate_z_anisotropy_threshold=ANISO_THRESHOLD, mode="linear",
                             aniso_axis_mode="nearest-exact"):
    """resample_torch.resample_torch_fornnunet with torch's own F.interpolate: the slices across a separate axis
    become channels of one bilinear resize, then that axis with aniso_axis_mode. A step whose shape does not change
    returns its input (so fp16 logits stay fp16 when nothing is resampled); otherwise float32, or for a label map
    (is_seg) int8/int16 by resample_torch_simple's label rules: each unique value's mask x 1000 resized, set where
    above 700, the rest by an fp16 argmax; or with memefficient_seg_resampling each mask set where above 0.5, later
    values overwriting."""
    import torch
    from torch.nn import functional as F
    do, axis = determine_do_sep_z_and_axis(force_separate_z, current_spacing, new_spacing,
                                           separate_z_anisotropy_threshold)

    def simple(x, shape, m):  # resample_torch_simple
        shape = [int(i) for i in shape]
        if list(x.shape[1:]) == shape:
            return x
        m = {4: "trilinear", 3: "bilinear"}[x.ndim] if m == "linear" else m
        if not is_seg:
            return F.interpolate(x[None].float(), shape, mode=m, antialias=False)[0]
        values = torch.unique(x)
        out = torch.zeros((x.shape[0], *shape), dtype=torch.int8 if max(values) < 127 else torch.int16)
        if memefficient_seg_resampling:
            for u in values:
                out[F.interpolate((x[None] == u).float(), shape, mode=m, antialias=False)[0] > 0.5] = u
            return out
        scores = torch.empty((len(values), x.shape[0], *shape), dtype=torch.float16)
        done = torch.zeros_like(out, dtype=torch.bool)
        for i, u in enumerate(values):
            scores[i] = F.interpolate((x[None] == u).float() * 1000, shape, mode=m, antialias=False)[0]
            mask = scores[i] > (0.7 * 1000)
            out[mask] = u.item()
            done |= mask
        if not torch.all(done):
            out[~done] = values[scores[:, ~done].argmax(0)].to(out.dtype)
        return out

    t = torch.from_numpy(np.ascontiguousarray(data))
    with torch.no_grad():
        if not do:
            out = simple(t, new_shape, mode)
        else:
            c, others = t.shape[0], [i for i in range(3) if i != axis]
            order = [0, axis + 1, others[0] + 1, others[1] + 1]
            x = t.permute(order).reshape(c * t.shape[axis + 1], t.shape[others[0] + 1], t.shape[others[1] + 1])
            x = simple(x, [new_shape[i] for i in others], mode)
            x = x.reshape(c, t.shape[axis + 1], x.shape[1], x.shape[2]).permute(list(np.argsort(order))).contiguous()
            out = simple(x, new_shape, aniso_axis_mode)
    return out.numpy(), (axis if do else None)


def resampling_fn(cfg, key):
    """ConfigurationManager.resampling_fn_*: the named function with its plans kwargs (missing ones: defaults)."""
    name = cfg[key]
    functions = {"resample_data_or_seg_to_shape": resample_data_or_seg_to_shape,
                 "resample_torch_fornnunet": resample_torch_fornnunet}
    if name not in functions:
        raise SystemExit(f"{key} = {name} is not restated here")
    kwargs = dict(cfg.get(key + "_kwargs", {}))
    return lambda data, new_shape, cur, new: functions[name](data, new_shape, cur, new, **kwargs)


# ------------------------------------------------------------------------------------------------ label handling ---

class LabelManager:
    """label_handling.LabelManager: labels or regions, heads, the inference non-linearity and the argmax/regions."""

    def __init__(self, dataset_json):
        labels = dataset_json["labels"]
        self.has_regions = any(isinstance(v, (tuple, list)) and len(v) > 1 for v in labels.values())
        everything = []
        for k, v in labels.items():
            if k == "ignore":  # the ignore label is never predicted
                continue
            everything += [int(i) for i in v] if isinstance(v, (tuple, list)) else [int(v)]
        self.all_labels = sorted(set(everything))
        self.foreground_labels = [i for i in self.all_labels if i != 0]
        if self.has_regions:
            self.regions_class_order = dataset_json["regions_class_order"]
            self.regions = []
            for k, v in labels.items():
                if k == "ignore":
                    continue
                if (np.isscalar(v) and v == 0) or (isinstance(v, (tuple, list)) and set(v) == {0}):
                    continue  # background is not a region
                self.regions.append(tuple(v) if isinstance(v, list) else v)
            assert len(self.regions_class_order) == len(self.regions)
            self.num_segmentation_heads = len(self.regions)
        else:
            self.num_segmentation_heads = len(self.all_labels)

    def apply_inference_nonlin(self, logits):
        """torch.sigmoid or torch.softmax(dim=0) on logits.float(): float32 arithmetic."""
        x = logits.astype(np.float32)
        if self.has_regions:
            one = np.float32(1)
            return one / (one + np.exp(-x))
        e = np.exp(x - x.max(0))
        return e / e.sum(0)

    def convert_probabilities_to_segmentation(self, probs):
        if self.has_regions:
            seg = np.zeros(probs.shape[1:], dtype=np.uint16)
            for i, c in enumerate(self.regions_class_order):  # later regions overwrite earlier ones
                seg[probs[i] > 0.5] = c
            return seg
        return probs.argmax(0)  # first maximum wins, as torch's and numpy's argmax

    def revert_cropping_on_probabilities(self, probs, bbox, shape_before_cropping):
        full = np.zeros((probs.shape[0], *shape_before_cropping), dtype=probs.dtype)
        if not self.has_regions:
            full[0] = 1  # outside the crop the background is certain
        full[(slice(None), *[slice(a, b) for a, b in bbox])] = probs
        return full


# ------------------------------------------------------------------------------------------------- checkpoints ---

class _Opaque:
    """Stands for any pickled object we do not need (tensors, torch.device): only the plain keys matter here."""

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        pass


class _MetadataUnpickler(pickle.Unpickler):
    """Reads a torch zip checkpoint's data.pkl without torch: tensors become _Opaque, plain data stays."""

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        # numpy scalars (the logging values) are rebuilt from bytes that protocol 2 stores through _codecs.encode
        plain = {("numpy.core.multiarray", "scalar"): np.core.multiarray.scalar, ("numpy", "dtype"): np.dtype,
                 ("_codecs", "encode"): codecs.encode}
        return plain.get((module, name), _Opaque)

    def persistent_load(self, pid):
        return None  # tensor storages live in other zip entries; we do not need them


def read_checkpoint_metadata(path):
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if n.endswith("/data.pkl") or n == "data.pkl")
        return _MetadataUnpickler(z.open(name)).load()


# ---------------------------------------------------------------------------------------------- sliding window ---

def pad_nd_image(image, patch):
    """acvl_utils pad_nd_image(image, patch, 'constant', value 0, return_slicer=True): half below, rest above."""
    old = np.array(image.shape[1:])
    new = np.maximum(np.array(patch), old)
    diff = new - old
    below, above = diff // 2, diff // 2 + diff % 2
    padded = np.pad(image, [[0, 0]] + [[int(a), int(b)] for a, b in zip(below, above)], mode="constant")
    revert = tuple(slice(int(a), int(a + o)) for a, o in zip(below, old))
    return padded, revert


def compute_steps_for_sliding_window(image_size, tile_size, tile_step_size):
    """sliding_window_prediction.compute_steps_for_sliding_window (np.round: half to even)."""
    target = [i * tile_step_size for i in tile_size]
    num_steps = [int(np.ceil((i - k) / j)) + 1 for i, j, k in zip(image_size, target, tile_size)]
    steps = []
    for d in range(len(tile_size)):
        max_step = image_size[d] - tile_size[d]
        actual = max_step / (num_steps[d] - 1) if num_steps[d] > 1 else 99999999999
        steps.append([int(np.round(actual * i)) for i in range(num_steps[d])])
    return steps


def compute_gaussian(tile_size, sigma_scale=1. / 8, value_scaling_factor=10):
    """sliding_window_prediction.compute_gaussian as fp16.

    torch converts the float64 map to half through float (c10::Half is built from a float), so we round twice too;
    zeros are then replaced by the smallest non-zero value (a zero weight would divide by zero at the rim)."""
    tmp = np.zeros(tile_size)
    tmp[tuple(i // 2 for i in tile_size)] = 1
    g = gaussian_filter(tmp, [i * sigma_scale for i in tile_size], 0, mode="constant", cval=0)
    g = g / (np.max(g) / value_scaling_factor)
    g = g.astype(np.float32).astype(np.float16)
    g[g == 0] = np.min(g[g != 0])
    return g


class Network:
    """One fold's network through `mednext forward` (a fresh process per call, so tiles go in batches)."""

    def __init__(self, mednext, checkpoint, workdir, threads, max_voxels=1 << 22):
        self.mednext, self.checkpoint, self.workdir = mednext, checkpoint, workdir
        self.threads, self.max_voxels = threads, max_voxels
        self.calls = 0

    def __call__(self, x):
        """x: (N, C, D, H, W) float32 -> out_0 (N, K, D, H, W) float32, the full-resolution head."""
        per_call = max(1, self.max_voxels // int(np.prod(x.shape[2:])))
        outs = []
        for start in range(0, x.shape[0], per_call):
            src = os.path.join(self.workdir, f"tiles_{self.calls}.npy")
            dst = os.path.join(self.workdir, f"heads_{self.calls}.npz")
            np.save(src, np.ascontiguousarray(x[start:start + per_call], dtype=np.float32))
            cmd = [self.mednext, "forward", "--checkpoint", self.checkpoint, "--input", src, "--output", dst]
            if self.threads:
                cmd += ["--threads", str(self.threads)]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                raise SystemExit(f"mednext forward failed ({r.returncode}):\n{r.stderr[-3000:]}")
            with np.load(dst) as z:
                outs.append(z["output_0"])
            os.remove(src)
            os.remove(dst)
            self.calls += 1
        return np.concatenate(outs, 0)


def mirror_combinations(mirror_axes):
    """_internal_maybe_mirror_and_predict's flip combinations over the spatial axes, in itertools order."""
    if mirror_axes is None:
        return []
    axes = [m + 2 for m in mirror_axes]
    return [c for i in range(len(axes)) for c in itertools.combinations(axes, i + 1)]


def predict_sliding_window_return_logits(data, net, patch, step_size, mirror_axes, heads):
    """predict_sliding_window_return_logits + _internal_predict_sliding_window_return_logits for one fold.

    nnU-Net runs the network tile by tile; we run all tiles (and their flips) in batches first and then aggregate
    in nnU-Net's tile order with its dtypes: the mirror average in float32, `prediction *= gaussian` in float32,
    `predicted_logits[sl] += prediction` rounded to fp16, `n_predictions[sl] += gaussian` in fp16, the division in
    fp16."""
    padded, revert = pad_nd_image(data, patch)
    steps = compute_steps_for_sliding_window(padded.shape[1:], patch, step_size)
    slicers = [tuple(slice(s, s + p) for s, p in zip(start, patch)) for start in itertools.product(*steps)]
    tiles = np.stack([padded[(slice(None), *s)] for s in slicers]).astype(np.float32)
    combos = mirror_combinations(mirror_axes)
    batch = np.concatenate([tiles] + [np.flip(tiles, c) for c in combos], 0)
    out = net(batch)
    n = len(slicers)
    if out.shape[1] != heads:
        raise SystemExit(f"the network has {out.shape[1]} output channels, the label manager expects {heads}")
    # _internal_maybe_mirror_and_predict: prediction += flip(network(flip(x))) per combination, then / (n + 1)
    pred = out[:n].copy()
    for i, c in enumerate(combos):
        pred += np.flip(out[(i + 1) * n:(i + 2) * n], c)
    if mirror_axes is not None:
        pred /= np.float32(len(combos) + 1)
    gaussian = compute_gaussian(tuple(patch))
    g32 = gaussian.astype(np.float32)
    logits = np.zeros((heads, *padded.shape[1:]), dtype=np.float16)
    weights = np.zeros(padded.shape[1:], dtype=np.float16)
    for i, s in enumerate(slicers):
        region = (slice(None), *s)
        logits[region] = (logits[region].astype(np.float32) + pred[i] * g32).astype(np.float16)
        weights[s] = (weights[s].astype(np.float32) + g32).astype(np.float16)
    logits = (logits.astype(np.float32) / weights.astype(np.float32)).astype(np.float16)
    if np.any(np.isinf(logits)):
        raise SystemExit("inf in the aggregated logits (nnU-Net aborts here too)")
    facts = {"padded_shape": list(padded.shape[1:]), "steps": steps, "tiles": n,
             "forward_passes": n * (len(combos) + 1)}
    return logits[(slice(None), *revert)], facts


# ------------------------------------------------------------------------------------------------------ predict ---

def configuration_with_inheritance(plans, name):
    """PlansManager._internal_resolve_configuration_inheritance: the parent's entries updated with the child's."""
    cfg = plans["configurations"][name]
    if "inherits_from" in cfg:
        base = configuration_with_inheritance(plans, cfg["inherits_from"])
        base.update(cfg)
        cfg = base
    return dict(cfg)


def predict_case(image_files, model, folds, out_prefix, step_size=0.5, use_mirroring=True,
                 checkpoint_name="checkpoint_final.pth", mednext=None, threads=None, workdir=None, prev_stage=None):
    """prev_stage: the previous stage's segmentation file, for a cascade's second stage (nnU-Net's
    folder_with_segs_from_prev_stage holds it as CASE + file_ending)."""
    plans = json.load(open(os.path.join(model, "plans.json")))
    dataset_json = json.load(open(os.path.join(model, "dataset.json")))
    # PlansManager.image_reader_writer_class: at inference the plans name the reader; dataset.json's
    # overwrite_image_reader_writer only matters when the plans are made
    reader = plans.get("image_reader_writer")
    if reader != "NibabelIO":
        raise SystemExit(f"reader {reader}: only NibabelIO is restated here")

    # initialize_from_trained_model_folder: the first fold's checkpoint names configuration and mirror axes; a
    # checkpoint without 'inference_allowed_mirroring_axes' means no mirroring at all
    checkpoints = [os.path.join(model, f"fold_{f}", checkpoint_name) for f in folds]
    meta = read_checkpoint_metadata(checkpoints[0])
    configuration = meta["init_args"]["configuration"]
    cfg = configuration_with_inheritance(plans, configuration)
    if len(cfg["patch_size"]) != 3:
        raise SystemExit("only 3-D configurations are restated here")
    if (cfg.get("previous_stage") is None) != (prev_stage is None):  # predict_from_files asserts the first
        raise SystemExit("a cascade's second stage needs the previous stage's segmentation, others take none")
    allowed = meta.get("inference_allowed_mirroring_axes")
    mirror_axes = tuple(allowed) if (use_mirroring and allowed is not None) else None
    labels = LabelManager(dataset_json)

    # DefaultPreprocessor.run_case -> run_case_npy
    data, props = read_images(image_files)
    seg = None
    if prev_stage is not None:  # NibabelIO.read_seg reads it as an image
        seg, _ = read_images([prev_stage])
        if seg.shape[1:] != data.shape[1:]:
            raise SystemExit("Shape mismatch between image and segmentation")
    tf, tb = plans["transpose_forward"], plans["transpose_backward"]
    data = data.transpose([0, *[i + 1 for i in tf]])
    if seg is not None:
        seg = seg.transpose([0, *[i + 1 for i in tf]])
    original_spacing = [props["spacing"][i] for i in tf]
    shape_before_cropping = data.shape[1:]
    data, seg, bbox = crop_to_nonzero(data, seg)
    shape_after_cropping = data.shape[1:]
    target_spacing = cfg["spacing"]
    new_shape = compute_new_shape(shape_after_cropping, original_spacing, target_spacing)
    intensity = plans["foreground_intensity_properties_per_channel"]
    for c in range(data.shape[0]):  # _normalize (before resampling, on the cropped grid)
        data[c] = normalize(data[c], seg[0], cfg["normalization_schemes"][c], cfg["use_mask_for_norm"][c],
                            intensity.get(str(c)))
    data, sep_axis_data = resampling_fn(cfg, "resampling_fn_data")(data, new_shape, original_spacing, target_spacing)
    data = data.astype(np.float32, copy=False)
    if prev_stage is not None:
        # run_case_npy resamples the label map with resampling_fn_seg and casts it to int8/int16; the data iterator
        # appends its one-hot of the foreground labels as channels (convert_labelmap_to_one_hot, data's dtype)
        seg, _ = resampling_fn(cfg, "resampling_fn_seg")(seg, new_shape, original_spacing, target_spacing)
        seg = seg.astype(np.int16 if np.max(seg) > 127 else np.int8)
        onehot = np.stack([seg[0] == label for label in labels.foreground_labels]).astype(data.dtype)
        data = np.vstack((data, onehot))

    # predict_logits_from_preprocessed_data: fold results summed in fp16, then divided by the fold count in fp16
    own_workdir = workdir is None
    workdir = workdir or tempfile.mkdtemp(prefix="nnunet_numpy_")
    mednext = mednext or os.path.join(REPO, "scripts", "mednext")
    logits, facts = None, None
    for ckpt in checkpoints:
        net = Network(mednext, ckpt, workdir, threads)
        fold_logits, facts = predict_sliding_window_return_logits(
            data, net, cfg["patch_size"], step_size, mirror_axes, labels.num_segmentation_heads)
        logits = fold_logits if logits is None else (logits.astype(np.float32)
                                                     + fold_logits.astype(np.float32)).astype(np.float16)
    if len(checkpoints) > 1:
        logits = (logits.astype(np.float32) / np.float32(len(checkpoints))).astype(np.float16)
    if own_workdir:
        os.rmdir(workdir)

    # convert_predicted_logits_to_segmentation_with_correct_shape: fp16 logits resampled back (result stays fp16)
    logits_back, sep_axis_export = resampling_fn(cfg, "resampling_fn_probabilities")(
        logits, shape_after_cropping, target_spacing, original_spacing)
    probs = labels.apply_inference_nonlin(logits_back)
    seg_cropped = labels.convert_probabilities_to_segmentation(probs)
    seg_full = np.zeros(shape_before_cropping, dtype=np.uint8 if len(labels.foreground_labels) < 255 else np.uint16)
    seg_full[tuple(slice(a, b) for a, b in bbox)] = seg_cropped
    seg_full = seg_full.transpose(tb)
    probs_full = labels.revert_cropping_on_probabilities(probs, bbox, shape_before_cropping)
    probs_full = probs_full.transpose([0] + [i + 1 for i in tb])

    write_seg(seg_full, out_prefix + ".nii.gz", props["affine"])
    np.savez(out_prefix + ".npz", probabilities=probs_full)
    facts.update({"configuration": configuration, "bbox": bbox, "shape_before_cropping": list(shape_before_cropping),
                  "shape_after_cropping": list(shape_after_cropping), "preprocessed_shape": list(data.shape[1:]),
                  "original_spacing_transposed": original_spacing, "mirror_axes": mirror_axes,
                  "separate_z_axis_data": sep_axis_data, "separate_z_axis_export": sep_axis_export,
                  "folds": list(folds), "regions": labels.has_regions, "heads": labels.num_segmentation_heads})
    with open(out_prefix + ".json", "w") as f:
        json.dump(facts, f, indent=1)
    return facts


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-i", nargs="+", required=True, help="the case's channel files, channel 0 first")
    p.add_argument("-m", required=True, help="model folder (plans.json, dataset.json, fold_X/)")
    p.add_argument("-f", nargs="+", default=["0"], help="folds")
    p.add_argument("-o", required=True, help="output prefix")
    p.add_argument("-chk", default="checkpoint_final.pth")
    p.add_argument("--step_size", type=float, default=0.5)
    p.add_argument("--disable_tta", action="store_true")
    p.add_argument("--mednext", default=None, help="launcher for `forward` (default: this checkout's scripts/mednext)")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--prev_stage", default=None, help="the previous stage's segmentation (a cascade's second stage)")
    a = p.parse_args(argv)
    facts = predict_case(a.i, a.m, a.f, a.o, a.step_size, not a.disable_tta, a.chk, a.mednext, a.threads,
                         prev_stage=a.prev_stage)
    print(json.dumps(facts))


if __name__ == "__main__":
    sys.exit(main())
