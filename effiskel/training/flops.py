"""Model FLOPs of a training step and MFU, as nanoGPT's `estimate_mfu` counts them.

MFU = model FLOPs per step / step time / (devices × peak FLOP/s per device).

With LoRA the frozen weights get no weight gradient, so a token costs 4·N FLOPs
(2·N forward + 2·N activation gradients) for the N weights it passes: every
parameter but the input embeddings and the output head, LoRA's adapters included.
The output head (V·d weights) is counted only where a target is predicted, since
that is all the trainer computes (`models.TargetLogits`): 4·V·d per target. Attention
adds 12·n_layer·d·T per token of a row of length T, as in nanoGPT (so a row costs
12·n_layer·d·T²; the shared-prefix layout's tree mask is run as a full square).
Gradient-checkpointing recomputation is not counted: it is not useful work.

The peak is a property of the device and the compute dtype. `device_peak_flops`
knows the dense bf16 tensor-core peak of common data-centre GPUs from their
specification sheets; on CPU, in float32, or on a GPU it does not know, there is no
peak and MFU is None: give `scaling.peak_flops_per_device` to have it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import torch

from effiskel.training.examples import IGNORE

# (pattern in torch.cuda.get_device_name(), dense bf16 FLOP/s), most specific first.
BF16_PEAK_FLOPS = (
    (r"B200", 2250e12),
    (r"H200 NVL", 835e12),
    (r"H200", 989e12),
    (r"H100 NVL", 835e12),
    (r"H100 PCIe", 756e12),
    (r"H100", 989e12),  # SXM (HBM3)
    (r"A100", 312e12),
    (r"L40S", 362e12),
    (r"\bL4\b", 121e12),
)


@dataclass(frozen=True)
class ModelFlops:
    """The numbers of a causal LM that its FLOP count needs (see the module docstring)."""

    params: int
    """Weights a token passes: all but the input embeddings and the output head."""
    n_layer: int
    d_model: int
    vocab_size: int

    @classmethod
    def of(cls, model) -> ModelFlops:
        """From a Hugging Face causal LM (LoRA-wrapped or not; on any device, `meta` too)."""
        cfg = model.config
        outside = {id(p) for m in (model.get_input_embeddings(), model.get_output_embeddings())
                   if m is not None for p in m.parameters()}
        # ZeRO-3 leaves each rank a shard (numel 0); ds_numel is the whole weight.
        params = sum(getattr(p, "ds_numel", p.numel())
                     for p in model.parameters() if id(p) not in outside)
        return cls(params, cfg.num_hidden_layers, cfg.hidden_size, cfg.vocab_size)

    def rows(self, lengths: Iterable[int], targets: int) -> float:
        """FLOPs of forward and backward over rows of these lengths with `targets`
        positions that predict a token."""
        lengths = [int(n) for n in lengths]
        body = 4 * self.params * sum(lengths)
        attention = 12 * self.n_layer * self.d_model * sum(n * n for n in lengths)
        return float(body + attention + 4 * self.vocab_size * self.d_model * targets)

    def step(self, batches) -> float:
        """FLOPs of the micro-batches (`examples.Batch`) one rank runs in a step."""
        return sum(
            self.rows(b.lengths.tolist(), int((b.labels != IGNORE).sum())) for b in batches
        )


def device_peak_flops(device, dtype) -> float | None:
    """Dense peak FLOP/s of one `device` computing in `dtype`, or None where unknown."""
    if device.type != "cuda" or dtype != torch.bfloat16:
        return None
    name = torch.cuda.get_device_name(device)
    return next((peak for pattern, peak in BF16_PEAK_FLOPS if re.search(pattern, name)), None)


def mfu(flops: float, seconds: float, peak: float | None) -> float | None:
    """Model FLOPs utilisation: `flops` done in `seconds` against `peak` FLOP/s (the
    devices' total); None without a peak."""
    if peak is None or seconds <= 0:
        return None
    return flops / seconds / peak
