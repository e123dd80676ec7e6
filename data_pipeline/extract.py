"""Stage 2 on Ray Data: efficiency skeletons of Stage 1's efficient sets → training tuples.

    Stage 1 output (efficient/ + tasks/ shards) ──► ExtractShards actors (one CPU, one sandbox)
        per task: top-K by rank → a line profile of each of the K in the sandbox (TAS)
                  → for each of the K as C_ref: SMS, SSS, TAS rows (N, C, S, M)
                  → skeletons shard
    ──► driver (stage.py): progress and the summary (tuples per strategy, kept fraction,
        tasks with fewer than K solutions, errors and notes by reason)

Stage 1 writes each unit's efficient rows and its tasks (tests included) to
shards of the same name, and a task never spans units, so one efficient
shard is one self-contained unit of work here: no join, no shuffle. The
output shard has that name too, which makes reruns skip finished shards and
write every row once (see shards.py). An input shard that does not read
back is Stage 1's to redo: the unit is reported, and written by the first
rerun after Stage 1's own rerun has repaired it.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from data_pipeline.shards import DamagedShard, Shards
from data_pipeline.stage import Stage, Summary, Worker, breakdown, run_stage, setting
from effiskel.config import ExtractConfig
from effiskel.sandbox import TestCase, Verdict
from effiskel.skeleton.extract import extract_task, solution_pool


@dataclass
class ExtractSummary(Summary):
    """Stage 2's counts over the rows of every task."""

    input: str = setting("")
    k: int = setting(5)
    strategies: tuple = setting(())
    tasks: int = 0
    solutions: int = 0
    tasks_with_fewer_than_k: int = 0
    tuples: Counter = field(default_factory=Counter)
    failed: Counter = field(default_factory=Counter)
    kept: dict = field(default_factory=dict)  # strategy -> kept fraction of each ok row
    masks: dict = field(default_factory=dict)  # strategy -> <MASK> spans of each ok row
    errors: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)
    """Ok rows that say what they were made without (e.g. a missing line profile)."""
    resumed_tasks: int = 0
    damaged_inputs: list = field(default_factory=list)
    """Stage 1 shards that do not read back ("path: why"); their units are not written."""

    @classmethod
    def of(cls, cfg: ExtractConfig) -> ExtractSummary:
        return cls(input=str(cfg.input), k=cfg.skeleton.max_solutions,
                   strategies=tuple(cfg.skeleton.strategies))

    def add(self, rows: list[dict], resumed: bool) -> None:
        """Count the skeleton rows of one shard (every row of a task is in one shard)."""
        solutions: dict[str, set] = {}  # a task whose rows are all errors still counts
        for r in rows:
            ids = solutions.setdefault(r["task_id"], set())
            if r["solution_id"] is not None:
                ids.add(r["solution_id"])
            strategy, reason = r["strategy"], (r["reason"] or "")[:200] or None
            if r["status"] == "ok":
                self.tuples[strategy] += 1
                self.kept.setdefault(strategy, []).append(r["kept_fraction"])
                self.masks.setdefault(strategy, []).append(r["num_masks"])
                if reason:
                    self.notes[f"{strategy}: {_reason_head(reason)}"] += 1
            else:
                self.failed[strategy] += 1
                self.errors[f"{strategy}: {_reason_head(reason)}"] += 1
        self.tasks += len(solutions)
        self.resumed_tasks += len(solutions) if resumed else 0
        self.solutions += sum(len(s) for s in solutions.values())
        self.tasks_with_fewer_than_k += sum(len(s) < self.k for s in solutions.values())

    def to_dict(self) -> dict:
        def mean(values, digits):
            return round(statistics.fmean(values), digits) if values else None

        per = {s: {"tuples": self.tuples[s], "errors": self.failed[s],
                   "mean_kept_fraction": mean(self.kept.get(s), 4),
                   "mean_masks": mean(self.masks.get(s), 2)} for s in self.strategies}
        return {"input": self.input, "tasks": self.tasks, "solutions": self.solutions,
                "k": self.k, "tasks_with_fewer_than_k": self.tasks_with_fewer_than_k,
                "strategies": per, "errors": dict(self.errors), "notes": dict(self.notes),
                "resumed_tasks": self.resumed_tasks, "damaged_inputs": self.damaged_inputs}

    def progress(self) -> dict:
        return {"tasks": self.tasks}

    def lines(self) -> list[str]:
        s = self.to_dict()
        lines = [f"tasks: {self.tasks} ({self.resumed_tasks} resumed), {self.solutions} efficient "
                 f"solutions, {self.tasks_with_fewer_than_k} tasks with fewer than K = {self.k}"]
        for name, st in s["strategies"].items():
            kept = f"{st['mean_kept_fraction']:.1%}" if st["mean_kept_fraction"] is not None else "-"
            lines.append(f"  {name}: {st['tuples']} tuples, {st['errors']} error rows, mean kept "
                         f"fraction {kept}, mean <MASK> spans {st['mean_masks']}")
        lines += breakdown("error", self.errors, 5) + breakdown("note", self.notes, 5)
        for d in self.damaged_inputs:
            lines.append(f"  not read: {d} (rerun profile with the same --out to redo it, "
                         "then this command)")
        return lines


def _reason_head(reason: str | None) -> str:
    """The part of a reason that names its kind, for counting (no ids, counts or lines)."""
    text = re.sub(r"'[^']*'", "'…'", (reason or "error").split(":")[0])
    return re.sub(r"\d+", "N", text).strip() or "error"


def profile_tests(task: dict, n: int) -> list[dict]:
    """The tests a solution is line-profiled on: the `n` largest inputs, in test order."""
    tests = task.get("tests") or []
    biggest = sorted(range(len(tests)), key=lambda i: -len(tests[i]["input"]))[:n]
    return [tests[i] for i in sorted(biggest)]


SUMMARY_COLUMNS = ["task_id", "solution_id", "strategy", "status", "reason", "kept_fraction",
                   "num_masks"]


def extract_shard(cfg: ExtractConfig, sandbox, shards: Shards, name: str) -> ExtractSummary:
    """Skeletons of every task in one efficient shard, written to its skeletons shard."""
    summary = ExtractSummary.of(cfg)
    done = shards.reuse("skeletons", name, SUMMARY_COLUMNS)
    if done is not None:
        summary.add(done, resumed=True)
        return summary
    src = Shards(cfg.input)
    wants_profile = "tas" in cfg.skeleton.strategies  # the only user of the tasks' tests
    tasks_path = src.path("tasks", name)
    try:
        efficient = src.read("efficient", name)
        tasks = ({t["task_id"]: t for t in src.read("tasks", name)}
                 if wants_profile and tasks_path.exists() else {})
    except DamagedShard as e:
        summary.damaged_inputs.append(f"{e.path}: {e.why}")
        return summary
    by_task = defaultdict(list)
    for r in efficient:
        if r["role"] == "top_k":
            by_task[r["task_id"]].append(r)
    rows = []
    for task_id, sols in sorted(by_task.items()):
        pool = solution_pool(sols, cfg.skeleton)  # the K solutions the library will use
        profiles, why_not = {}, {}
        if wants_profile:
            profiles, why_not = line_profiles(sandbox, pool, tasks.get(task_id),
                                              cfg.profile_tests,
                                              f"no tests: {tasks_path} lacks task {task_id}")
        rows += extract_task(task_id, pool[0]["prompt"], pool, profiles, cfg.skeleton, why_not)
    shards.write("skeletons", name, rows)
    summary.add(rows, resumed=False)
    return summary


def line_profiles(sandbox, pool: list[dict], task: dict | None, n_tests: int,
                  no_task: str) -> tuple[dict, dict]:
    """({solution_id: line profile}, {solution_id: why it has none}) of some of a task's
    solutions (`efficient` rows), each on the task's `n_tests` largest inputs.

    Each solution is profiled once, in a run of its own (never a timed one); the
    library reuses the profiles for every choice of C_ref. The pairs stage profiles
    its slow solutions with it too.
    """
    if task is None:
        return {}, {str(s["solution_id"]): no_task for s in pool}
    tests = [TestCase(t["input"], None) for t in profile_tests(task, n_tests)]
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


class ExtractShards(Worker):
    """Ray Data actor: one sandbox (for TAS line profiles), one shard per call."""

    def __init__(self, cfg: ExtractConfig):
        from effiskel.sandbox import Sandbox

        super().__init__(cfg)
        self.sandbox = Sandbox(cfg.limits, isolation=cfg.isolation)

    def process(self, unit: str) -> ExtractSummary:
        return extract_shard(self.cfg, self.sandbox, self.shards, unit)


def validate(cfg: ExtractConfig) -> None:
    """Fail before Ray starts, naming the bad input."""
    from effiskel.config import check

    check(cfg)  # types and closed choices (isolation, strategies), as on a command line
    if not (Path(cfg.input) / "efficient").is_dir():
        raise ValueError(f"{cfg.input} has no efficient/ directory: pass Stage 1's --out as --in")


def _units(cfg: ExtractConfig) -> list[str]:
    return sorted(p.name[: -len(".parquet")] for p in (Path(cfg.input) / "efficient").glob("*.parquet"))


STAGE = Stage("extract", ExtractShards, ExtractSummary, _units, validate)


def run(cfg: ExtractConfig) -> dict:
    """Run Stage 2; print its report and return its summary (also in OUT/summary.json)."""
    return run_stage(STAGE, cfg)
