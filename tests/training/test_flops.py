"""flops.py: the FLOP count of the tiny preset against a count by hand, and MFU."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from transformers import LlamaForCausalLM

from effiskel.training import examples as E
from effiskel.training.flops import ModelFlops, device_peak_flops, mfu
from effiskel.training.models import add_lora, tiny_config

# The tiny preset by hand: 2 layers of width d = 64, MLP width 256, 4 heads of 16 (no GQA).
D, FF, LAYERS, VOCAB = 64, 256, 2, 512
LAYER = 4 * D * D + 3 * D * FF + 2 * D  # q, k, v, o; gate, up, down; two RMSNorms
BODY = LAYERS * LAYER + D  # + the final norm; embeddings and head are not body weights
# LoRA of rank r on every linear layer (in, out): r·(in + out) more weights.
LORA_8 = LAYERS * (4 * 8 * (D + D) + 2 * 8 * (D + FF) + 8 * (FF + D))


def tiny(**kw):
    torch.manual_seed(0)
    return LlamaForCausalLM(tiny_config(vocab_size=VOCAB, **kw))


def test_tiny_body_weights_match_a_count_by_hand():
    assert BODY == 131_392
    assert ModelFlops.of(tiny()) == ModelFlops(BODY, LAYERS, D, VOCAB)
    # Tied embeddings (Qwen2.5-Coder-1.5B) are one tensor, still not a body weight.
    assert ModelFlops.of(tiny(tie_word_embeddings=True)).params == BODY
    # LoRA adapters are weights every token passes.
    lora = add_lora(tiny(), 8, 16, 0.0, ["all-linear"])
    assert ModelFlops.of(lora.get_base_model()).params == BODY + LORA_8 == 131_392 + 23_552


def test_step_flops_match_a_count_by_hand():
    flops = ModelFlops.of(tiny())
    # Rows of 5 and 3 tokens, 4 of which predict a target: 4 FLOPs per body weight per token,
    # attention 12·n_layer·d·T per token of a row of length T, the head 4·V·d per target.
    hand = 4 * BODY * 8 + 12 * LAYERS * D * (5 * 5 + 3 * 3) + 4 * VOCAB * D * 4
    assert flops.rows([5, 3], targets=4) == hand

    rng = np.random.default_rng(0)
    ex = [E.Example(rng.integers(2, VOCAB, n).astype(np.int32), p, np.zeros(n, np.int32),
                    np.zeros(0, np.int32), 0, 0) for n, p in ((9, 4), (6, 2))]
    batch = E.collate(ex, "stacked", False, pad_id=0, pad_to=4)  # padded to 12: not counted
    targets = (9 - 4) + (6 - 2)
    assert flops.step([batch, batch]) == 2 * flops.rows([9, 6], targets)


def test_mfu_is_flops_per_second_over_the_peak_and_none_without_one():
    assert mfu(3e12, 2.0, 6e12) == pytest.approx(0.25)
    assert mfu(3e12, 2.0, None) is None
    assert device_peak_flops(torch.device("cpu"), torch.float32) is None
    assert device_peak_flops(torch.device("cpu"), torch.bfloat16) is None
