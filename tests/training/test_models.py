"""Model loading: clear errors on bad paths, the `tiny` preset, LoRA, selected logits."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from effiskel.training import models
from effiskel.training.models import ModelPathError, TargetLogits
from tests.conftest import ROOT
from tests.training.synthetic import skeleton_rows, write_shards

TEXTS = [r["prompt"] + "\n" + r["code"] + r["skeleton"] for r in skeleton_rows(20)]


@pytest.fixture(scope="module")
def tiny_dir(build_dir):
    return models.build_tiny(TEXTS, build_dir / "tmp" / "training-models-tiny", vocab_size=300)


def test_missing_path_is_a_clear_error(work_dir):
    with pytest.raises(ModelPathError, match=r"model.path .*nope.* is not a directory.*'tiny'"):
        models.check_model_dir(work_dir / "nope")


def test_directory_without_config_is_a_clear_error(work_dir):
    (work_dir / "weights.bin").write_bytes(b"")
    with pytest.raises(ModelPathError, match="no config.json"):
        models.check_model_dir(work_dir)


def test_non_causal_model_is_a_clear_error(work_dir):
    from transformers import T5Config

    T5Config(d_model=8, d_ff=16, num_layers=1, num_heads=1, vocab_size=32).save_pretrained(work_dir)
    with pytest.raises(ModelPathError, match="'t5' model, not a causal language model"):
        models.check_model_dir(work_dir)


def test_causal_config_without_weights_is_a_clear_error(tiny_dir, work_dir):
    (work_dir / "config.json").write_text((tiny_dir / "config.json").read_text())
    with pytest.raises(ModelPathError, match="no weights"):
        models.check_model_dir(work_dir)


def test_train_job_rejects_a_bad_model_path_before_ray_starts(work_dir):
    data = write_shards(skeleton_rows(4), work_dir / "skeletons")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "jobs.train",
            "--config",
            str(ROOT / "configs" / "demo_train.yaml"),
            f"data.path={data}",
            f"model.path={work_dir / 'no-such-model'}",
            f"output_dir={work_dir / 'out'}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "no-such-model" in proc.stderr and "is not a directory" in proc.stderr
    assert "Ray" not in proc.stdout + proc.stderr.replace("no-such-model", "")  # Ray never started
    assert not (work_dir / "out").exists()


def test_tiny_preset_is_a_normal_hf_directory(tiny_dir):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    models.check_model_dir(tiny_dir)
    tok = AutoTokenizer.from_pretrained(tiny_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_dir)
    assert tok.is_fast and tok.eos_token_id is not None and tok.pad_token_id is not None
    assert model.config.model_type == "llama"
    assert model.config.num_hidden_layers == 2 and model.config.hidden_size == 64
    assert model.config.vocab_size == len(tok)
    ids = tok("x = <MASK>\n")["input_ids"]
    assert models.MASK_TOKEN in tok.convert_ids_to_tokens(ids)  # one token, never split
    assert tok.decode(ids, skip_special_tokens=True) == "x = <MASK>\n"


def test_target_logits_equal_full_logits_at_selected_positions(tiny_dir):
    lm = models.add_lora(
        models.load_model(tiny_dir, torch.float32), 4, 8, 0.0, ["q_proj", "v_proj"]
    )
    model = TargetLogits(lm).eval()
    ids = torch.randint(0, 300, (2, 9))
    lengths = torch.tensor([9, 6])
    mask = torch.ones(2, 9, dtype=torch.long)
    mask[1, 6:] = 0
    pos = torch.arange(9).expand(2, 9)
    select = torch.zeros(2, 9, dtype=torch.bool)
    select[0, 2:7] = select[1, 1:5] = True
    with torch.no_grad():
        full = lm(input_ids=ids, attention_mask=mask, position_ids=pos).logits
        part = model(ids, pos, select, lengths)
    assert part.shape == (9, lm.config.vocab_size)
    assert torch.allclose(part, full[select], atol=1e-5)


def test_lora_trains_only_the_adapter_and_merges(tiny_dir, work_dir):
    lm = models.add_lora(models.load_model(tiny_dir, torch.float32), 4, 8, 0.0, ["all-linear"])
    trainable = {n for n, p in lm.named_parameters() if p.requires_grad}
    assert trainable and all("lora_" in n for n in trainable)
    assert not any("lm_head" in n for n in trainable)
    with torch.no_grad():
        for n, p in lm.named_parameters():
            if "lora_B" in n:
                p.normal_(0, 0.1)
    lm.save_pretrained(work_dir / "adapter")
    merged = models.merge_adapter(tiny_dir, work_dir / "adapter", work_dir / "merged")
    from transformers import AutoModelForCausalLM

    ids = torch.randint(0, 300, (1, 12))
    with torch.no_grad():
        want = lm.eval()(input_ids=ids).logits
        got = AutoModelForCausalLM.from_pretrained(merged)(input_ids=ids).logits
        base = AutoModelForCausalLM.from_pretrained(tiny_dir)(input_ids=ids).logits
    assert torch.allclose(got, want, atol=1e-4)
    assert not torch.allclose(base, want, atol=1e-3)
