"""CodeDPO* and SkelDPO on TRL's DPOTrainer, with the tiny model on CPU.

In-process (TRL's trainer, no Ray, no DeepSpeed): SkelDPO with λ = 0 gives CodeDPO*'s
losses on the same pairs; the skeleton term changes the gradients by exactly λ times its
own; the reference is the base model with the adapter disabled, also in a second stage
that starts from the first stage's adapter.

On Ray Train + DeepSpeed (2 workers, gloo): an uninterrupted two-stage CodeDPO* run
(ZeRO-2), a run killed right after its step-6 checkpoint (in stage 2) and its rerun, which
must continue exactly where the uninterrupted run went, and a SkelDPO run under ZeRO-3.
"""

from __future__ import annotations

import shutil

import pytest
import torch

from data_pipeline.shards import write_shard
from effiskel.config import load
from effiskel.schema import PAIRS
from effiskel.training import dpo
from effiskel.training.config import TrainConfig
from effiskel.training.models import load_model, load_tokenizer, tiny_model
from effiskel.training.prompts import format_prompt, format_skeleton_prompt
from effiskel.training.trainer import TEST_CRASH_AFTER_STEP
from tests.conftest import ROOT
from tests.training.test_trainer import segments  # metrics.jsonl split at each start record

STEPS = 4  # per stage
pytestmark = pytest.mark.timeout(900)

FAST = "def solve(n):\n    return (n - 1) * n * (2 * n - 1) // 6 + {k}\n"
SLOW = ("def solve(n):\n    total = {k}\n    for i in range(n):\n        for _ in range(i):\n"
        "            total += 1\n        total += i * i - i\n    return total\n")
WRONG = "def solve(n):\n    return n * n + {k}\n"
FAST_SKELETON = "def solve(n):\n    return (n - 1) * n * (2 * n - 1) // 6 + <MASK>\n"
SLOW_SKELETON = ("<MASK>\n    <MASK>\n    for i in range(n):\n        for _ in range(i):\n"
                 "            total += 1\n        <MASK>\n    <MASK>\n")


def pair_rows(n: int = 16) -> list[dict]:
    """PAIRS rows of n tasks: a correctness and an efficiency pair each, and tasks that a
    stage must leave out (no pair; no skeleton pair)."""
    rows = []
    for i in range(n):
        prompt = f"Return {i} plus the sum of the squares of the integers below n."
        base = {**{c: None for c in PAIRS.names}, "task_id": f"t{i}", "prompt": prompt,
                "chosen_id": "fast", "chosen": FAST.format(k=i), "status": "ok"}
        rows.append({**base, "stage": "correctness", "rejected_id": "wrong",
                     "rejected": WRONG.format(k=i)})
        rows.append({**base, "stage": "efficiency", "rejected_id": "slow",
                     "rejected": SLOW.format(k=i), "slowdown": 9.0,
                     "chosen_skeleton": FAST_SKELETON, "rejected_skeleton": SLOW_SKELETON,
                     "skeleton_status": "ok"})
    skipped = {**{c: None for c in PAIRS.names}, "task_id": "none", "prompt": "p",
               "status": "skipped", "reason": "no-incorrect-solution: …"}
    no_skeleton = {**rows[1], "task_id": "noskel", "chosen_skeleton": None,
                   "rejected_skeleton": None, "skeleton_status": "error",
                   "skeleton_reason": "chosen-skeleton: …"}
    return rows + [{**skipped, "stage": "correctness"}, no_skeleton]


def config(tmp, *extra: str) -> TrainConfig:
    return load(TrainConfig, None, [
        "method=codedpo",
        f"data.pairs_path={tmp / 'pairs'}",
        f"output_dir={tmp / 'out'}",
        "scaling.num_workers=2",
        "scaling.use_gpu=false",
        "model.tiny_vocab_size=512",
        "lora.rank=8",
        "lora.alpha=16",
        "optim.global_batch_size=4",
        "optim.micro_batch_size=2",
        "optim.lr=3e-3",
        "optim.warmup_ratio=0.0",
        f"dpo.stage_steps={STEPS}",
        "log_every=1",
        "checkpoint_every=2",
        *extra,
    ])


@pytest.fixture(scope="module")
def data_dir(build_dir):
    d = build_dir / "tmp" / "training-dpo"
    shutil.rmtree(d, ignore_errors=True)
    write_shard(pair_rows(), PAIRS, d / "pairs" / "shard-00000.parquet")
    return d


# --- data -------------------------------------------------------------------------------


def test_each_stage_takes_its_usable_pairs_with_the_trained_prompts():
    rows = pair_rows()
    code, left = dpo.stage_examples(rows, "correctness", with_skeleton=False)
    assert len(code) == 16 and left == {"task without a pair": 1}
    assert code[0] == {"prompt": format_prompt(rows[0]["prompt"]), "chosen": rows[0]["chosen"],
                       "rejected": rows[0]["rejected"]}
    skel, left = dpo.stage_examples(rows, "efficiency", with_skeleton=True)
    assert len(skel) == 16 and left == {"pair without skeleton pair": 1}
    assert skel[0]["skel_prompt"] == format_skeleton_prompt(rows[1]["prompt"])
    assert (skel[0]["skel_chosen"], skel[0]["skel_rejected"]) == (FAST_SKELETON, SLOW_SKELETON)
    # CodeDPO* trains on every efficiency pair, skeleton pair or not.
    assert len(dpo.stage_examples(rows, "efficiency", with_skeleton=False)[0]) == 17


def test_a_bad_pairs_path_or_an_empty_stage_is_an_actionable_error(data_dir, work_dir):
    with pytest.raises(FileNotFoundError, match="data.pairs_path .* is not a directory"):
        dpo.prepare(config(work_dir))
    only_eff = [r for r in pair_rows() if r["stage"] == "efficiency"]
    write_shard(only_eff, PAIRS, work_dir / "pairs" / "s.parquet")
    with pytest.raises(ValueError, match="holds no usable correctness pairs"):
        dpo.prepare(config(work_dir))
    with pytest.raises(ValueError, match=r"only 1 training examples.*global_batch_size = 4"):
        write_shard(only_eff[:1], PAIRS, work_dir / "pairs" / "s.parquet")
        dpo.prepare(config(work_dir, "method=skeldpo"))


def test_config_has_the_paper_defaults_and_names_its_bad_values():
    cfg = load(TrainConfig, None, ["method=skeldpo"])
    assert (cfg.stages, cfg.dpo.beta, cfg.dpo.lambda_skel, cfg.steps_per_stage, cfg.name) == (
        ("efficiency",), 0.2, 1.0, 800, "skeldpo")
    cfg = load(TrainConfig, None, ["method=codedpo", "optim.max_steps=5"])
    assert (cfg.stages, cfg.steps_per_stage) == (("correctness", "efficiency"), 5)
    with pytest.raises(ValueError, match="dpo.stages"):
        load(TrainConfig, None, ["method=codedpo", "dpo.stages=[speed]"])
    with pytest.raises(ValueError, match="dpo.lambda_skel must be >= 0"):
        load(TrainConfig, None, ["method=skeldpo", "dpo.lambda_skel=-1"])
    for name in ("dpo-qwen2.5-coder-1.5b.yaml", "demo_dpo.yaml"):  # both methods' configs
        for method in ("codedpo", "skeldpo"):
            cfg = load(TrainConfig, ROOT / "configs" / name, [f"method={method}"])
            assert cfg.method == method and cfg.dpo.beta == 0.2 and cfg.dpo.lambda_skel == 1.0
    paper = load(TrainConfig, ROOT / "configs" / "dpo-qwen2.5-coder-1.5b.yaml")
    assert (paper.steps_per_stage, paper.optim.global_batch_size, paper.data.max_length) == (
        800, 64, 1600)


# --- in-process: the loss, its gradient and the reference ---------------------------------


@pytest.fixture(scope="module")
def tiny(data_dir):
    """The tiny model of these pairs and the efficiency stage's SkelDPO examples."""
    examples, _ = dpo.stage_examples(pair_rows(), "efficiency", with_skeleton=True)
    texts = [e[p] + e[c] for e in examples for p, c in (
        ("prompt", "chosen"), ("prompt", "rejected"), ("skel_prompt", "skel_chosen"),
        ("skel_prompt", "skel_rejected"))]
    return tiny_model(texts, data_dir / "out", 512, 0), examples


def in_process(tiny, work_dir, method: str, *extra: str, init=None, stage="efficiency"):
    model_path, examples = tiny
    cfg = config(work_dir, f"method={method}", "scaling.num_workers=1", *extra)
    args = dpo.dpo_args(cfg, work_dir / method, bf16=False, save_strategy="no")
    if stage != "efficiency" or method == "codedpo":
        examples = [{k: e[k] for k in ("prompt", "chosen", "rejected")} for e in examples]
    return dpo.build_trainer(cfg, stage, examples, model_path, args, init)


def losses(trainer, key="loss"):
    return [h[key] for h in trainer.state.log_history if key in h]


def test_skeldpo_with_lambda_zero_trains_exactly_as_codedpo_on_the_same_pairs(tiny, work_dir):
    code = in_process(tiny, work_dir, "codedpo", "optim.max_steps=3")
    skel = in_process(tiny, work_dir, "skeldpo", "optim.max_steps=3", "dpo.lambda_skel=0")
    assert type(skel).__name__ == "SkelDPOTrainer" and type(code).__name__ == "DPOTrainer"
    code.train()
    skel.train()
    assert losses(skel) == pytest.approx(losses(code), rel=1e-5)
    assert losses(skel, "code/loss") == pytest.approx(losses(code), rel=1e-5)
    for key in ("rewards/margins", "rewards/accuracies", "logps/rejected"):
        assert losses(skel, f"code/{key}") == pytest.approx(losses(code, key), rel=1e-5, abs=1e-7)
    # The skeleton part was computed all the same, with rewards of its own.
    assert losses(skel, "skel/rewards/margins")[-1] != 0
    assert losses(code)[-1] < losses(code)[0]


def test_the_skeleton_term_adds_lambda_times_its_own_gradient(tiny, work_dir):
    trainers = {lam: in_process(tiny, work_dir, "skeldpo", f"dpo.lambda_skel={lam}")
                for lam in (0.0, 1.0, 2.5)}
    batch = next(iter(trainers[0.0].get_train_dataloader()))

    def grads(lam):
        t = trainers[lam]
        t.model.train()
        t.model.zero_grad()
        t.compute_loss(t.model, batch).backward()
        return torch.cat([p.grad.flatten() for p in t.model.parameters() if p.requires_grad])

    g0, g1, g25 = grads(0.0), grads(1.0), grads(2.5)
    skel = g1 - g0
    assert skel.norm() > 1e-3 * g0.norm()  # the skeleton pair pulls the adapter too
    assert torch.allclose(g25 - g0, 2.5 * skel, rtol=1e-4, atol=1e-7)


def completion_logps(model, batch) -> torch.Tensor:
    """Σ log p(completion token) per row, by a plain forward of `model` (not TRL's code)."""
    with torch.no_grad():
        logits = model(input_ids=batch["input_ids"],
                       attention_mask=batch["attention_mask"]).logits[:, :-1]
    logp = torch.log_softmax(logits.float(), -1).gather(-1, batch["input_ids"][:, 1:, None])[..., 0]
    return (logp * batch["completion_mask"][:, 1:]).sum(1)


@pytest.mark.parametrize("second_stage", [False, True], ids=["stage-1", "stage-2"])
def test_the_reference_stays_the_base_model_and_the_margin_moves(tiny, work_dir, second_stage):
    model_path, _ = tiny
    init = None
    if second_stage:  # a first stage's adapter, then a stage that starts from it
        first = in_process(tiny, work_dir, "codedpo", "optim.max_steps=3", stage="correctness")
        first.train()
        first.save_model(str(work_dir / "stage1"))
        init = work_dir / "stage1"
    trainer = in_process(tiny, work_dir, "codedpo", "optim.max_steps=3", init=init)
    batch = next(iter(trainer.get_train_dataloader()))
    base = load_model(model_path, torch.float32).eval()
    want = completion_logps(base, batch)
    if second_stage:  # the policy starts as the first stage's, not as the base model
        assert not torch.allclose(completion_logps(trainer.model.eval(), batch), want, atol=1e-2)
    trainer.train()
    trainer.model.eval()
    ref = torch.cat(trainer.compute_ref_log_probs(trainer.model, batch))
    policy = completion_logps(trainer.model, batch)
    assert torch.allclose(ref, want, atol=1e-3), (ref, want)  # still the base model's
    assert (policy - want).abs().max() > 0.1  # the policy has moved away from it
    margins = losses(trainer, "rewards/margins")
    assert all(m != 0 for m in margins[1 if not second_stage else 0:])
    assert margins[-1] > margins[0]


# --- Ray Train + DeepSpeed -------------------------------------------------------------


def logged(records, stage=None):
    return {r["step"]: r for r in records if "loss" in r and stage in (None, r["stage"])}


@pytest.fixture(scope="module")
def uninterrupted(ray_session, data_dir):
    return dpo.train(config(data_dir, "run_name=codedpo"))


@pytest.mark.slow
def test_codedpo_trains_two_stages_the_second_from_the_first_adapter(uninterrupted):
    (run,) = segments(uninterrupted.metrics_path)
    assert run[0]["pairs"] == {"correctness": 16, "efficiency": 17}
    begins = [r for r in run if r.get("event") == "begin"]
    assert [(r["stage"], r["pairs"], r["tokenized"]) for r in begins] == [
        ("correctness", 16, 16), ("efficiency", 17, 17)]
    for stage, steps in (("correctness", [1, 2, 3, 4]), ("efficiency", [5, 6, 7, 8])):
        got = logged(run, stage)
        assert sorted(got) == steps
        first, last = got[steps[0]], got[steps[-1]]
        assert last["loss"] < first["loss"] - 0.05, stage
        assert last["rewards/margins"] > first["rewards/margins"] + 0.1, stage
    assert logged(run)[1]["rewards/margins"] == 0  # the fresh adapter is the reference
    # Stage 2 starts from stage 1's adapter and is judged against the base model.
    assert abs(logged(run)[5]["rewards/margins"]) > 0.05
    run_dir = uninterrupted.run_dir
    assert (run_dir / "stages" / "correctness" / "adapter" / "adapter_model.safetensors").is_file()
    # Every rank's DeepSpeed shard and RNG state are in the run's last Ray Train checkpoint.
    ckpt = run_dir / "checkpoints" / f"checkpoint_{2 * STEPS:08d}"
    files = {p.name for p in ckpt.rglob("*") if p.is_file()}
    assert {"rng_state_0.pth", "rng_state_1.pth", "trainer_state.json", "dpo_state.json"} <= files
    assert {f"zero_pp_rank_{r}_mp_rank_00_optim_states.pt" for r in (0, 1)} <= files


@pytest.mark.slow
def test_the_adapter_loads_like_any_run_and_changes_the_model(uninterrupted):
    from peft import PeftModel

    tiny_dir = segments(uninterrupted.metrics_path)[0][0]["model_path"]
    tok = load_tokenizer(uninterrupted.adapter_dir)  # the tokenizer is beside the adapter
    ids = torch.tensor([tok(format_prompt("Sum the squares below n."))["input_ids"]])
    base = load_model(tiny_dir, torch.float32).eval()
    with torch.no_grad():
        before = base(input_ids=ids).logits
        after = PeftModel.from_pretrained(base, uninterrupted.adapter_dir).eval()(input_ids=ids).logits
    assert not torch.allclose(before, after, atol=1e-3)


@pytest.mark.slow
def test_a_killed_run_resumes_in_its_second_stage_and_matches_the_uninterrupted_one(
        uninterrupted, data_dir):
    import ray.train

    crashing = config(data_dir, "run_name=resumed")
    crashing.scaling.env_vars[TEST_CRASH_AFTER_STEP] = str(STEPS + 2)  # after stage 2's step 2
    with pytest.raises(ray.train.TrainingFailedError):
        dpo.train(crashing)
    result = dpo.train(config(data_dir, "run_name=resumed"))  # the same command again

    crashed, resumed = segments(result.metrics_path)
    assert sorted(logged(crashed)) == [1, 2, 3, 4, 5, 6]
    assert {k: resumed[1][k] for k in ("event", "stage", "step")} == {
        "event": "resume", "stage": "efficiency", "step": 6}
    assert sorted(logged(resumed)) == [7, 8]  # stage 1 not redone, nothing skipped
    want = logged(segments(uninterrupted.metrics_path)[0])
    for step, got in logged(resumed).items():
        for key in ("loss", "rewards/margins", "grad_norm", "learning_rate", "logps/chosen"):
            assert got[key] == pytest.approx(want[step][key], rel=1e-6, abs=1e-9), (step, key)

    from safetensors.torch import load_file

    a = load_file(uninterrupted.adapter_dir / "adapter_model.safetensors")
    b = load_file(result.adapter_dir / "adapter_model.safetensors")
    assert a.keys() == b.keys() and all(torch.allclose(a[k], b[k], atol=1e-6) for k in a)


@pytest.mark.slow
def test_skeldpo_under_zero3_logs_both_parts_and_both_losses_fall(ray_session, data_dir):
    result = dpo.train(config(data_dir, "method=skeldpo", "run_name=skeldpo",
                              "deepspeed.zero_stage=3"))
    (run,) = segments(result.metrics_path)
    assert run[0]["pairs"] == {"efficiency": 16}  # the pair without a skeleton pair is out
    got = logged(run)
    assert sorted(got) == [1, 2, 3, 4]
    for part in ("code", "skel"):
        assert {f"{part}/{k}" for k in ("loss", "rewards/chosen", "rewards/rejected",
                                        "rewards/margins", "rewards/accuracies")} <= set(got[1])
        assert got[4][f"{part}/loss"] < got[1][f"{part}/loss"] - 0.05, part
        assert got[4][f"{part}/rewards/margins"] > got[1][f"{part}/rewards/margins"] + 0.1
    for m in got.values():  # λ = 1
        assert m["loss"] == pytest.approx(m["code/loss"] + m["skel/loss"], rel=1e-5)
    assert (result.adapter_dir / "adapter_model.safetensors").is_file()


def test_effiskel_train_dispatches_the_dpo_methods_and_checks_their_paths_first(work_dir,
                                                                                 capsys):
    from jobs.train import main

    with pytest.raises(SystemExit) as e:  # fails in dpo.preflight, before Ray starts
        main(["--method", "skeldpo", "--data.pairs_path", str(work_dir / "missing")])
    assert e.value.code == 2
    assert "data.pairs_path" in capsys.readouterr().err
