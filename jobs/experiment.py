"""Every method side by side, in one resumable command: `effiskel experiment --config FILE`.

    profile → extract → pairs → the base model → train every method → per benchmark:
    generate → evaluate → compare

One YAML (an ExperimentConfig: configs/experiment-*.yaml) names the training source, the
base model, the methods (effiskel per skeleton strategy, efficoder, codedpo, skeldpo,
instruct, llm4effi), the benchmarks and the baseline; its stage sections are the stages' own
settings. Every step records its config in OUT/steps/ when it finishes and is skipped on a
rerun while its config is unchanged, so a rerun after any crash continues where it stopped
(and the step in flight resumes from its own finished shards). Without --address one embedded
local Ray serves every step; with it (or under `ray job submit`, which sets RAY_ADDRESS)
every step runs on that cluster. It ends with the Table 3 form of each benchmark and the
report's path.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from effiskel.config import ExperimentConfig, fail, from_dict, parse

TRAINED = ("effiskel", "efficoder", "codedpo", "skeldpo")
PROMPTED = ("instruct", "llm4effi")


@dataclass
class Step:
    """One step of the experiment: its name, its config (built when the step is reached,
    from what the steps before it left) and what runs it."""

    name: str
    config: Callable[[], Any]
    run: Callable[[Any], Any]


def run_names(cfg: ExperimentConfig) -> dict[str, str]:
    """Trained run name → its method (effiskel once per strategy)."""
    runs = {}
    for method in cfg.methods:
        if method == "effiskel":
            for s in cfg.strategies:
                runs["effiskel" if s == "tas" else f"effiskel-{s}"] = method
        elif method in TRAINED:
            runs[method] = method
    return runs


def needs_pairs(cfg: ExperimentConfig) -> bool:
    return any(m in ("codedpo", "skeldpo") for m in cfg.methods)


def extracted_strategies(cfg: ExperimentConfig) -> list[str]:
    """What Stage 2 extracts: `extract.skeleton.strategies` (all three by default), and
    whatever the methods need: EffiSkel's strategies, the pairs' chosen skeletons'."""
    wanted = set(cfg.extract.skeleton.strategies) | set(
        cfg.strategies if "effiskel" in cfg.methods else []) | (
        {cfg.pairs.pairs.strategy} if needs_pairs(cfg) else set())
    return sorted(wanted or {"tas"})


def plan(cfg: ExperimentConfig, after: dict[str, Callable[[Path], None]] | None = None
         ) -> list[Step]:
    """The steps of `cfg` in order. `after`: a function to call with OUT when a step of that
    name finishes (the demo uses it to build sample sets from Stage 1's measurements)."""
    out = Path(cfg.out)
    steps: list[Step] = []
    if run_names(cfg) or cfg.model == "tiny":  # the tiny base model learns from Stage 2's texts
        steps += training_steps(cfg, out)
    for bench in cfg.benchmarks:
        steps += benchmark_steps(cfg, out, bench)
    hooks = after or {}
    for step in steps:
        if step.name in hooks:
            step.run = _then(step.run, hooks[step.name], out)
    return steps


def _then(run, hook, out: Path):
    def both(c):
        result = run(c)
        hook(out)
        return result
    return both


def training_steps(cfg: ExperimentConfig, out: Path) -> list[Step]:
    from data_pipeline import extract, pairs, profile

    strategies = extracted_strategies(cfg)
    steps = [
        Step("profile", lambda: dataclasses.replace(
            cfg.profile, out=str(out / "profile"), address=cfg.address, progress=cfg.progress,
            verbose=cfg.verbose), profile.run),
        Step("extract", lambda: dataclasses.replace(
            cfg.extract, input=str(out / "profile"), out=str(out / "extract"),
            skeleton=dataclasses.replace(cfg.extract.skeleton, strategies=tuple(strategies)),
            address=cfg.address, progress=cfg.progress, verbose=cfg.verbose), extract.run),
    ]
    if needs_pairs(cfg):
        steps.append(Step("pairs", lambda: dataclasses.replace(
            cfg.pairs, input=str(out / "profile"), skeletons=str(out / "extract"),
            out=str(out / "pairs"), address=cfg.address, progress=cfg.progress,
            verbose=cfg.verbose), pairs.run))
    steps.append(Step("base", lambda: {"model": cfg.model, "out": str(out / "train"),
                                       "vocab_size": cfg.train.model.tiny_vocab_size,
                                       "seed": cfg.train.seed}, lambda c: base_model(cfg, out)))
    for run, method in run_names(cfg).items():
        steps.append(Step(f"train/{run}", _train_config(cfg, out, run, method), train_run))
    return steps


def _train_config(cfg: ExperimentConfig, out: Path, run: str, method: str):
    def build():
        from effiskel.config import to_dict
        from effiskel.training.config import TrainConfig

        data = to_dict(cfg.train)
        _deep_update(data, copy.deepcopy(cfg.train_overrides.get(method, {})))
        # EffiSkel trains on its strategy's skeletons; EffiCoder* takes every efficient
        # solution's code, the same set whichever strategy's rows carry it.
        strategy = run.split("-", 1)[1] if "-" in run else (
            "tas" if "tas" in extracted_strategies(cfg) else extracted_strategies(cfg)[0])
        _deep_update(data, {
            "method": method, "run_name": run, "output_dir": str(out / "train"),
            "address": cfg.address,
            "model": {"path": str(base_model_path(cfg, out))},
            "data": {"path": str(out / "extract" / "skeletons"), "strategy": strategy,
                     "pairs_path": str(out / "pairs" / "pairs") if needs_pairs(cfg) else ""},
        })
        return from_dict(TrainConfig, data)
    return build


def _deep_update(base: dict, changes: dict) -> None:
    for k, v in changes.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            _deep_update(base[k], v)
        else:
            base[k] = v


def benchmark_steps(cfg: ExperimentConfig, out: Path, bench) -> list[Step]:
    from data_pipeline import evaluate, generate

    label = bench.label
    gen_out, eval_out = out / "generate" / label, out / "evaluate" / label
    methods = [str(out / "train" / run) for run in run_names(cfg)]
    methods += [m for m in cfg.methods if m in PROMPTED]
    steps = []
    if methods:
        steps.append(Step(f"generate/{label}", lambda: dataclasses.replace(
            cfg.generate, methods=methods, model=str(base_model_path(cfg, out)),
            source=bench.source, data=bench.data, limit=bench.limit, tasks=bench.tasks,
            source_options=bench.source_options, out=str(gen_out), address=cfg.address,
            progress=cfg.progress, verbose=cfg.verbose), generate.run))
    samples = ([str(gen_out)] if methods else []) + list(bench.samples)
    steps.append(Step(f"evaluate/{label}", lambda: dataclasses.replace(
        cfg.evaluate, samples=samples, source=bench.source, data=bench.data,
        source_options=bench.source_options or cfg.evaluate.source_options,
        out=str(eval_out), address=cfg.address, progress=cfg.progress,
        verbose=cfg.verbose), evaluate.run))
    steps.append(Step(f"compare/{label}", lambda: dataclasses.replace(
        cfg.compare, runs=[str(eval_out)], baseline=cfg.baseline,
        out=str(out / "report" / label)), compare_run))
    return steps


# ----------------------------------------------------------------------------- step runners
def base_model_path(cfg: ExperimentConfig, out: Path) -> Path:
    """The base model of every method: cfg.model, or the tiny one the `base` step built."""
    if cfg.model != "tiny":
        return Path(cfg.model).resolve()
    marker = out / "train" / "base_model.json"
    if not marker.is_file():
        raise RuntimeError(f"{marker} is missing: the `base` step has not run")
    return Path(json.loads(marker.read_text())["path"])


def base_model(cfg: ExperimentConfig, out: Path) -> dict:
    """Build the tiny base model once, from every text any trained method sees (the
    skeleton rows' code and skeletons, the pairs' code), so every method starts from the
    same weights and tokenizer. A real model needs nothing built."""
    if cfg.model != "tiny":
        from effiskel.training.models import check_model_dir

        check_model_dir(cfg.model)
        return {"path": str(Path(cfg.model).resolve())}
    import pyarrow.dataset as pads

    from effiskel.training.models import tiny_model
    from effiskel.training.prompts import format_prompt, format_skeleton_prompt

    texts = []
    skeletons = pads.dataset(out / "extract" / "skeletons", format="parquet").to_table(
        columns=["prompt", "code", "skeleton", "status"]).to_pylist()
    for r in skeletons:
        if r["prompt"] and r["code"]:
            texts.append(format_prompt(r["prompt"]) + r["code"])
        if r["status"] == "ok" and r["skeleton"]:
            texts.append(format_skeleton_prompt(r["prompt"]) + r["skeleton"])
    pairs_dir = out / "pairs" / "pairs"
    if pairs_dir.is_dir():
        for r in pads.dataset(pairs_dir, format="parquet").to_table(
                columns=["prompt", "rejected"]).to_pylist():
            if r["prompt"] and r["rejected"]:
                texts.append(format_prompt(r["prompt"]) + r["rejected"])
    path = tiny_model(sorted(set(texts)), out / "train", cfg.train.model.tiny_vocab_size,
                      cfg.train.seed)
    (out / "train" / "base_model.json").write_text(json.dumps({"path": str(path)}))
    return {"path": str(path)}


def train_run(tcfg) -> dict:
    from data_pipeline.logs import stage_log
    from effiskel.training.config import METHOD_STAGES

    if tcfg.method in METHOD_STAGES:
        from effiskel.training.dpo import preflight, train
    else:
        from effiskel.training.trainer import preflight, train
    preflight(tcfg)
    log = Path(tcfg.output_dir) / f"{tcfg.name}.log"
    print(f"train/{tcfg.name}: {tcfg.method}, logs in {log}", flush=True)
    with stage_log(log, False):
        result = train(tcfg)
    return {"adapter": str(result.adapter_dir), "metrics": result.metrics}


def compare_run(ccfg):
    from jobs.compare import compare, format_table

    summary = compare(ccfg)
    print(format_table(summary))
    for note in summary.notes:
        print(f"note: {note}")
    return {"report": str(Path(ccfg.out) / "report.html")}


# ----------------------------------------------------------------------------- the runner
def _record(out: Path, name: str) -> Path:
    return out / "steps" / (name.replace("/", "__") + ".json")


def _plain(c: Any) -> Any:
    return json.loads(json.dumps(dataclasses.asdict(c) if dataclasses.is_dataclass(c) else c,
                                 default=str))


def run_experiment(cfg: ExperimentConfig, after=None) -> list[Path]:
    """Run every step not finished with the same config; returns the reports' paths."""
    import ray

    from data_pipeline.common import init_ray
    from data_pipeline.logs import stage_log

    out = Path(cfg.out)
    (out / "steps").mkdir(parents=True, exist_ok=True)
    (out / "experiment.json").write_text(json.dumps(_plain(cfg), indent=2))
    steps = plan(cfg, after)
    log = out / "experiment.log"
    for i, step in enumerate(steps, 1):
        step_cfg = step.config()
        record, plain = _record(out, step.name), _plain(step_cfg)
        if record.is_file() and json.loads(record.read_text())["config"] == plain:
            print(f"[{i}/{len(steps)}] {step.name}: done earlier, skipped", flush=True)
            continue
        print(f"\n[{i}/{len(steps)}] {step.name}", flush=True)
        start = time.time()
        with stage_log(log, cfg.verbose):
            if not ray.is_initialized():  # one Ray for every step that runs
                init_ray(cfg.address, log_to_driver=cfg.verbose)
            result = step.run(step_cfg)
        record.write_text(json.dumps({"config": plain, "seconds": round(time.time() - start, 1),
                                      "result": _plain(result) if result is not None else None},
                                     indent=2, default=str))
    reports = [out / "report" / b.label for b in cfg.benchmarks]
    for bench, report in zip(cfg.benchmarks, reports):
        print(f"\n== {bench.label}\n{_table(report / 'report.md')}")
        print(f"report ({bench.label}): {report / 'report.html'} (and report.md, "
              "metrics.json, plots)")
    return [r / "report.html" for r in reports]


def _table(report_md: Path) -> str:
    """The Table 3 form of a finished report (its first table)."""
    lines = report_md.read_text().splitlines()
    table = [line for line in lines[: next((i for i, line in enumerate(lines)
                                            if line.startswith("## ")), len(lines))]
             if line.startswith("|")]
    return "\n".join(table)


def main(argv: list[str] | None = None, prog: str = "python -m jobs.experiment") -> int:
    cfg = parse(ExperimentConfig, argv, prog, __doc__)
    from data_pipeline.stage import StageError

    try:
        run_experiment(cfg)
    except (ValueError, FileNotFoundError, ConnectionError) as e:  # bad input, named
        fail(prog, e)
    except StageError as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{prog}: interrupted; rerun the same command to continue", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
