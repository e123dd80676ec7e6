"""Generate on real local Ray with a tiny model and a real PEFT adapter: the samples table,
resuming after a killed run, refusing to mix settings, and the vllm path's rows and config
(built without vLLM, which needs a GPU)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow.dataset as pads
import pytest

from data_pipeline.generate import run
from effiskel.config import GenerateConfig
from effiskel.generation import SamplingConfig
from effiskel.schema import SAMPLES
from effiskel.tasks import iter_source
from effiskel.training.prompts import format_prompt
from tests.test_generation import make_tiny_run

MINI = [t for t, _ in iter_source("mini")]


def table(out: Path) -> list[dict]:
    return pads.dataset(out / "samples", format="parquet").to_table().to_pylist()


@pytest.fixture(scope="module")
def tiny(build_dir) -> dict:
    texts = [format_prompt(t["prompt"]) for t in MINI] * 3
    return make_tiny_run(build_dir / "tmp" / "generate-stage-tiny", texts)


def cfg_for(tiny: dict, out: Path, **kw) -> GenerateConfig:
    base = dict(methods=[str(tiny["run"]), "instruct", "llm4effi"], source="mini", limit=3,
                out=str(out), sampling=SamplingConfig(n=2, max_new_tokens=16),
                tasks_per_unit=2, batch_size=8, workers=2, device="cpu", progress=False)
    base.update(kw)
    return GenerateConfig(**base)


def test_generate_end_to_end(ray_session, tiny, work_dir):
    out = work_dir / "out"
    start = time.time()
    summary = run(cfg_for(tiny, out))
    elapsed = time.time() - start
    rows = table(out)
    assert set(rows[0]) == set(SAMPLES.names)
    assert len(rows) == 3 * 3 * 2 == summary["samples"]
    keys = Counter((r["method"], r["task_id"], r["sample_id"]) for r in rows)
    assert max(keys.values()) == 1
    assert {r["method"] for r in rows} == {"effiskel-tas", "instruct", "llm4effi"}
    assert {r["task_id"] for r in rows} == {t["task_id"] for t in MINI[:3]}
    by = {(r["method"], r["task_id"], r["sample_id"]): r for r in rows}
    for r in rows:
        assert r["finish_reason"] in ("stop", "length") and 1 <= r["n_tokens"] <= 16
        assert r["status"] in ("ok", "no_program") and r["backend"] == "hf"
        assert r["model"] == tiny["base"]
        assert (r["adapter"] is not None) == (r["method"] == "effiskel-tas")
        # Paired samples: one seed per (task, sample) for every method, distinct within.
        assert r["seed"] == by[("instruct", r["task_id"], r["sample_id"])]["seed"]
        assert r["status"] == "ok" or r["reason"].split(":")[0] in (
            "no-code", "syntax-error", "no-statements", "truncated", "other-language", "empty")
    seeds = [r["seed"] for r in rows if r["method"] == "instruct"]
    assert len(set(seeds)) == len(seeds)
    # The random tiny model writes no program: every such sample is a row that says why.
    assert sum(r["status"] == "no_program" for r in rows) == summary["status"]["instruct"].get(
        "no_program", 0) + summary["status"]["effiskel-tas"].get("no_program", 0) + \
        summary["status"]["llm4effi"].get("no_program", 0)
    # The adapter changes what is sampled from the same prompt with the same seed.
    same = [(by[("effiskel-tas", t, j)]["completion"], by[("instruct", t, j)]["completion"])
            for (m, t, j) in by if m == "instruct"]
    assert all(by[("effiskel-tas", t, j)]["prompt"] == by[("instruct", t, j)]["prompt"]
               for (m, t, j) in by if m == "instruct")
    assert sum(a != b for a, b in same) >= len(same) - 1
    assert all(r["plan"] and "### Algorithm\n" in r["prompt"]
               for r in rows if r["method"] == "llm4effi")
    s = json.loads((out / "summary.json").read_text())
    assert s["units"] == 3 * 2 and s["resumed_units"] == 0 and s["tokens"] > 0
    assert s["samples_per_s"] > 0 and s["finish"]
    assert elapsed < 120, f"a tiny-model generation of 3 mini tasks took {elapsed:.0f} s"

    again = run(cfg_for(tiny, out))  # a rerun reuses every shard and adds no row
    assert again["resumed_units"] == 6 and again["generated"] == 0
    assert sorted(map(str, table(out))) == sorted(map(str, rows))


def test_a_rerun_with_other_settings_is_refused(ray_session, tiny, work_dir):
    out = work_dir / "out"
    run(cfg_for(tiny, out, methods=["instruct"], model=tiny["base"], limit=1))
    with pytest.raises(ValueError, match=r"other settings \(sampling: .*another --out"):
        run(cfg_for(tiny, out, methods=["instruct"], model=tiny["base"], limit=1,
                    sampling=SamplingConfig(n=3, max_new_tokens=16)))
    # Another method beside the ones already there is fine: it adds its own shards.
    run(cfg_for(tiny, out, methods=[str(tiny["run"])], limit=1))
    assert Counter(r["method"] for r in table(out)) == {"instruct": 2, "effiskel-tas": 2}


def test_a_retrained_adapter_is_not_mixed_with_the_old_samples(ray_session, tiny, work_dir):
    import shutil

    out = work_dir / "out"
    run_dir = work_dir / "effiskel-tas"
    shutil.copytree(tiny["run"], run_dir)
    run(cfg_for(tiny, out, methods=[str(run_dir)], limit=1))
    weights = run_dir / "adapter" / "adapter_model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1  # another adapter at the same path
    weights.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="effiskel-tas made from another adapter"):
        run(cfg_for(tiny, out, methods=[str(run_dir)], limit=1))


def test_resume_after_killing_the_driver(ray_session, tiny, work_dir):
    """Kill the driver (a command joined to this session's Ray, so no second Ray has to
    start on a loaded machine) once some shards exist: the rerun keeps every finished shard
    (at most the unit in flight is lost) and writes each row once."""
    out = work_dir / "out"
    address = ray_session.get_runtime_context().gcs_address
    cmd = [str(Path(sys.executable).parent / "effiskel"), "generate", "--methods",
           "instruct", "--model", tiny["base"], "--source", "mini", "--limit", "8",
           "--out", str(out), "--n", "2", "--max-new-tokens", "24", "tasks_per_unit=1",
           "--workers", "1", "--device", "cpu", "progress=false", "--address", address]
    env = dict(os.environ, RAY_AUTH_MODE="token")  # the session's Ray made its token in HOME
    log = work_dir / "first.log"
    with open(log, "w") as f:
        proc = subprocess.Popen(cmd, env=env, start_new_session=True, stdout=f, stderr=f)
    deadline = time.time() + 300
    while (time.time() < deadline and proc.poll() is None
           and len(list((out / "samples").glob("*.parquet"))) < 2):
        time.sleep(0.2)
    ended = proc.poll()
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    kept = len(list((out / "samples").glob("*.parquet")))
    assert ended is None, f"the first run ended by itself ({ended}): {log.read_text()[-2000:]}"
    assert 2 <= kept < 8, f"{kept} of 8 shards when killed: {log.read_text()[-2000:]}"
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["resumed_units"] == kept and summary["units"] == 8
    keys = Counter((r["task_id"], r["sample_id"]) for r in table(out))
    assert len(keys) == 16 and max(keys.values()) == 1
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]


@pytest.mark.parametrize("args,message", [
    (["--methods", "/nonexistent/run"], "holds no adapter/adapter_config.json"),
    (["--methods", "instruct"], "needs a base model"),
    (["--methods", "instruct", "--model", "/nonexistent"], "is not a directory"),
    (["--source", "nope", "--methods", "llm4effi", "--model", "M"], "unknown task source"),
    (["--limit", "2", "--tasks", "a,b"], "give limit or tasks, not both"),
    (["--methods", "instruct", "--model", "M", "--tasks", "mini/0000,nope"],
     "has no task nope"),
    (["--backend", "vllm", "--methods", "instruct", "--model", "M"], "effiskel[vllm]"),
    (["--sampling.top_p", "0"], "top_p must be in"),
    (["--n", "two"], "sampling.n: expected int"),
])
def test_bad_input_fails_before_ray(tiny, work_dir, capsys, args, message):
    from jobs.generate import main

    args = [tiny["base"] if a == "M" else a for a in args]
    with pytest.raises(SystemExit) as exit_:
        main(["--out", str(work_dir / "out"), *args], prog="effiskel generate")
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and message in err and err.startswith("effiskel generate: ")
    assert not (work_dir / "out").exists()  # failed before the stage wrote anything


def test_the_command_line_reports_bad_input_in_one_line(work_dir):
    done = subprocess.run([str(Path(sys.executable).parent / "effiskel"), "generate", "--out",
                           str(work_dir / "out"), "--methods", str(work_dir / "no-run")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "holds no adapter" in done.stderr


# ----------------------------------------------------------------------------- vllm path
def test_vllm_rows_one_per_sample_with_its_seed(tiny):
    from effiskel.generation import (
        first_requests,
        resolve_methods,
        stop_token_ids,
        vllm_output,
        vllm_requests,
    )
    from effiskel.training.models import load_tokenizer

    run_m, instruct = resolve_methods([str(tiny["run"]), "instruct"], None)
    sampling = SamplingConfig(n=3, max_new_tokens=32)
    stops = stop_token_ids(tiny["base"], load_tokenizer(tiny["base"]))
    reqs = first_requests(MINI[:2], run_m, sampling)
    rows = vllm_requests(reqs, run_m, sampling, stops, unit="u1")
    assert len(rows) == 2 * 3 and len({r["sampling_params"]["seed"] for r in rows}) == 6
    assert all(r["sampling_params"]["n"] == 1 for r in rows)
    assert {r["model"] for r in rows} == {run_m.adapter}  # a dynamic LoRA request
    p = rows[0]["sampling_params"]
    assert (p["temperature"], p["top_p"], p["max_tokens"]) == (0.8, 0.95, 32)
    assert p["top_k"] == -1 and p["repetition_penalty"] == 1.0 and p["stop_token_ids"] == stops
    base_rows = vllm_requests(first_requests(MINI[:1], instruct, sampling), instruct, sampling,
                              stops, unit="u2")
    assert {r["model"] for r in base_rows} == {instruct.base}  # the engine's own model
    assert [r["sampling_params"]["seed"] for r in base_rows] == [
        r["sampling_params"]["seed"] for r in rows[:3]]  # the same seeds as the run's
    # An output row as the engine stage leaves it (vLLMOutputData's fields beside ours).
    out = dict(rows[0], generated_text="```python\nprint(1)\n```", generated_tokens=[5, 9, stops[0]],
               num_generated_tokens=3, __inference_error__="")
    req, gen = vllm_output(out, stops, 32)
    assert (req.task["task_id"], req.sample_id, req.seed) == (MINI[0]["task_id"], 0, rows[0]["seed"])
    assert gen.finish_reason == "stop" and gen.n_tokens == 3 and gen.error is None
    cut = dict(out, generated_tokens=[5] * 32, num_generated_tokens=32)
    assert vllm_output(cut, stops, 32)[1].finish_reason == "length"
    failed = vllm_output(dict(out, __inference_error__="CUDA error"), stops, 32)[1]
    assert failed.error.startswith("generation-failed: vLLM failed on this prompt: CUDA error")


def test_vllm_processor_builds_without_vllm(ray_session, tiny):
    """Ray 2.60's Ray Data LLM builds the processor (config, stages, resources) without vLLM
    installed; only running its engine needs vLLM and a GPU."""
    from ray.data.llm import build_processor

    from effiskel.generation import VllmConfig, vllm_processor_config

    adapter = str(tiny["run"] / "adapter")
    cfg = vllm_processor_config(tiny["base"], [adapter], VllmConfig(batch_size=16), "auto")
    kw = cfg.engine_kwargs
    assert kw["enable_lora"] and kw["max_loras"] == 1 and kw["max_lora_rank"] == 8
    assert kw["generation_config"] == "vllm" and kw["task_type"] == "generate"
    assert cfg.should_continue_on_error and cfg.batch_size == 16
    processor = build_processor(cfg)
    engine = processor.get_stage_by_name("vLLMEngineStage")
    assert engine.fn_constructor_kwargs["model"] == tiny["base"]
    assert engine.fn_constructor_kwargs["engine_kwargs"]["enable_lora"]
    assert engine.map_batches_kwargs["num_gpus"] == 1  # an engine per GPU
    assert set(processor.list_stage_names()) == {"vLLMEngineStage"}  # no chat template
    base_only = vllm_processor_config(tiny["base"], [], VllmConfig(), "auto")
    assert "enable_lora" not in base_only.engine_kwargs


class StandInEngine:
    """Not vLLM: the tiny model through HFSampler, behind the row interface of Ray Data LLM's
    engine stage (the prompt, sampling_params and model columns in; generated_text,
    num_generated_tokens beside the other columns out). It lets the vllm backend's driver
    (units, the two llm4effi passes, plans, shards, resume) run without a GPU."""

    def __init__(self, base: str, adapter: str):
        from effiskel.generation import HFSampler

        self.base, self.adapter = base, adapter
        self.sampler = HFSampler(base, {"run": adapter}, "cpu", threads=1)

    def __call__(self, row: dict) -> dict:
        p = row.pop("sampling_params")
        assert p["n"] == 1 and row["model"] in (self.base, self.adapter)
        sampling = SamplingConfig(n=1, temperature=p["temperature"], top_p=p["top_p"],
                                  max_new_tokens=p["max_tokens"])
        adapter = "run" if row["model"] == self.adapter else None
        (g,) = self.sampler.generate([row["prompt"]], [p["seed"]], adapter, sampling)
        return dict(row, generated_text=g.text, generated_tokens=[],
                    num_generated_tokens=g.n_tokens, __inference_error__="")


def test_vllm_driver_with_a_stand_in_engine(ray_session, tiny, work_dir, monkeypatch):
    import data_pipeline.generate as gen

    built = []

    def processor(proc_cfg):
        built.append(proc_cfg)
        adapter = str((tiny["run"] / "adapter").resolve())
        return lambda ds: ds.map(StandInEngine, fn_constructor_kwargs={
            "base": proc_cfg.model_source, "adapter": adapter}, concurrency=1)

    monkeypatch.setattr(gen, "_vllm_installed", lambda: True)
    monkeypatch.setattr(gen, "_processor", processor)
    out = work_dir / "out"
    cfg = cfg_for(tiny, out, backend="vllm", limit=2, tasks_per_unit=1,
                  sampling=SamplingConfig(n=2, max_new_tokens=8))
    summary = gen.run(cfg)
    assert len(built) == 2  # the first passes (llm4effi's plans among them), then the code
    assert built[0].engine_kwargs["enable_lora"] and built[0].model_source == tiny["base"]
    rows = table(out)
    assert len(rows) == 3 * 2 * 2 == summary["samples"] and summary["resumed_units"] == 0
    assert {r["backend"] for r in rows} == {"vllm"}
    assert max(Counter((r["method"], r["task_id"], r["sample_id"]) for r in rows).values()) == 1
    llm4effi = [r for r in rows if r["method"] == "llm4effi"]
    plans = pads.dataset(out / "plans", format="parquet").to_table().to_pylist()
    assert len(plans) == 4 and all(r["plan"] for r in llm4effi)
    assert {(r["task_id"], r["sample_id"], r["completion"]) for r in plans} == {
        (r["task_id"], r["sample_id"], r["plan"]) for r in llm4effi}
    # The same samples as the hf backend draws (same model, seeds and sampler here).
    hf = run(cfg_for(tiny, work_dir / "hf", limit=2, tasks_per_unit=1,
                     sampling=SamplingConfig(n=2, max_new_tokens=8)))
    assert hf["samples"] == 12
    by = {(r["method"], r["task_id"], r["sample_id"]): r for r in rows}
    for r in table(work_dir / "hf"):
        v = by[(r["method"], r["task_id"], r["sample_id"])]
        assert (v["seed"], v["prompt"], v["completion"]) == (r["seed"], r["prompt"],
                                                            r["completion"])
    # Resume: lose an llm4effi samples shard; its plans are kept, so only the second pass
    # runs again, for that unit alone.
    lost = sorted((out / "samples").glob("llm4effi*.parquet"))[0]
    lost.unlink()
    built.clear()
    again = gen.run(cfg)
    assert len(built) == 1 and again["resumed_units"] == 5 and again["samples"] == 12
    assert sorted(map(str, table(out))) == sorted(map(str, rows))
