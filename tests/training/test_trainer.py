"""The trainer on real Ray Train + DeepSpeed (ZeRO-2, gloo) with the tiny model on CPU.

Three Ray Train runs share the session's Ray: an uninterrupted 2-worker run, a run killed
right after its step-4 checkpoint (through the test-only EFFISKEL_TEST_CRASH_AFTER_STEP,
given to the workers in scaling.env_vars), and the rerun of that command, which must
continue exactly where the uninterrupted run went.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch

from effiskel.config import load
from effiskel.training import TrainConfig, train
from effiskel.training.examples import collate
from effiskel.training.flops import ModelFlops
from effiskel.training.models import add_lora, load_model
from effiskel.training.trainer import (
    TEST_CRASH_AFTER_STEP,
    Plan,
    lr_factor,
    make_plan,
    prepare,
    step_micro_batches,
)
from tests.training.synthetic import skeleton_rows, write_shards

STEPS = 8
PEAK = 1e10  # FLOP/s per device given to the uninterrupted run: its steps log MFU
# A Ray Train run takes ~30 s here; a run that waits for CPUs other tests still hold must
# fail, not hang the suite.
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def runs_dir(build_dir):
    d = build_dir / "tmp" / "training-trainer"
    shutil.rmtree(d, ignore_errors=True)
    write_shards(skeleton_rows(48), d / "skeletons")
    return d


def config(runs_dir, name: str, *extra: str) -> TrainConfig:
    return load(
        TrainConfig,
        None,
        [
            f"data.path={runs_dir / 'skeletons'}",
            f"output_dir={runs_dir / 'out'}",
            f"run_name={name}",
            "scaling.num_workers=2",
            "scaling.use_gpu=false",
            "model.tiny_vocab_size=512",
            "lora.dropout=0.1",  # dropout draws random numbers: resume must restore the RNG
            "optim.global_batch_size=8",
            "optim.micro_batch_size=2",  # 2 accumulation steps per worker
            "optim.lr=3e-3",
            f"optim.max_steps={STEPS}",
            "optim.warmup_ratio=0.25",
            "checkpoint_every=4",
            "log_every=1",
            *extra,
        ],
    )


def segments(path):
    """metrics.jsonl split at each run's start: a list of [records] per invocation."""
    out = []
    for line in path.read_text().splitlines():
        rec = json.loads(line)
        if rec.get("event") == "start":
            out.append([])
        out[-1].append(rec)
    return out


def steps(records):
    return {r["step"]: r for r in records if "loss" in r}


@pytest.fixture(scope="module")
def uninterrupted(ray_session, runs_dir):
    return train(config(runs_dir, "full", f"scaling.peak_flops_per_device={PEAK}"))


@pytest.mark.slow
def test_two_worker_deepspeed_run_logs_every_term_and_loss_falls(uninterrupted):
    (run,) = segments(uninterrupted.metrics_path)
    start = run[0]
    assert start["data"]["kept"] == 48 and start["plan"]["grad_accum"] == 2
    logged = steps(run)
    assert sorted(logged) == list(range(1, STEPS + 1))
    for m in logged.values():
        assert {
            "loss_code",
            "loss_skeleton",
            "loss_mask",
            "lr",
            "tokens_per_s",
            "step_time_s",
        } <= set(m)
        assert m["tokens_per_s"] > 0 and m["tokens_code"] > m["tokens_mask"] > 0
        assert m["loss"] == pytest.approx(
            0.6 * m["loss_code"] + 0.2 * m["loss_skeleton"] + 0.2 * m["loss_mask"]
        )
    first = np.mean([logged[s]["loss"] for s in (1, 2)])
    last = np.mean([logged[s]["loss"] for s in (STEPS - 1, STEPS)])
    assert last < first - 0.1, (first, last)
    assert logged[1]["lr"] < logged[3]["lr"]  # warm-up
    assert uninterrupted.metrics["step"] == STEPS

    # Every rank reported its own DeepSpeed shard and RNG state into the same checkpoint.
    ckpt = uninterrupted.run_dir / "checkpoints" / f"checkpoint_{STEPS:08d}"
    files = {p.name for p in ckpt.rglob("*") if p.is_file()}
    assert {"rng_rank0.pt", "rng_rank1.pt", "trainer_state.json"} <= files
    assert {f"zero_pp_rank_{r}_mp_rank_00_optim_states.pt" for r in (0, 1)} <= files


@pytest.mark.slow
def test_adapter_loads_with_peft_and_changes_the_model(uninterrupted):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    (tiny,) = uninterrupted.run_dir.parent.glob("tiny_model-*")  # one, shared by both runs
    tok = AutoTokenizer.from_pretrained(uninterrupted.adapter_dir)
    ids = torch.tensor([tok("def solve(n):\n    return")["input_ids"]])
    base = AutoModelForCausalLM.from_pretrained(tiny).eval()
    with torch.no_grad():
        before = base(input_ids=ids).logits
        tuned = PeftModel.from_pretrained(base, uninterrupted.adapter_dir).eval()
        after = tuned(input_ids=ids).logits
    assert not torch.allclose(before, after, atol=1e-3)


@pytest.mark.slow
def test_rerun_after_a_crash_resumes_and_matches_the_uninterrupted_run(uninterrupted, runs_dir):
    import ray.train

    crashing = config(runs_dir, "resumed")
    crashing.scaling.env_vars[TEST_CRASH_AFTER_STEP] = "4"
    with pytest.raises(ray.train.TrainingFailedError):
        train(crashing)
    result = train(config(runs_dir, "resumed"))  # the same command again

    crashed, resumed = segments(result.metrics_path)
    assert sorted(steps(crashed)) == [1, 2, 3, 4]
    assert resumed[1] == {**resumed[1], "event": "resume", "step": 4}
    assert sorted(steps(resumed)) == [5, 6, 7, 8]  # nothing redone, nothing skipped
    want = steps(segments(uninterrupted.metrics_path)[0])
    for step, got in steps(resumed).items():
        for key in (
            "loss",
            "loss_code",
            "loss_skeleton",
            "loss_mask",
            "lr",
            "grad_norm",
            "tokens_code",
        ):
            assert got[key] == pytest.approx(want[step][key], rel=1e-6, abs=1e-9), (step, key)

    from safetensors.torch import load_file

    a = load_file(uninterrupted.adapter_dir / "adapter_model.safetensors")
    b = load_file(result.adapter_dir / "adapter_model.safetensors")
    assert a.keys() == b.keys() and all(torch.allclose(a[k], b[k], atol=1e-6) for k in a)
    # No peak on CPU unless one is given: MFU is logged as null; the FLOPs stay the same.
    assert all(m["mfu"] is None for m in steps(resumed).values())
    assert all(m["model_flops"] == want[s]["model_flops"] for s, m in steps(resumed).items())


@pytest.mark.slow
def test_every_logged_step_carries_the_mfu_of_both_ranks_model_flops(uninterrupted, runs_dir):
    cfg = config(runs_dir, "full")
    model_path, examples, _, _ = prepare(cfg)
    plan = make_plan(cfg, len(examples))
    lengths = np.array([ex.row_length(cfg.data.layout, True) for ex in examples])
    lm = add_lora(load_model(model_path, torch.float32), cfg.lora.rank, cfg.lora.alpha, 0.0,
                  cfg.lora.target_modules)
    flops = ModelFlops.of(lm.get_base_model())
    for step, m in steps(segments(uninterrupted.metrics_path)[0]).items():
        batches = [
            collate([examples[i] for i in idx], cfg.data.layout, True, pad_id=0)
            for rank in (0, 1)
            for idx in step_micro_batches(lengths, step - 1, plan, cfg.seed, rank)
        ]
        assert m["model_flops"] == flops.step(batches)  # the global step: both ranks' rows
        assert m["mfu"] == pytest.approx(m["model_flops"] / m["step_time_s"] / (2 * PEAK))
        assert m["mfu"] > 0


def test_plan_checks_batch_sizes_with_actionable_errors():
    cfg = load(TrainConfig, None, ["scaling.num_workers=3"])
    with pytest.raises(
        ValueError, match=r"global_batch_size \(64\).*micro_batch_size \(4\).*num_workers \(3\)"
    ):
        make_plan(cfg, 1000)
    with pytest.raises(ValueError, match="only 10 training examples"):
        make_plan(load(TrainConfig, None, []), 10)
    plan = make_plan(load(TrainConfig, None, ["scaling.num_workers=4"]), 18710)
    assert (plan.grad_accum, plan.steps_per_epoch, plan.total_steps) == (4, 292, 1460)


def test_micro_batches_split_each_global_batch_exactly_across_ranks():
    plan = Plan(
        num_examples=50,
        num_workers=2,
        micro_batch_size=3,
        grad_accum=2,
        global_batch_size=12,
        steps_per_epoch=4,
        total_steps=8,
        schedule_steps=8,
        warmup_steps=0,
    )
    lengths = np.random.default_rng(0).integers(10, 100, 50)
    seen_epoch0 = []
    for step in range(8):
        per_rank = [step_micro_batches(lengths, step, plan, seed=1, rank=r) for r in range(2)]
        assert all(len(mbs) == 2 and all(len(mb) == 3 for mb in mbs) for mbs in per_rank)
        idx = np.concatenate([mb for mbs in per_rank for mb in mbs])
        assert len(set(idx)) == 12
        if step < 4:
            seen_epoch0 += idx.tolist()
        # A pure function of (seed, step): what resuming relies on.
        assert all(
            np.array_equal(a, b)
            for a, b in zip(per_rank[0], step_micro_batches(lengths, step, plan, 1, 0))
        )
    assert len(set(seen_epoch0)) == 48  # one epoch: no example twice
    e0 = step_micro_batches(lengths, 0, plan, 1, 0)
    e1 = step_micro_batches(lengths, 4, plan, 1, 0)
    assert not all(np.array_equal(a, b) for a, b in zip(e0, e1))  # reshuffled per epoch


def test_lr_schedule_warms_up_then_decays_to_min():
    f = [lr_factor(s, warmup=2, total=10, schedule="cosine", min_ratio=0.1) for s in range(11)]
    assert f[0] < f[1] < f[2] == 1.0
    assert all(a >= b for a, b in zip(f[2:], f[3:])) and f[10] == pytest.approx(0.1)
