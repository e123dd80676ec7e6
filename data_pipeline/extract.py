"""Stage 2 on Ray Data: efficiency skeletons of Stage 1's efficient sets → training tuples.

    Stage 1 output (efficient/ + tasks/ shards) ──► ExtractShards actors (one CPU, one sandbox)
        per task: top-K by rank → a line profile of each of the K in the sandbox (TAS)
                  → for each of the K as C_ref: SMS, SSS, TAS rows (N, C, S, M)
                  → skeletons shard
    ──► driver: progress and the summary (tuples per strategy, kept fraction, tasks with
        fewer than K solutions, errors and notes by reason)

Stage 1 writes each unit's efficient rows and its tasks (tests included) to
shards of the same name, and a task never spans units, so one efficient
shard is one self-contained unit of work here: no join, no shuffle. The
output shard has that name too, which makes reruns skip finished shards and
write every row once (see shards.py).
"""

from __future__ import annotations

import dataclasses
import json
import re
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path

from data_pipeline.common import cluster_workers, init_ray, map_units, quiet_ray_data
from data_pipeline.shards import read_shard, remove_partial, shard_path, write_shard
from effiskel.config import ExtractConfig
from effiskel.sandbox import TestCase, Verdict
from effiskel.schema import SKELETONS
from effiskel.skeleton.extract import extract_task, solution_pool


def profile_tests(task: dict, n: int) -> list[dict]:
    """The tests a solution is line-profiled on: the `n` largest inputs, in test order."""
    tests = task.get("tests") or []
    biggest = sorted(range(len(tests)), key=lambda i: -len(tests[i]["input"]))[:n]
    return [tests[i] for i in sorted(biggest)]


SUMMARY_COLUMNS = ["task_id", "solution_id", "strategy", "status", "reason", "kept_fraction",
                   "num_masks"]


def extract_shard(cfg: ExtractConfig, sandbox, name: str) -> list[dict]:
    """Skeletons of every task in one efficient shard; returns one summary row per task."""
    src = Path(cfg.input)
    out_path = shard_path(cfg.out, "skeletons", name)
    if out_path.exists():
        return _summaries(name, read_shard(out_path, SUMMARY_COLUMNS), resumed=True)
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
        pool = solution_pool(sols, cfg.skeleton)  # the K solutions the library will use
        profiles, why_not = {}, {}
        if wants_profile:
            profiles, why_not = _line_profiles(sandbox, pool, tasks.get(task_id), cfg,
                                               f"no tests: {tasks_path} lacks task {task_id}")
        rows += extract_task(task_id, pool[0]["prompt"], pool, profiles, cfg.skeleton, why_not)
    write_shard(rows, SKELETONS, out_path)
    return _summaries(name, rows, resumed=False)


def _line_profiles(sandbox, pool: list[dict], task: dict | None, cfg: ExtractConfig,
                   no_task: str) -> tuple[dict, dict]:
    """({solution_id: line profile}, {solution_id: why it has none}) of a task's K solutions.

    Each solution is profiled once, in a run of its own (never a timed one); the
    library reuses the profiles for every choice of C_ref.
    """
    if task is None:
        return {}, {str(s["solution_id"]): no_task for s in pool}
    tests = [TestCase(t["input"], None) for t in profile_tests(task, cfg.profile_tests)]
    profiles, why_not = {}, {}
    for sol in pool:
        sid = str(sol["solution_id"])
        if not isinstance(sol["code"], str):
            why_not[sid] = f"solution {sid!r} has no code text to profile"
            continue
        lp = sandbox.line_profile(sol["code"], tests, mode=task["mode"],
                                  entry_point=task.get("entry_point"))
        if lp.verdict == Verdict.AC:
            profiles[sid] = lp.lines
        else:
            why_not[sid] = f"line profile of solution {sid!r} failed: {lp.verdict}: {lp.detail}"
    return profiles, why_not


def _summaries(name: str, rows: list[dict], resumed: bool) -> list[dict]:
    """One summary row per task: its number of efficient solutions and its rows' outcomes."""
    per_task: dict[str, list] = defaultdict(list)
    solutions: dict[str, set] = defaultdict(set)
    for r in rows:
        per_task[r["task_id"]].append({
            "strategy": r["strategy"], "status": r["status"], "kept": r["kept_fraction"],
            "masks": r["num_masks"], "reason": (r["reason"] or "")[:200] or None,
        })
        if r["solution_id"] is not None:
            solutions[r["task_id"]].add(r["solution_id"])
    return [{"shard": name, "task_id": t, "solutions": len(solutions[t]),
             "rows": json.dumps(rs), "resumed": resumed}
            for t, rs in per_task.items()] or [
        {"shard": name, "task_id": "", "solutions": 0, "rows": "[]", "resumed": resumed}]


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
        return {k: [r[k] for r in rows] for k in ("shard", "task_id", "solutions", "rows",
                                                    "resumed")}


class Summary:
    """Counts over the summary rows of every task (see `_summaries`)."""

    def __init__(self, strategies, k: int):
        self.strategies, self.k = list(strategies), k
        self.tasks = self.resumed = self.solutions = self.fewer_than_k = 0
        self.tuples: Counter = Counter()
        self.failed: Counter = Counter()
        self.kept: dict[str, list[float]] = defaultdict(list)
        self.masks: dict[str, list[int]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.notes: Counter = Counter()

    def add(self, row: dict) -> None:
        if not row["task_id"]:
            return
        self.tasks += 1
        self.resumed += bool(row["resumed"])
        self.solutions += row["solutions"]
        self.fewer_than_k += row["solutions"] < self.k
        for r in json.loads(row["rows"]):
            strategy = r["strategy"]
            if r["status"] == "ok":
                self.tuples[strategy] += 1
                self.kept[strategy].append(r["kept"])
                self.masks[strategy].append(r["masks"])
                if r["reason"]:  # an ok row that says what it was made without
                    self.notes[f"{strategy}: {_reason_head(r['reason'])}"] += 1
            else:
                self.failed[strategy] += 1
                self.errors[f"{strategy}: {_reason_head(r['reason'])}"] += 1

    def to_dict(self, seconds: float) -> dict:
        per = {}
        for s in self.strategies:
            per[s] = {
                "tuples": self.tuples[s],
                "errors": self.failed[s],
                "mean_kept_fraction": round(statistics.fmean(self.kept[s]), 4)
                if self.kept[s] else None,
                "mean_masks": round(statistics.fmean(self.masks[s]), 2) if self.masks[s] else None,
            }
        return {"tasks": self.tasks, "solutions": self.solutions, "k": self.k,
                "tasks_with_fewer_than_k": self.fewer_than_k, "strategies": per,
                "errors": dict(self.errors), "notes": dict(self.notes),
                "resumed_tasks": self.resumed, "seconds": round(seconds, 1)}


def _reason_head(reason: str | None) -> str:
    """The part of a reason that names its kind, for counting (no ids, counts or lines)."""
    text = re.sub(r"'[^']*'", "'…'", (reason or "error").split(":")[0])
    return re.sub(r"\d+", "N", text).strip() or "error"


def format_summary(s: dict) -> str:
    lines = [f"tasks: {s['tasks']} ({s['resumed_tasks']} resumed), {s['solutions']} efficient "
             f"solutions, {s['tasks_with_fewer_than_k']} tasks with fewer than K = {s['k']}; "
             f"{s['seconds']} s"]
    for name, st in s["strategies"].items():
        kept = f"{st['mean_kept_fraction']:.1%}" if st["mean_kept_fraction"] is not None else "-"
        lines.append(f"  {name}: {st['tuples']} tuples, {st['errors']} error rows, mean kept "
                     f"fraction {kept}, mean <MASK> spans {st['mean_masks']}")
    for kind, counts in (("error", s["errors"]), ("note", s["notes"])):
        for why, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {kind} {n:5d}  {why}")
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
    summary = Summary(cfg.skeleton.strategies, cfg.skeleton.max_solutions)
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
