"""Stage 2 on Ray Data: efficiency skeletons of Stage 1's efficient sets → training tuples.

    Stage 1 output (efficient/ + tasks/ shards) ──► ExtractShards actors (one CPU, one sandbox)
        per task: top-K by rank → line profile of the reference (TAS) in the sandbox
                  → SMS, SSS, TAS rows (N, C, S, M) → skeletons shard
    ──► driver: progress and the summary (per-strategy kept fraction, errors by reason)

Stage 1 writes each unit's efficient rows and its tasks (tests included) to
shards of the same name, and a task never spans units, so one efficient
shard is one self-contained unit of work here: no join, no shuffle. The
output shard has that name too, which makes reruns skip finished shards and
write every row once (see shards.py).
"""

from __future__ import annotations

import dataclasses
import json
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from data_pipeline.common import cluster_workers, init_ray, map_units, quiet_ray_data
from data_pipeline.shards import read_shard, remove_partial, shard_path, write_shard
from effiskel.sandbox import Limits, TestCase, Verdict
from effiskel.schema import SKELETONS
from effiskel.skeleton import SkeletonConfig, extract_task, solution_pool


@dataclass
class ExtractConfig:
    """Stage 2: extract SMS, SSS and TAS skeletons from Stage 1's efficient sets."""

    input: str = "out/profile"
    """Stage 1's output directory (holding efficient/ and tasks/)."""
    out: str = "out/extract"
    """Output directory: skeletons/ Parquet shards and summary.json."""
    skeleton: SkeletonConfig = field(default_factory=SkeletonConfig)
    """Strategies, K, SSS threshold and the other choices of Algorithm 1."""
    profile_tests: int = 5
    """TAS: the reference is line-profiled on at most this many tests, the largest inputs."""
    workers: int | None = None
    """Actors (one CPU and one sandbox each); default: every CPU of the cluster."""
    address: str | None = None
    """Ray cluster to join; default: an embedded local Ray."""
    isolation: str = "auto"
    """Sandbox isolation for line profiling: auto or process."""
    limits: Limits = field(default_factory=Limits)
    """Limits of a line-profiled run (scaled by the profiler's slowdown, 10x)."""
    progress: bool = True
    """Show a progress bar."""


def profile_tests(task: dict, n: int) -> list[dict]:
    """The tests a reference is line-profiled on: the `n` largest inputs, in test order."""
    tests = task.get("tests") or []
    biggest = sorted(range(len(tests)), key=lambda i: -len(tests[i]["input"]))[:n]
    return [tests[i] for i in sorted(biggest)]


def extract_shard(cfg: ExtractConfig, sandbox, name: str) -> list[dict]:
    """Skeletons of every task in one efficient shard; returns one summary row per task."""
    src = Path(cfg.input)
    out_path = shard_path(cfg.out, "skeletons", name)
    if out_path.exists():
        rows = read_shard(out_path, ["task_id", "strategy", "status", "reason", "kept_fraction",
                                     "num_masks"])
        return _summaries(name, rows, resumed=True)
    tasks_path = shard_path(src, "tasks", name)
    wants_profile = "tas" in cfg.skeleton.strategies  # the only user of the tasks' tests
    tasks = ({t["task_id"]: t for t in read_shard(tasks_path)}
             if wants_profile and tasks_path.exists() else {})
    by_task = defaultdict(list)
    for r in read_shard(shard_path(src, "efficient", name)):
        if r["role"] == "top_k":
            by_task[r["task_id"]].append(r)
    rows = []
    for task_id, sols in sorted(by_task.items()):
        pool = solution_pool(sols, cfg.skeleton)  # the library's choice of C_ref, profiled here
        ref, task = pool[0], tasks.get(task_id)
        profile, why_not = None, None
        if wants_profile:
            if task is None:
                why_not = f"no tests: {tasks_path} lacks task {task_id}"
            else:
                tests = [TestCase(t["input"], None) for t in profile_tests(task, cfg.profile_tests)]
                lp = sandbox.line_profile(ref["code"], tests, mode=task["mode"],
                                          entry_point=task.get("entry_point"))
                if lp.verdict == Verdict.AC:
                    profile = lp.lines
                else:
                    why_not = f"line profile of the reference failed: {lp.verdict}: {lp.detail}"
        rows += extract_task(task_id, ref["prompt"], pool, profile, cfg.skeleton, why_not)
    write_shard(rows, SKELETONS, out_path)
    return _summaries(name, rows, resumed=False)


def _summaries(name: str, rows: list[dict], resumed: bool) -> list[dict]:
    per_task = defaultdict(dict)
    for r in rows:
        per_task[r["task_id"]][r["strategy"]] = {
            "status": r["status"], "kept": r["kept_fraction"], "masks": r["num_masks"],
            "reason": None if r["status"] == "ok" else (r["reason"] or "")[:200],
        }
    return [{"shard": name, "task_id": t, "strategies": json.dumps(s), "resumed": resumed}
            for t, s in per_task.items()] or [
        {"shard": name, "task_id": "", "strategies": "{}", "resumed": resumed}]


class ExtractShards:
    """Ray Data actor: one sandbox (for TAS line profiles), one shard per call."""

    def __init__(self, cfg: dict):
        from effiskel.config import from_dict
        from effiskel.sandbox import Sandbox

        self.cfg: ExtractConfig = from_dict(ExtractConfig, cfg)
        self.sandbox = Sandbox(self.cfg.limits, isolation=self.cfg.isolation)

    def __call__(self, batch: dict) -> dict:
        rows = []
        for name in batch["shard"]:
            rows += extract_shard(self.cfg, self.sandbox, str(name))
        return {k: [r[k] for r in rows] for k in ("shard", "task_id", "strategies", "resumed")}


class Summary:
    def __init__(self, strategies):
        self.tasks = 0
        self.resumed = 0
        self.ok: Counter = Counter()
        self.kept: dict[str, list[float]] = defaultdict(list)
        self.masks: dict[str, list[int]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.strategies = list(strategies)

    def add(self, row: dict) -> None:
        if not row["task_id"]:
            return
        self.tasks += 1
        self.resumed += bool(row["resumed"])
        for strategy, s in json.loads(row["strategies"]).items():
            if s["status"] == "ok":
                self.ok[strategy] += 1
                self.kept[strategy].append(s["kept"])
                self.masks[strategy].append(s["masks"])
            else:
                self.errors[f"{strategy}: {_reason_head(s['reason'])}"] += 1

    def to_dict(self, seconds: float) -> dict:
        per = {}
        for s in self.strategies:
            per[s] = {
                "ok": self.ok[s],
                "mean_kept_fraction": round(statistics.fmean(self.kept[s]), 4)
                if self.kept[s] else None,
                "mean_masks": round(statistics.fmean(self.masks[s]), 2) if self.masks[s] else None,
            }
        return {"tasks": self.tasks, "strategies": per, "errors": dict(self.errors),
                "resumed_tasks": self.resumed, "seconds": round(seconds, 1)}


def _reason_head(reason: str | None) -> str:
    """The part of a reason that names its kind, for counting (no ids or line numbers)."""
    text = (reason or "error").split(":")[0]
    return text.split("'")[0].strip() or "error"


def format_summary(s: dict) -> str:
    lines = [f"tasks: {s['tasks']} ({s['resumed_tasks']} resumed); {s['seconds']} s"]
    for name, st in s["strategies"].items():
        kept = f"{st['mean_kept_fraction']:.1%}" if st["mean_kept_fraction"] is not None else "-"
        lines.append(f"  {name}: {st['ok']} skeletons, mean kept fraction {kept}, "
                     f"mean <MASK> spans {st['mean_masks']}")
    for why, n in sorted(s["errors"].items(), key=lambda kv: -kv[1]):
        lines.append(f"  error {n:5d}  {why}")
    return "\n".join(lines)


def validate(cfg: ExtractConfig) -> list[str]:
    """Fail before Ray starts, naming the bad input; returns the shards to process."""
    eff = Path(cfg.input) / "efficient"
    if not eff.is_dir():
        raise ValueError(f"{cfg.input} has no efficient/ directory: pass Stage 1's --out as --in")
    if cfg.isolation not in ("auto", "process"):
        raise ValueError(f"isolation must be auto or process, not {cfg.isolation!r}")
    return sorted(p.name[: -len(".parquet")] for p in eff.glob("*.parquet"))


def run(cfg: ExtractConfig) -> dict:
    """Run Stage 2 and return its summary (also written to OUT/summary.json)."""
    shards = validate(cfg)
    start = time.time()
    Path(cfg.out).mkdir(parents=True, exist_ok=True)
    remove_partial(cfg.out)
    (Path(cfg.out) / "config.json").write_text(json.dumps(dataclasses.asdict(cfg), indent=2))
    summary = Summary(cfg.skeleton.strategies)
    init_ray(cfg.address, cfg.workers)
    quiet_ray_data()
    if shards:
        workers = cluster_workers(cfg.workers, len(shards))
        for row in map_units(shards, "shard", ExtractShards, dataclasses.asdict(cfg), workers,
                             "extract", cfg.progress, lambda: {"tasks": summary.tasks}):
            summary.add(row)
    result = summary.to_dict(time.time() - start)
    result.update(input=str(cfg.input), out=str(cfg.out))
    (Path(cfg.out) / "summary.json").write_text(json.dumps(result, indent=2))
    return result
