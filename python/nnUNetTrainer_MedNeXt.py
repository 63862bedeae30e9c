"""nnU-Net v2 trainer class for model folders written by MedNeXt for Fiji (`mednext train`).

Our checkpoints name their trainer `nnUNetTrainer_MedNeXt`. Python nnU-Net finds trainer classes by that name
in its own package or in the folders listed in the environment variable `nnUNet_extTrainer`; this file provides
it. The network is the reference MedNeXt class of the authors' public code (MIC-DKFZ/MedNeXt, package
`nnunet_mednext`), built from the plans' `architecture.arch_kwargs`, with all five deep-supervision heads (their
weights are in every checkpoint).

Use:
    pip install nnunetv2 && pip install git+https://github.com/MIC-DKFZ/MedNeXt   # or a local clone
    export nnUNet_extTrainer=/path/to/this/folder
    nnUNetv2_predict_from_modelfolder -i IN -o OUT -m MODEL_FOLDER -f all

Not tested inside this project (neither nnunetv2 nor nnunet_mednext can be installed here); the checkpoint layout
it relies on is tested with torch.
"""
import torch
from nnunetv2.training.nnUNetTrainer.nnUNetTrainer import nnUNetTrainer


def _build_mednext(arch_kwargs, num_input_channels, num_output_channels, enable_deep_supervision):
    from nnunet_mednext.network_architecture.mednextv1.MedNextV1 import MedNeXt
    from nnunet_mednext.network_architecture.mednextv1.blocks import MedNeXtDownBlock

    kwargs = dict(arch_kwargs)
    kwargs.pop("strides", None)  # only nnU-Net's deep-supervision bookkeeping uses them
    grn_in_down_0 = kwargs.pop("grn_in_down_0", False)
    net = MedNeXt(in_channels=num_input_channels, n_classes=num_output_channels, deep_supervision=True, **kwargs)
    if grn_in_down_0:
        # the reference class never puts GRN in down_0; some MedNeXt-v2 readings do
        c = kwargs["n_channels"]
        exp_r = kwargs["exp_r"] if isinstance(kwargs["exp_r"], int) else kwargs["exp_r"][1]
        k = kwargs.get("enc_kernel_size") or kwargs.get("kernel_size") or 7
        net.down_0 = MedNeXtDownBlock(in_channels=c, out_channels=2 * c, exp_r=exp_r, kernel_size=k,
                                      do_res=kwargs.get("do_res_up_down", True), norm_type=kwargs.get("norm_type", "group"),
                                      dim=kwargs.get("dim", "3d"), grn=True)
    net.do_ds = enable_deep_supervision
    return net


class nnUNetTrainer_MedNeXt(nnUNetTrainer):
    """MedNeXt(-v2) as MedNeXt for Fiji trains it: all five heads supervised (MedNeXt v1's weights)."""

    @staticmethod
    def build_network_architecture(plans_manager, configuration_manager, num_input_channels, num_output_channels,
                                   enable_deep_supervision=True):
        return _build_mednext(configuration_manager.network_arch_init_kwargs, num_input_channels,
                              num_output_channels, enable_deep_supervision)

    def _get_deep_supervision_scales(self):
        # five outputs: full resolution down to 1/16 (nnU-Net's default would build four from the strides)
        return [[1.0, 1.0, 1.0], [0.5] * 3, [0.25] * 3, [0.125] * 3, [0.0625] * 3]

    def _build_loss(self):
        from nnunetv2.training.loss.deep_supervision import DeepSupervisionWrapper
        loss = super()._build_loss()
        base = loss.loss if isinstance(loss, DeepSupervisionWrapper) else loss
        weights = [1 / (2 ** i) for i in range(5)]
        total = sum(weights)
        return DeepSupervisionWrapper(base, [w / total for w in weights])

    def set_deep_supervision_enabled(self, enabled: bool):
        net = self.network.module if self.is_ddp else self.network
        if hasattr(net, "_orig_mod"):
            net = net._orig_mod
        net.do_ds = enabled
