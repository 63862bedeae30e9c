#!/usr/bin/env python3
"""Cross-check `mednext predict` against nnunet_numpy.py (our numpy restatement of nnU-Net v2) on made-up variants.

Builds inputs (crops, orientations, datatypes, anisotropic spacings) from the shared sample volumes and model copies
(plans.json / dataset.json edits, a checkpoint without mirroring axes) from the shared fixture models, runs both
pipelines on each and prints a markdown table. Run through tools/crosscheck/run; see tools/crosscheck/README.md.
"""
import argparse
import datetime
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

import nibabel as nib
import numpy as np
from nibabel.orientations import axcodes2ornt, io_orientation, ornt_transform

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import nnunet_numpy  # noqa: E402

FOLDER = "nnUNetTrainer_MedNeXtV2Ref__nnUNetPlans__3d_fullres"
CT_MODEL = "fixtures/nnunet_pipeline/models/Dataset981_MedNeXtV2RefCT/" + FOLDER
MR_MODEL = "fixtures/nnunet_pipeline/models/Dataset982_MedNeXtV2RefMR/" + FOLDER
CT_IMAGE = "sample-data/totalsegmentator-ct/example_ct.nii.gz"
MR_IMAGE = "sample-data/mricron-colin27-aal/ch2.nii.gz"

# Thresholds of the shared fixtures' README (section 6): what float32 noise of the network alone may cause.
MIN_AGREEMENT, MIN_DICE, MAX_PROB_MEAN, MAX_PROB_MAX = 0.9999, 0.999, 2e-5, 0.25


def find_shared():
    """As the tests' SharedData: $MEDNEXT_SHARED, else ../shared beside the checkout."""
    p = os.environ.get("MEDNEXT_SHARED") or os.path.join(REPO, "..", "shared")
    return os.path.abspath(p) if os.path.isdir(p) else None


# ------------------------------------------------------------------------------------------------------- inputs ---

def crop(img, box):
    """A sub-volume in NIfTI (i, j, k) index ranges; nibabel's slicer moves the affine's origin along."""
    return img.slicer[tuple(slice(a, b) for a, b in box)]


def with_data(img, data, dtype=None, slope=None, inter=None):
    """Same grid, new voxels; stored as dtype, with scl_slope/scl_inter when given."""
    out = nib.Nifti1Image(data if dtype is None else data.astype(dtype), img.affine)
    out.set_data_dtype(dtype or data.dtype)
    if slope is not None:
        out.header.set_slope_inter(slope, inter)
    return out


def scaled(img, dtype, slope, inter):
    """Stores the image's values as dtype with value = slope * stored + inter (rounded, clipped to the type)."""
    info = np.iinfo(dtype)
    stored = np.clip(np.round((img.get_fdata() - inter) / slope), info.min, info.max).astype(dtype)
    out = nib.Nifti1Image(stored, img.affine)
    out.set_data_dtype(dtype)
    out.header.set_slope_inter(slope, inter)
    return out


def reoriented(img, axcodes):
    """Voxels reordered (permuted and flipped) to the given axis codes, the affine adjusted to match."""
    return img.as_reoriented(ornt_transform(io_orientation(img.affine), axcodes2ornt(axcodes)))


def every_nth(img, axis, n):
    """Keeps every n-th slice along a NIfTI axis; the affine's column (and so pixdim) scaled by n."""
    sl = [slice(None)] * 3
    sl[axis] = slice(None, None, n)
    return img.slicer[tuple(sl)]


def rotated(img, degrees):
    """The same voxels under an oblique affine (a rotation about the k axis): only the affine changes."""
    t = np.deg2rad(degrees)
    r = np.eye(4)
    r[:2, :2] = [[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]
    return nib.Nifti1Image(np.asanyarray(img.dataobj), r @ img.affine)


def qform_only(img, degrees, shift):
    """An oblique affine held by the qform alone (sform_code 0): readers must build it from the quaternion."""
    t = np.deg2rad(degrees)
    r = np.eye(4)
    r[1:3, 1:3] = [[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]
    affine = r @ img.affine
    affine[:3, 3] += shift
    out = nib.Nifti1Image(np.asanyarray(img.dataobj), affine)
    out.set_qform(affine, code=1)
    out.set_sform(None, code=0)
    return out


def edit_raw_header(path, **fields):
    """Sets header fields in a written .nii.gz as they are, bypassing nibabel's checks (e.g. scl_slope 0)."""
    with gzip.open(path) as f:
        raw = f.read()
    hdr = np.frombuffer(raw[:348], dtype=nib.nifti1.header_dtype).copy()
    for k, v in fields.items():
        hdr[k] = v
    with gzip.open(path, "wb") as f:
        f.write(hdr.tobytes() + raw[348:])


# ------------------------------------------------------------------------------------------------------- models ---

def model_copy(dst, src, plans_edit=None, dataset_edit=None):
    """A model folder whose plans.json/dataset.json are edited copies; fold folders are links to the original's."""
    os.makedirs(dst, exist_ok=True)
    for name, edit in (("plans.json", plans_edit), ("dataset.json", dataset_edit)):
        d = json.load(open(os.path.join(src, name)))
        if edit:
            edit(d)
        with open(os.path.join(dst, name), "w") as f:
            json.dump(d, f, indent=1)
    for e in sorted(os.listdir(src)):
        if e.startswith("fold_") and not os.path.exists(os.path.join(dst, e)):
            os.symlink(os.path.join(src, e), os.path.join(dst, e))
    return dst


def without_mirroring_axes(src_ckpt, dst_ckpt):
    """Copies a torch zip checkpoint with the key 'inference_allowed_mirroring_axes' renamed in data.pkl.

    A same-length name keeps the pickle's length prefixes valid, so no re-pickling (and no torch) is needed."""
    key, other = b"inference_allowed_mirroring_axes", b"xcheck_removed_mirroring_axes___"
    assert len(key) == len(other)
    with zipfile.ZipFile(src_ckpt) as zin, zipfile.ZipFile(dst_ckpt, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith("data.pkl"):
                assert data.count(key) == 1, "expected the key once in data.pkl"
                data = data.replace(key, other)
            zout.writestr(info.filename, data)
    assert "inference_allowed_mirroring_axes" not in nnunet_numpy.read_checkpoint_metadata(dst_ckpt)


def set_kwargs(keys, **values):
    def edit(plans):
        for k in keys:
            plans["configurations"]["3d_fullres"][k].update(values)
    return edit


ALL_KWARGS = ("resampling_fn_data_kwargs", "resampling_fn_seg_kwargs", "resampling_fn_probabilities_kwargs")


def torch_resampling(**kwargs):
    """Plans whose three resampling functions are resample_torch_fornnunet with these kwargs (+ is_seg)."""
    def edit(plans):
        c = plans["configurations"]["3d_fullres"]
        for key in ("resampling_fn_data", "resampling_fn_seg", "resampling_fn_probabilities"):
            c[key] = "resample_torch_fornnunet"
            c[key + "_kwargs"] = dict(kwargs, is_seg=key == "resampling_fn_seg")
    return edit


def with_more_inputs(dst, src, extra, configuration=None, plans_edit=None, dataset_edit=None, seed=7):
    """A model copy whose fold_0 checkpoint's stem takes `extra` more input channels (random weights at the stem's
    scale), with the checkpoint's configuration renamed where given. Needs torch to rewrite the checkpoint."""
    import torch
    model_copy(dst, src, plans_edit=plans_edit, dataset_edit=dataset_edit)
    for e in os.listdir(dst):
        if e.startswith("fold_"):
            os.unlink(os.path.join(dst, e))
    os.makedirs(os.path.join(dst, "fold_0"))
    ckpt = torch.load(os.path.join(src, "fold_0", "checkpoint_final.pth"), map_location="cpu", weights_only=False)
    w = ckpt["network_weights"]["stem.weight"]
    g = torch.Generator().manual_seed(seed)
    more = torch.randn(w.shape[0], extra, *w.shape[2:], generator=g) * w.std()
    ckpt["network_weights"]["stem.weight"] = torch.cat([w, more.to(w.dtype)], 1)
    if configuration:
        ckpt["init_args"]["configuration"] = configuration
    torch.save(ckpt, os.path.join(dst, "fold_0", "checkpoint_final.pth"))
    return dst


def two_channels(dst, src):
    """A two-channel copy of a one-channel model: channel_names T1, T2; z-score with the non-zero mask for the
    first, without it for the second."""
    def plans_edit(p):
        c = p["configurations"]["3d_fullres"]
        c["normalization_schemes"] = ["ZScoreNormalization", "ZScoreNormalization"]
        c["use_mask_for_norm"] = [True, False]
    return with_more_inputs(dst, src, 1, plans_edit=plans_edit,
                            dataset_edit=lambda d: d.update(channel_names={"0": "T1", "1": "T2"}))


def cascade_stage(dst, src):
    """The second stage of a cascade made from a one-stage model folder: plans with nnU-Net's 3d_lowres (twice the
    spacing) and 3d_cascade_fullres (inherits 3d_fullres, previous_stage 3d_lowres), and a fold_0 checkpoint of that
    configuration whose stem takes one more input channel per foreground label. Needs torch."""
    def plans_edit(p):
        full = p["configurations"]["3d_fullres"]
        p["configurations"]["3d_lowres"] = {
            "inherits_from": "3d_fullres", "data_identifier": "nnUNetPlans_3d_lowres",
            "spacing": [2 * s for s in full["spacing"]], "next_stage": "3d_cascade_fullres"}
        p["configurations"]["3d_cascade_fullres"] = {"inherits_from": "3d_fullres", "previous_stage": "3d_lowres"}

    labels = nnunet_numpy.LabelManager(json.load(open(os.path.join(src, "dataset.json"))))
    return with_more_inputs(dst, src, len(labels.foreground_labels), "3d_cascade_fullres", plans_edit)


def bands(img, edges):
    """A made-up first-stage segmentation on the image's grid: label k where edges[k-1] < value <= edges[k]."""
    v = img.get_fdata()
    seg = np.zeros(v.shape, np.uint8)
    for k in range(1, len(edges)):
        seg[(v > edges[k - 1]) & (v <= edges[k])] = k
    return seg


# ----------------------------------------------------------------------------------------------------- variants ---

def build_variants(shared, scratch):
    """(name, what it exercises, input file, model folder, folds, tta, step size) for every variant."""
    ct_model, mr_model = os.path.join(shared, CT_MODEL), os.path.join(shared, MR_MODEL)
    ct, mr = nib.load(os.path.join(shared, CT_IMAGE)), nib.load(os.path.join(shared, MR_IMAGE))
    inputs, models = os.path.join(scratch, "inputs"), os.path.join(scratch, "models")
    previous = os.path.join(scratch, "previous")
    os.makedirs(inputs, exist_ok=True)
    os.makedirs(models, exist_ok=True)

    def save(name, img, header=None):
        path = os.path.join(inputs, name + "_0000.nii.gz")
        nib.save(img, path)
        if header:
            edit_raw_header(path, **header)
        return path

    # CT crops (NIfTI i, j, k); 3 mm voxels, the model's patch is 48x80x64 at [4, 2.5, 3.5] after transpose [2, 0, 1]
    ct_small = crop(ct, [(40, 80), (35, 65), (40, 60)])     # 40x30x20: below the patch on every axis
    ct_mid = crop(ct, [(20, 100), (20, 90), (30, 90)])      # 80x70x60: two tiles, padding on two axes
    ct_even = crop(ct, [(30, 84), (25, 75), (35, 75)])      # i = 54: 54 * 3/4 = 40.5 rounds (half to even) to 40
    # MR crops; 1 mm, the model's patch is 16x64x80 at [6, 1.5, 1.5], mirroring axes (1, 2)
    mr_mid = crop(mr, [(0, 100), (0, 120), (80, 181)])      # ch2's zero border (j < 2, k >= 177) is cropped
    mr_body = crop(mr, [(30, 150), (40, 180), (20, 160)])
    mr_big = crop(mr, [(30, 150), (30, 186), (10, 166)])     # 26x104x80 preprocessed: 3x3 tiles at 0.5, 2x2 at 0.7
    holed = np.asanyarray(mr_body.dataobj).copy()
    holed[50:70, 60:80, 60:80] = 0                          # an interior zero block: filled into the crop mask
    framed = np.zeros((130, 160, 150), np.uint8)            # a zero frame of different widths on every side
    framed[3:123, 15:155, 9:149] = np.asanyarray(mr_body.dataobj)
    thin_z = every_nth(mr_body, 2, 4)                       # 4 mm along k (nnU-Net axis 0)
    thin_y = every_nth(mr_body, 1, 4)                       # 4 mm along j (nnU-Net axis 1)

    cfg = lambda d: d["configurations"]["3d_fullres"]  # noqa: E731
    regions = {"background": 0, "a": [1, 2], "b": [2, 3], "c": [3], "d": [1, 3]}
    m = {
        "ct": ct_model, "mr": mr_model,
        "ct-regions": model_copy(os.path.join(models, "ct-regions"), ct_model, dataset_edit=lambda d: d.update(
            labels=regions, regions_class_order=[1, 2, 3, 1])),
        "ct-ignore": model_copy(os.path.join(models, "ct-ignore"), ct_model,
                                dataset_edit=lambda d: d["labels"].update(ignore=4)),
        "ct-dsjson-sitk": model_copy(os.path.join(models, "ct-dsjson-sitk"), ct_model, dataset_edit=lambda d: d.update(
            overwrite_image_reader_writer="SimpleITKIO")),
        "ct-thr": model_copy(os.path.join(models, "ct-thr"), ct_model,
                             plans_edit=set_kwargs(ALL_KWARGS, separate_z_anisotropy_threshold=1.5)),
        "ct-force": model_copy(os.path.join(models, "ct-force"), ct_model, plans_edit=lambda p: (
            set_kwargs(["resampling_fn_data_kwargs"], force_separate_z=True)(p),
            set_kwargs(["resampling_fn_probabilities_kwargs"], force_separate_z=True, order_z=0)(p))),
        "ct-order": model_copy(os.path.join(models, "ct-order"), ct_model, plans_edit=lambda p: (
            set_kwargs(["resampling_fn_data_kwargs"], order=5)(p),
            set_kwargs(["resampling_fn_probabilities_kwargs"], order=2)(p))),
        "mr-force": model_copy(os.path.join(models, "mr-force"), mr_model, plans_edit=lambda p: (
            set_kwargs(["resampling_fn_data_kwargs"], force_separate_z=False)(p),
            set_kwargs(["resampling_fn_probabilities_kwargs"], force_separate_z=True, order_z=1)(p))),
        "mr-orderz": model_copy(os.path.join(models, "mr-orderz"), mr_model, plans_edit=lambda p: (
            set_kwargs(["resampling_fn_data_kwargs"], order_z=3)(p),
            set_kwargs(["resampling_fn_probabilities_kwargs"], order_z=2)(p))),
        "mr-order": model_copy(os.path.join(models, "mr-order"), mr_model,
                               plans_edit=set_kwargs(["resampling_fn_data_kwargs"], order=2)),
        "mr-nomask": model_copy(os.path.join(models, "mr-nomask"), mr_model,
                                plans_edit=lambda p: cfg(p).update(use_mask_for_norm=[False])),
        # nnUNetPlannerResEncL_torchres's settings, then its _sepz variant's (separate z decided from the spacings)
        "ct-torchres": model_copy(os.path.join(models, "ct-torchres"), ct_model, plans_edit=torch_resampling(
            force_separate_z=False, memefficient_seg_resampling=True)),
        "mr-torchres": model_copy(os.path.join(models, "mr-torchres"), mr_model, plans_edit=torch_resampling(
            force_separate_z=False, memefficient_seg_resampling=True)),
        "mr-torchres-sepz": model_copy(os.path.join(models, "mr-torchres-sepz"), mr_model, plans_edit=torch_resampling(
            force_separate_z=None, memefficient_seg_resampling=True, separate_z_anisotropy_threshold=3)),
        "mr-torchres-linz": model_copy(os.path.join(models, "mr-torchres-linz"), mr_model, plans_edit=torch_resampling(
            force_separate_z=None, aniso_axis_mode="linear")),
    }
    nomir = model_copy(os.path.join(models, "mr-nomir"), mr_model)
    os.unlink(os.path.join(nomir, "fold_0"))
    os.makedirs(os.path.join(nomir, "fold_0"))
    without_mirroring_axes(os.path.join(mr_model, "fold_0", "checkpoint_final.pth"),
                           os.path.join(nomir, "fold_0", "checkpoint_final.pth"))
    m["mr-nomir"] = nomir

    V = []

    def add(name, what, img, model, folds=("0",), tta=False, step=0.5, header=None, base=None, prev=None,
            more_channels=()):
        """base: a variant on the same grid whose result ours is compared with, to show that the setting matters;
        prev: the previous stage's labels for a cascade's second stage (saved on the image's grid as CASE.nii.gz in a
        folder of its own); more_channels: images of channels 1, 2, ... (CASE_0001.nii.gz, ...)."""
        prev_dir = None
        if prev is not None:
            prev_dir = os.path.join(previous, name)
            os.makedirs(prev_dir, exist_ok=True)
            nib.save(nib.Nifti1Image(prev, img.affine), os.path.join(prev_dir, name + ".nii.gz"))
        inputs = [save(name, img, header)]
        for k, other in enumerate(more_channels, 1):
            inputs.append(os.path.join(os.path.dirname(inputs[0]), f"{name}_{k:04d}.nii.gz"))
            nib.save(other, inputs[-1])
        V.append(dict(name=name, what=what, input=inputs[0], inputs=inputs, model=m[model], model_name=model,
                      folds=list(folds), tta=tta, step=step, base=base, prev=prev_dir))

    add("ct-small", "smaller than the patch on every axis (padding)", ct_small, "ct")
    add("ct-small-tta", "as ct-small, 8 mirror passes", ct_small, "ct", tta=True, base="ct-small")
    add("ct-folds01-tta", "fold ensemble 0+1 (fp16 sum), mirroring", ct_small, "ct", folds=("0", "1"), tta=True,
        base="ct-small-tta")
    add("ct-mid", "two tiles, padding on two axes", ct_mid, "ct")
    add("ct-orient-SLP", "voxels permuted and flipped to S,L,P (affine adjusted)", reoriented(ct_mid, ("S", "L", "P")),
        "ct")
    add("ct-oblique", "affine rotated 30 deg about k (copied to the labels)", rotated(ct_small, 30), "ct",
        base="ct-small")
    add("ct-qform-only", "oblique affine in the qform only (sform_code 0)", qform_only(ct_small, 17, [0.12, -7.6, 3.3]),
        "ct", base="ct-small")
    add("ct-int16-scaled", "int16 with scl_slope 1.5, scl_inter -1024", scaled(ct_mid, np.int16, 1.5, -1024.0), "ct",
        base="ct-mid")
    add("ct-int16-slope0", "int16 with scl_slope 0 (NIfTI: unscaled; scl_inter 5 ignored)",
        scaled(ct_small, np.int16, 1.0, -1024.0), "ct", header=dict(scl_slope=0.0, scl_inter=5.0), base="ct-small")
    add("ct-uint8-scaled", "uint8 with scl_slope 16, scl_inter -1024", scaled(ct_small, np.uint8, 16.0, -1024.0), "ct",
        base="ct-small")
    add("ct-float32", "float32 voxels with fractions (HU + 0.3)",
        with_data(ct_small, ct_small.get_fdata() + 0.3, np.float32), "ct", base="ct-small")
    add("ct-halfeven", "new shape 40.5 -> 40 (round half to even), step 0.7", ct_even, "ct", step=0.7)
    add("ct-regions", "region-based dataset.json (sigmoid, regions_class_order 1,2,3,1)", ct_mid, "ct-regions")
    add("ct-ignore", "dataset.json with an ignore label (4)", ct_small, "ct-ignore", base="ct-small")
    add("ct-dsjson-sitk", "dataset.json says SimpleITKIO, plans NibabelIO: the plans' reader and writer are used",
        ct_small, "ct-dsjson-sitk", base="ct-small")
    add("ct-thr1.5", "separate_z_anisotropy_threshold 1.5 (separate z in preprocessing and export)", ct_mid,
        "ct-thr", base="ct-mid")
    add("ct-force", "force_separate_z true (data: 3 tied axes -> 3-D; export: axis 0, nearest)", ct_mid, "ct-force",
        base="ct-mid")
    add("ct-order5-2", "spline order 5 for data, 2 for probabilities", ct_mid, "ct-order", base="ct-mid")
    add("mr-crop", "ch2's own zero border cropped", mr_mid, "mr")
    add("mr-crop-tta", "as mr-crop, mirroring over the checkpoint's axes (1, 2)", mr_mid, "mr", tta=True,
        base="mr-crop")
    add("mr-nomir", "checkpoint without inference_allowed_mirroring_axes, TTA asked: no mirroring", mr_mid,
        "mr-nomir", tta=True, base="mr-crop-tta")
    add("mr-order2", "spline order 2 for data", mr_mid, "mr-order", base="mr-crop")
    add("mr-big", "9 tiles at step 0.5", mr_big, "mr")
    add("mr-big-step07", "4 tiles at step 0.7", mr_big, "mr", step=0.7, base="mr-big")
    add("mr-body", "z-score with the non-zero mask", mr_body, "mr")
    add("mr-zero-frame", "zero frame on all sides: the non-zero crop, the labels un-cropped",
        with_data(mr_body, framed), "mr")
    add("mr-hole", "interior zero block: hole filling, z-score mask", with_data(mr_body, holed), "mr", base="mr-body")
    add("mr-float64", "float64 voxels (x 1.7 + 0.1), z-score without the mask",
        with_data(mr_body, mr_body.get_fdata() * 1.7 + 0.1, np.float64), "mr-nomask", base="mr-body")
    add("mr-empty", "all-zero image: empty mask, whole-image bbox, z-score on no voxel",
        with_data(mr_body.slicer[:40, :50, :60], np.zeros((40, 50, 60), np.uint8)), "mr")
    add("mr-aniso-z", "every 4th slice along k: separate z (axis 0), order_z 0", thin_z, "mr")
    add("mr-aniso-y", "every 4th slice along j: data separate along axis 1, export along axis 0", thin_y, "mr")
    add("mr-aniso-orient", "4 mm axis moved to NIfTI i (reoriented S,P,L): separate z along axis 2",
        reoriented(thin_z, ("S", "P", "L")), "mr")
    add("mr-force", "force_separate_z false for data (3-D on 4 mm), true with order_z 1 at export", thin_z,
        "mr-force", base="mr-aniso-z")
    add("mr-orderz", "order_z 3 for data, 2 at export: splines along the separate axis (map_coordinates)", thin_z,
        "mr-orderz", base="mr-aniso-z")
    if torch_available():
        add("ct-torchres", "resample_torch_fornnunet (ResEncL_torchres plans): trilinear, float32 logits", ct_mid,
            "ct-torchres", base="ct-mid")
        add("ct-torchres-tta", "as ct-torchres, mirroring", ct_small, "ct-torchres", tta=True, base="ct-small-tta")
        add("mr-torchres-body", "resample_torch_fornnunet, separate z forced off: trilinear from 1 mm to 6x1.5x1.5 mm", mr_body,
            "mr-torchres", base="mr-body")
        add("mr-torchres-sepz", "torch resampling, separate z: bilinear slices, then nearest-exact along axis 0",
            thin_z, "mr-torchres-sepz", base="mr-aniso-z")
        add("mr-torchres-sepz-y", "as mr-torchres-sepz, 4 mm along j (data axis 1, export axis 0)", thin_y,
            "mr-torchres-sepz", base="mr-aniso-y")
        add("mr-torchres-linz", "torch resampling, separate z with aniso_axis_mode linear", thin_z,
            "mr-torchres-linz", base="mr-torchres-sepz")
        add("mr-torchres-sepz-x", "torch resampling, 4 mm axis at data axis 2: one channel, so nnU-Net's folded slices"
            " are a channels-last view (libtorch's other 2-D kernel)", reoriented(thin_z, ("S", "P", "L")),
            "mr-torchres-sepz", base="mr-aniso-orient")
        # a cascade's second stage; the stage before it is made up from intensity bands
        m["ct-cascade"] = cascade_stage(os.path.join(models, "ct-cascade"), ct_model)
        m["mr-cascade"] = cascade_stage(os.path.join(models, "mr-cascade"), mr_model)
        add("ct-cascade", "cascade: 3 one-hot channels of a first stage's labels (resampled per label, order 1)",
            ct_mid, "ct-cascade", prev=bands(ct_mid, [-150, 40, 250, 4000]), base="ct-mid")
        notched = np.asanyarray(mr_body.dataobj).copy()
        notched[:25, :30, :] = 0                            # zero, open to the border: outside the non-zero mask
        mr_notched = with_data(mr_body, notched)
        first = bands(mr_notched, [0, 60, 1e9])
        first[10:35, 20:45, 40:90] = 2                     # labels on zero voxels: in the z-score's mask, as in nnU-Net
        add("mr-cascade", "cascade, separate z for the labels, z-score mask with labelled zero voxels, mirroring",
            mr_notched, "mr-cascade", tta=True, prev=first)
        # the torch resampler's label rules on a cascade's previous stage: memefficient (> 0.5 per label) and the
        # 0.7 shortcut with the fp16 argmax, in-plane bilinear and nearest-exact along a separate axis
        m["ct-torchres-cascade"] = cascade_stage(os.path.join(models, "ct-torchres-cascade"), m["ct-torchres"])
        m["mr-torchres-cascade"] = cascade_stage(os.path.join(models, "mr-torchres-cascade"), m["mr-torchres-sepz"])
        m["mr-torchres-linz-cascade"] = cascade_stage(os.path.join(models, "mr-torchres-linz-cascade"),
                                                      m["mr-torchres-linz"])
        if torch_major() >= 2:
            add("ct-torchres-cascade", "cascade with torch resampling: the labels trilinear, memefficient rule",
                ct_mid, "ct-torchres-cascade", prev=bands(ct_mid, [-150, 40, 250, 4000]), base="ct-cascade")
            add("mr-torchres-cascade", "cascade, torch: labels bilinear in-plane, nearest-exact along z "
                "(memefficient)", mr_notched, "mr-torchres-cascade", prev=first, base="mr-cascade")
        else:
            # the rule's "mask > 0.5" meets exact ties at 0.5 (2910 values within 1e-5 of it in ct-torchres-cascade),
            # which torch 1.13's double weights and torch 2's float ones resolve apart: 1224 of 259200 resampled
            # labels differ between torch 1.13 and 2.13 there. The Java side follows libtorch 2.x.
            print("crosscheck: torch < 2: the two cascades with memefficient_seg_resampling are left out (torch 1.13 "
                  "resolves that rule's ties at 0.5 unlike torch 2; give PYTHON= a python with torch 2)",
                  file=sys.stderr)
        add("mr-torchres-linz-cascade", "cascade, torch: the 0.7 shortcut and fp16 argmax, linear along z", mr_notched,
            "mr-torchres-linz-cascade", prev=first, base="mr-cascade")
        # two channels: the non-zero mask of either, the crop box from their union, a z-score per channel
        t1 = np.asanyarray(mr_body.dataobj).astype(np.float32)
        framed1 = np.zeros((130, 160, 150), np.float32)
        framed1[3:123, 15:155, 9:149] = t1
        framed2 = np.where(framed1 > 0, framed1 * 0.7 + 5, 0).astype(np.float32)
        framed2[:3, 40:60, 30:50] = 17                  # in the first channel's zero frame: widens the crop box
        framed2[50:70, 60:80, 60:80] = 0                # zero in the second channel only: inside the mask
        m["mr-2ch"] = two_channels(os.path.join(models, "mr-2ch"), mr_model)
        add("mr-2ch", "two channels (CASE_0000, CASE_0001): union non-zero mask and crop, z-score with and without "
            "the mask", with_data(mr_body, framed1), "mr-2ch", more_channels=[with_data(mr_body, framed2)])
    else:
        print("crosscheck: no torch in this python: the resample_torch_fornnunet and cascade variants are left out"
              " (apt install python3-torch)", file=sys.stderr)
    return V


def torch_major():
    import torch
    return int(torch.__version__.split(".")[0])


def torch_available():
    try:
        import torch  # noqa: F401
        return True
    except ImportError:
        return False


# ------------------------------------------------------------------------------------------------------ running ---

def run_java(v, out_dir, threads):
    cmd = [os.path.join(REPO, "scripts", "mednext"), "predict", "-i", v["input"], "-o", out_dir, "-m", v["model"],
           "-f", *v["folds"], "--step_size", str(v["step"]), "--save_probabilities", "--disable_progress_bar",
           "--threads", str(threads)]
    if not v["tta"]:
        cmd.append("--disable_tta")
    if v.get("prev"):
        cmd += ["-prev_stage_predictions", v["prev"]]
    r = subprocess.run(cmd, capture_output=True, text=True)
    log = r.stdout + r.stderr
    if r.returncode != 0:
        raise RuntimeError("mednext predict exit %d: %s" % (r.returncode, log.strip().splitlines()[-1:]))
    case = os.path.basename(v["input"])[:-len("_0000.nii.gz")]
    return os.path.join(out_dir, case), log


def dice_min(a, b):
    labels = sorted((set(np.unique(a)) | set(np.unique(b))) - {0})
    if not labels:
        return None
    return min(2 * np.sum((a == l) & (b == l)) / (np.sum(a == l) + np.sum(b == l)) for l in labels)


def compare(v, java_prefix, ref_prefix, facts):
    src = nib.load(v["input"])
    jl, rl = nib.load(java_prefix + ".nii.gz"), nib.load(ref_prefix + ".nii.gz")
    js, rs = np.asanyarray(jl.dataobj), np.asanyarray(rl.dataobj)
    row = {"shape": "x".join(map(str, js.shape)) + " " + js.dtype.name}
    problems = []
    if js.shape != rs.shape:
        problems.append(f"label shape {js.shape} vs reference {rs.shape}")
        return row, problems
    if js.dtype != rs.dtype:
        problems.append(f"label dtype {js.dtype} vs reference {rs.dtype}")
    row["agreement"] = float(np.mean(js == rs))
    row["differing"] = int(np.sum(js != rs))
    row["dice"] = dice_min(js, rs)
    with np.load(java_prefix + ".npz") as z:
        jp = z["probabilities"]
    with np.load(ref_prefix + ".npz") as z:
        rp = z["probabilities"]
    if jp.shape != rp.shape:
        problems.append(f"probabilities shape {jp.shape} vs reference {rp.shape}")
    else:
        d = np.abs(jp.astype(np.float64) - rp)
        row["pmax"], row["pmean"] = float(d.max()), float(d.mean())
    # NibabelIO writes the input's affine; nibabel's own writer gives sform code 2, qform code 0
    diff = float(np.max(np.abs(jl.affine - src.affine)))
    codes = (int(jl.header["sform_code"]), int(jl.header["qform_code"]))
    ref_codes = (int(rl.header["sform_code"]), int(rl.header["qform_code"]))
    row["affine"] = "yes" if diff == 0 else ("~%.0e" % diff if diff < 1e-5 else "NO %.2g" % diff)
    if diff >= 1e-5:
        problems.append(f"affine differs from the input's by {diff:.3g}")
    if codes != ref_codes:
        row["affine"] += f" (codes {codes[0]}/{codes[1]}, nibabel {ref_codes[0]}/{ref_codes[1]})"
    if row["agreement"] < MIN_AGREEMENT:
        problems.append(f"label agreement {row['agreement']:.6f}")
    if row["dice"] is not None and row["dice"] < MIN_DICE:
        problems.append(f"Dice {row['dice']:.5f}")
    if "pmax" in row and (row["pmean"] > MAX_PROB_MEAN or row["pmax"] > MAX_PROB_MAX):
        problems.append(f"probabilities max {row['pmax']:.3g} mean {row['pmean']:.3g}")
    return row, problems


def compare_with_nnunet(case_dir, ref_prefix):
    """Our reference against nnU-Net's own output shipped with a fixture case (probabilities on its sub-2 grid)."""
    out = os.path.join(case_dir, "output")
    name = next(f for f in os.listdir(out) if f.endswith(".nii.gz"))[:-len(".nii.gz")]
    ns = np.asanyarray(nib.load(os.path.join(out, name + ".nii.gz")).dataobj)
    rl = nib.load(ref_prefix + ".nii.gz")
    rs = np.asanyarray(rl.dataobj)
    with np.load(os.path.join(out, name + ".probabilities_sub2.npz")) as z:
        npb = z["probabilities"]
    with np.load(ref_prefix + ".npz") as z:
        rp = z["probabilities"][:, ::2, ::2, ::2]
    d = np.abs(rp.astype(np.float64) - npb)
    row = {"shape": "x".join(map(str, ns.shape)) + " " + ns.dtype.name, "agreement": float(np.mean(ns == rs)),
           "differing": int(np.sum(ns != rs)), "dice": dice_min(ns, rs), "pmax": float(d.max()),
           "pmean": float(d.mean())}
    diff = float(np.max(np.abs(rl.affine - nib.load(os.path.join(out, name + ".nii.gz")).affine)))
    row["affine"] = "yes" if diff == 0 else "NO %.2g" % diff
    problems = []
    if ns.dtype != rs.dtype:
        problems.append(f"label dtype {rs.dtype} vs nnU-Net's {ns.dtype}")
    if row["agreement"] < MIN_AGREEMENT or (row["dice"] is not None and row["dice"] < MIN_DICE):
        problems.append(f"labels: agreement {row['agreement']:.6f}, Dice {row['dice']}")
    if row["pmean"] > MAX_PROB_MEAN or row["pmax"] > MAX_PROB_MAX:
        problems.append(f"probabilities max {row['pmax']:.3g} mean {row['pmean']:.3g}")
    if diff:
        problems.append("affine differs")
    return row, problems


def run_anchors(shared, scratch, names, threads):
    """Runs the reference on shared fixture cases and compares it with nnU-Net's shipped output."""
    rows = []
    for name in names:
        t0 = time.time()
        case_dir = os.path.join(shared, "fixtures", "nnunet_pipeline", name)
        c = json.load(open(os.path.join(case_dir, "case.json")))
        settings = c["predictor"]["settings"]
        ref_dir = os.path.join(scratch, "reference", "fixture-" + name)
        os.makedirs(ref_dir, exist_ok=True)
        try:
            facts = nnunet_numpy.predict_case(
                [os.path.normpath(os.path.join(case_dir, c["input"]["path"]))],
                os.path.normpath(os.path.join(case_dir, c["model"]["folder"])),
                [str(f) for f in c["model"]["use_folds"]],
                os.path.join(ref_dir, "case"), settings["tile_step_size"], settings["use_mirroring"],
                c["model"]["checkpoint_name"], threads=threads, workdir=ref_dir)
            row, problems = compare_with_nnunet(case_dir, os.path.join(ref_dir, "case"))
        except (RuntimeError, SystemExit, OSError, KeyError) as e:
            facts, row, problems = None, {}, [f"error: {e}"]
        what = (f"folds {'+'.join(map(str, c['model']['use_folds']))}, "
                f"{'TTA' if settings['use_mirroring'] else 'no TTA'}, step {settings['tile_step_size']}")
        rows.append((dict(name=name, what=what), row, problems, facts))
        print(f"crosscheck: fixture {name}: {'ok' if not problems else '; '.join(problems)} "
              f"({time.time() - t0:.1f} s)", file=sys.stderr)
    return rows


def effect_of_setting(rows):
    """Our result against the variant's base (same grid): a setting that changes nothing checks nothing."""
    done = {v["name"]: row.get("java_prefix") for v, row, _, _ in rows}
    for v, row, _, _ in rows:
        base = done.get(v.get("base"))
        if not base or not row.get("java_prefix"):
            continue
        with np.load(row["java_prefix"] + ".npz") as z, np.load(base + ".npz") as zb:
            p, pb = z["probabilities"], zb["probabilities"]
        if p.shape != pb.shape:
            continue
        labels = np.asanyarray(nib.load(row["java_prefix"] + ".nii.gz").dataobj)
        labels_base = np.asanyarray(nib.load(base + ".nii.gz").dataobj)
        row["vs_base"] = "%.2g, %.2g %% (%s)" % (float(np.max(np.abs(p - pb))),
                                              100 * float(np.mean(labels != labels_base)), v["base"])


def pipeline_summary(f):
    """Facts of the reference run: preprocessed -> padded shape, tiles x passes, separate-z axes (data / export)."""
    pre, pad = "x".join(map(str, f["preprocessed_shape"])), "x".join(map(str, f["padded_shape"]))
    sep = lambda a: "-" if a is None else str(a)  # noqa: E731
    crop_note = "" if f["shape_before_cropping"] == f["shape_after_cropping"] else " crop"
    return (f"{pre}" + ("" if pre == pad else f"->{pad}") + f", {f['tiles']} tiles, {f['forward_passes']} passes"
            + f", sep-z {sep(f['separate_z_axis_data'])}/{sep(f['separate_z_axis_export'])}{crop_note}")


def fmt(x, spec):
    return "-" if x is None else format(x, spec)


FIXTURES = ["ct_fold0_notta_step075", "mr_ch2_fold0_tta_step050", "ct_fold0_tta_step050",
            "ct_ensemble_folds01_tta_step050"]


def print_table(rows, first, with_settings):
    head = [first, "exercises", "label shape", "reference pipeline"] + (["folds, TTA, step"] if with_settings else [])
    head += ["label agreement", "differing voxels", "Dice min", "prob max abs diff", "prob mean abs diff",
             "affine equal", "verdict"] + (["ours vs base: prob max diff, labels differing"] if with_settings else [])
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for v, row, problems, facts in rows:
        cells = [v["name"], v["what"], row.get("shape", "-"), pipeline_summary(facts) if facts else "-"]
        if with_settings:
            cells.append(f"{'+'.join(v['folds'])}, {'TTA' if v['tta'] else 'no TTA'}, {v['step']}")
        cells += [fmt(row.get("agreement"), ".6f"), fmt(row.get("differing"), "d"), fmt(row.get("dice"), ".5f"),
                  fmt(row.get("pmax"), ".2e"), fmt(row.get("pmean"), ".2e"), row.get("affine", "-"),
                  "ok" if not problems else "**" + "; ".join(problems) + "**"]
        if with_settings:
            cells.append(row.get("vs_base", "-"))
        print("| " + " | ".join(cells) + " |")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("scratch", nargs="?", help="folder for inputs, model copies and outputs (default: a temp dir)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--only", nargs="*", help="run only these variants")
    p.add_argument("--fixtures", nargs="*", default=FIXTURES[:2], metavar="CASE",
                   help="fixture cases on which the reference is held against nnU-Net's own output (default: the "
                        "two quick ones; 'all' for all four, none with no CASE)")
    a = p.parse_args()
    shared = find_shared()
    if shared is None:
        print("crosscheck: skipped: shared reference data not found (expected ../shared beside the checkout, "
              "or set MEDNEXT_SHARED)")
        return 0
    fixtures = FIXTURES if a.fixtures == ["all"] else a.fixtures
    if set(fixtures) - set(FIXTURES):
        print(f"crosscheck: unknown fixture case(s) {sorted(set(fixtures) - set(FIXTURES))}; known: {FIXTURES}",
              file=sys.stderr)
        return 2
    scratch = os.path.abspath(a.scratch or tempfile.mkdtemp(prefix="mednext-crosscheck-"))
    if os.path.isdir(os.path.join(scratch, "models")):  # a re-run into the same folder starts afresh
        for sub in ("inputs", "models", "previous", "java", "reference"):
            shutil.rmtree(os.path.join(scratch, sub), ignore_errors=True)
    os.makedirs(scratch, exist_ok=True)
    print(f"crosscheck: shared data {shared}, scratch {scratch}", file=sys.stderr)
    t_start = time.time()
    variants = build_variants(shared, scratch)
    if a.only is not None:
        unknown = set(a.only) - {v["name"] for v in variants}
        if unknown:
            print(f"crosscheck: unknown variant(s) {sorted(unknown)}; known: {[v['name'] for v in variants]}",
                  file=sys.stderr)
            return 2
        variants = [v for v in variants if v["name"] in a.only]
    rows = []
    for v in variants:
        t0 = time.time()
        java_dir = os.path.join(scratch, "java", v["name"])
        ref_dir = os.path.join(scratch, "reference", v["name"])
        os.makedirs(ref_dir, exist_ok=True)
        row, problems, facts = {}, [], None
        try:
            java_prefix, log = run_java(v, java_dir, a.threads)
            with open(java_prefix + ".log", "w") as f:
                f.write(log)
            ref_prefix = os.path.join(ref_dir, "case")
            prev = os.path.join(v["prev"], v["name"] + ".nii.gz") if v.get("prev") else None
            facts = nnunet_numpy.predict_case(v["inputs"], v["model"], v["folds"], ref_prefix, v["step"], v["tta"],
                                              threads=a.threads, workdir=ref_dir, prev_stage=prev)
            row, problems = compare(v, java_prefix, ref_prefix, facts)
            row["java_prefix"] = java_prefix
        except (RuntimeError, SystemExit, OSError) as e:
            problems = [f"error: {e}"]
        rows.append((v, row, problems, facts))
        print(f"crosscheck: {v['name']}: {'ok' if not problems else '; '.join(problems)} "
              f"({time.time() - t0:.1f} s)", file=sys.stderr)
    effect_of_setting(rows)
    anchors = run_anchors(shared, scratch, fixtures, a.threads)

    failures = sum(bool(r[2]) for r in rows + anchors)
    print(f"Run {datetime.datetime.now():%Y-%m-%d %H:%M}, {len(rows)} variants and {len(anchors)} fixture cases, "
          f"{time.time() - t_start:.0f} s, --threads {a.threads}; verdict thresholds (the shared fixtures' "
          f"tolerances): label agreement >= {MIN_AGREEMENT}, Dice >= {MIN_DICE}, probabilities mean abs diff <= "
          f"{MAX_PROB_MEAN:g} and max <= {MAX_PROB_MAX:g}, equal label dtype and affine.\n")
    if rows:
        print("`mednext predict` against the reference:\n")
        print_table(rows, "variant", True)
    if anchors:
        print("\nThe reference against nnU-Net's own output (shared fixtures; probabilities on the sub-2 grid shipped "
              "there):\n")
        print_table(anchors, "fixture case", False)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
