"""The EffiSkel objective, pure torch (PAPER_NOTES, "Stage 3").

    L_code     = −Σ_i log P(C_i | N, C_<i)
    L_skeleton = −Σ_i log P(S_i | N, S_<i)
    L_mask     = −Σ_i M_i log P(C_i | N, C_<i)       (same logits as L_code)
    L_total    = α L_code + β L_skeleton + γ L_mask

Each term is a mean over *its own* tokens in the whole global batch: all
gradient-accumulation micro-batches on all data-parallel ranks. A micro-batch
contributes sums (`nll_sums`); the caller counts the step's tokens first
(`token_counts`, then an all-reduce of the three counts across ranks), and
divides each micro-batch's sums by those global counts (`combine`). The
gradient of the sum over micro-batches and ranks is then the gradient of the
global mean, whatever the number of ranks or micro-batches, and however the
examples of the step are split between them.

Order of the three terms everywhere: (code, skeleton, mask).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

TERMS = ("code", "skeleton", "mask")


def nll_sums(
    logits: torch.Tensor,
    labels: torch.Tensor,
    is_code: torch.Tensor,
    is_skel: torch.Tensor,
    is_mask: torch.Tensor,
) -> torch.Tensor:
    """[3] summed negative log-likelihoods (code, skeleton, mask) of one micro-batch.

    `logits` [..., V] at the positions that predict `labels` [...] (already shifted:
    position t predicts labels[t]); the flags say which term a position belongs to.
    Positions with label -100 (prompt, padding) must have all flags false.
    """
    V = logits.shape[-1]
    labels = labels.reshape(-1)
    nll = F.cross_entropy(
        logits.reshape(-1, V).float(), labels, ignore_index=-100, reduction="none"
    )
    flags = torch.stack([is_code.reshape(-1), is_skel.reshape(-1), is_mask.reshape(-1)]).to(
        nll.dtype
    )
    return flags @ nll


def token_counts(
    is_code: torch.Tensor, is_skel: torch.Tensor, is_mask: torch.Tensor
) -> torch.Tensor:
    """[3] target tokens (code, skeleton, mask) of a micro-batch, as float64 for all-reduce."""
    return torch.stack([is_code.sum(), is_skel.sum(), is_mask.sum()]).to(torch.float64)


def combine(
    sums: torch.Tensor, global_counts: torch.Tensor, weights
) -> tuple[torch.Tensor, torch.Tensor]:
    """(total, terms): each term = sums / its global token count; total = weights · terms.

    Summed over every micro-batch of every rank this is the global L_total. A term with no
    tokens in the global batch is 0 (nothing to learn from), not NaN.
    """
    terms = sums / global_counts.to(sums.device).clamp(min=1).to(sums.dtype)
    w = torch.as_tensor(weights, dtype=terms.dtype, device=terms.device)
    return (w * terms).sum(), terms
