"""The objective against hand computation: masked tokens, padding, two uneven ranks."""

from __future__ import annotations

import math

import pytest
import torch

from effiskel.training import losses

# One micro-batch of 2 rows × 4 positions over a vocabulary of 3. Row 0: code positions
# (two of them skeleton tokens, M = 1), then padding. Row 1: a prompt position (no target),
# two skeleton-sequence positions, one code position.
LOGITS = torch.tensor(
    [
        [[2.0, 0.0, -1.0], [0.5, 0.5, 0.0], [0.0, 1.0, 3.0], [9.0, -9.0, 9.0]],
        [[1.0, 1.0, 1.0], [0.0, 2.0, 0.0], [3.0, 0.0, 0.0], [-1.0, 0.0, 1.0]],
    ]
)
LABELS = torch.tensor([[0, 1, 2, -100], [-100, 1, 2, 0]])
CODE = torch.tensor([[True, True, True, False], [False, False, False, True]])
SKEL = torch.tensor([[False, False, False, False], [False, True, True, False]])
MASK = torch.tensor([[True, False, True, False], [False, False, False, False]])


def nll(logits: list[float], label: int) -> float:
    """-log softmax(logits)[label], by hand."""
    return -(logits[label] - math.log(sum(math.exp(x) for x in logits)))


def hand(r: int, t: int) -> float:
    return nll(LOGITS[r, t].tolist(), int(LABELS[r, t]))


def test_sums_and_counts_match_hand_computation():
    sums = losses.nll_sums(LOGITS, LABELS, CODE, SKEL, MASK)
    code = hand(0, 0) + hand(0, 1) + hand(0, 2) + hand(1, 3)
    skel = hand(1, 1) + hand(1, 2)
    mask = hand(0, 0) + hand(0, 2)
    assert sums.tolist() == pytest.approx([code, skel, mask], rel=1e-6)
    assert losses.token_counts(CODE, SKEL, MASK).tolist() == [4, 2, 2]


def test_padding_and_prompt_positions_contribute_nothing():
    # Padding (row 0, t=3) and the prompt position (row 1, t=0) carry huge logits changes:
    # nothing moves.
    noisy = LOGITS.clone()
    noisy[0, 3] = torch.tensor([100.0, -50.0, 7.0])
    noisy[1, 0] = torch.tensor([-30.0, 40.0, 0.0])
    assert torch.equal(
        losses.nll_sums(noisy, LABELS, CODE, SKEL, MASK),
        losses.nll_sums(LOGITS, LABELS, CODE, SKEL, MASK),
    )


def test_combine_is_weighted_mean_of_each_term_over_its_own_tokens():
    sums = losses.nll_sums(LOGITS, LABELS, CODE, SKEL, MASK)
    total, terms = losses.combine(
        sums, torch.tensor([4.0, 2.0, 2.0], dtype=torch.float64), (0.6, 0.2, 0.2)
    )
    code = (hand(0, 0) + hand(0, 1) + hand(0, 2) + hand(1, 3)) / 4
    skel = (hand(1, 1) + hand(1, 2)) / 2
    mask = (hand(0, 0) + hand(0, 2)) / 2
    assert terms.tolist() == pytest.approx([code, skel, mask], rel=1e-6)
    assert total.item() == pytest.approx(0.6 * code + 0.2 * skel + 0.2 * mask, rel=1e-6)


def test_term_without_tokens_is_zero_not_nan():
    no_mask = torch.zeros_like(MASK)
    sums = losses.nll_sums(LOGITS, LABELS, CODE, SKEL, no_mask)
    total, terms = losses.combine(sums, losses.token_counts(CODE, SKEL, no_mask), (0.6, 0.2, 0.2))
    assert terms[2].item() == 0.0 and math.isfinite(total.item())


def _rank_batches():
    """Two ranks with uneven token counts: rank 0 holds 3 code tokens (1 masked) and no
    skeleton token, rank 1 holds 1 code token (masked) and 3 skeleton tokens."""
    g = torch.Generator().manual_seed(0)
    rank0 = dict(
        logits=torch.randn(1, 4, 5, generator=g),
        labels=torch.tensor([[1, 4, 0, -100]]),
        code=torch.tensor([[True, True, True, False]]),
        skel=torch.tensor([[False, False, False, False]]),
        mask=torch.tensor([[False, True, False, False]]),
    )
    rank1 = dict(
        logits=torch.randn(1, 4, 5, generator=g),
        labels=torch.tensor([[2, 3, 3, 1]]),
        code=torch.tensor([[True, False, False, False]]),
        skel=torch.tensor([[False, True, True, True]]),
        mask=torch.tensor([[True, False, False, False]]),
    )
    return rank0, rank1


def test_two_uneven_ranks_give_the_global_mean_and_its_gradient():
    weights = (0.6, 0.2, 0.2)
    ranks = _rank_batches()
    for r in ranks:
        r["logits"].requires_grad_(True)
    # What the trainer does: every rank counts its tokens, the counts are all-reduced
    # (here: summed in-process), then each rank's loss uses the global counts.
    global_counts = sum(losses.token_counts(r["code"], r["skel"], r["mask"]) for r in ranks)
    assert global_counts.tolist() == [4, 3, 2]
    per_rank = [
        losses.combine(
            losses.nll_sums(r["logits"], r["labels"], r["code"], r["skel"], r["mask"]),
            global_counts,
            weights,
        )[0]
        for r in ranks
    ]
    sum(per_rank).backward()
    grads = [r["logits"].grad.clone() for r in ranks]

    # Reference: the global batch in one place, each term a mean over its own tokens, by hand.
    def term(flag):
        vals = [
            nll(r["logits"][0, t].tolist(), int(r["labels"][0, t]))
            for r in ranks
            for t in range(4)
            if r[flag][0, t]
        ]
        return sum(vals) / len(vals)

    expected = 0.6 * term("code") + 0.2 * term("skel") + 0.2 * term("mask")
    assert sum(per_rank).item() == pytest.approx(expected, rel=1e-6)

    # A per-rank mean (each rank normalising by its own counts, then averaging ranks) would
    # differ here, because the ranks hold different numbers of tokens of each kind.
    local = [
        losses.combine(
            losses.nll_sums(r["logits"], r["labels"], r["code"], r["skel"], r["mask"]),
            losses.token_counts(r["code"], r["skel"], r["mask"]),
            weights,
        )[0].item()
        for r in ranks
    ]
    assert abs(sum(local) / 2 - expected) > 1e-3

    # The gradient equals the gradient of the single-process global loss.
    logits = torch.cat([r["logits"].detach() for r in ranks]).requires_grad_(True)
    cat = {k: torch.cat([r[k] for r in ranks]) for k in ("labels", "code", "skel", "mask")}
    one, _ = losses.combine(
        losses.nll_sums(logits, cat["labels"], cat["code"], cat["skel"], cat["mask"]),
        global_counts,
        weights,
    )
    one.backward()
    assert torch.allclose(torch.cat(grads), logits.grad, atol=1e-7)
    assert one.item() == pytest.approx(expected, rel=1e-6)

