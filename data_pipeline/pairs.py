"""The pairs stage on Ray Data: CodeDPO*'s and SkelDPO's preference pairs.

    Stage 1 output (efficient/ + tasks/) and Stage 2 output (skeletons/), shard by shard
    ──► PairsShards actors (one CPU, one sandbox)
        per task: correctness and efficiency pairs (effiskel/pairs.py)
                  → a line profile of each efficiency pair's slow solution in the sandbox
                  → each efficiency pair's skeleton pair → pairs shard
    ──► driver (stage.py): progress and the summary (pairs per stage, skeleton pairs,
        tasks without pairs and pairs without skeletons by reason, slowdowns)

Stage 1 writes a unit's efficient rows and its tasks (tests included) to shards of
one name, and Stage 2 the unit's skeletons to a shard of that name too, so one
efficient shard is one self-contained unit of work here: no join, no shuffle. The
pairs shard has that name as well, which makes reruns skip finished shards and
write every row once (see shards.py). An input shard that does not read back, or a
skeletons shard Stage 2 has not written yet, is reported and its unit left
unwritten: a pair must never be written without the skeleton it could have had, so
the first rerun after the earlier stage has (re)done that shard writes it.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from data_pipeline.extract import line_profiles
from data_pipeline.shards import DamagedShard, Shards
from data_pipeline.stage import Stage, Summary, Worker, breakdown, run_stage, setting
from effiskel.config import PairsConfig
from effiskel.pairs import STAGES, add_skeletons, code_pairs, count_pairs, rejected_ids


@dataclass
class PairsSummary(Summary):
    """The pairs stage's counts over the rows of every task."""

    input: str = setting("")
    skeletons: str = setting("")
    min_slowdown: float = setting(2.0)
    strategy: str = setting("tas")
    tasks: int = 0
    counts: Counter = field(default_factory=Counter)
    """`effiskel.pairs.count_pairs` of every row: pairs per stage, skeleton pairs, tasks
    without pairs and pairs without a skeleton pair, by reason kind."""
    slowdowns: list = field(default_factory=list)
    """The slowdown of each efficiency pair."""
    resumed_tasks: int = 0
    damaged_inputs: list = field(default_factory=list)
    """Input shards that do not read back ("path: why"); their units are not written."""
    missing_skeletons: list = field(default_factory=list)
    """Stage 2 shards not written yet; their units are not written."""

    @classmethod
    def of(cls, cfg: PairsConfig) -> PairsSummary:
        return cls(input=str(cfg.input), skeletons=str(cfg.skeletons),
                   min_slowdown=cfg.pairs.min_slowdown, strategy=cfg.pairs.strategy)

    def add(self, rows: list[dict], resumed: bool) -> None:
        """Count the pairs rows of one shard (every row of a task is in one shard)."""
        tasks = {r["task_id"] for r in rows}
        self.tasks += len(tasks)
        self.resumed_tasks += len(tasks) if resumed else 0
        self.counts += count_pairs(rows)
        self.slowdowns += [r["slowdown"] for r in rows
                           if r["stage"] == "efficiency" and r["status"] == "ok"]

    def _by(self, prefix: str) -> dict[str, int]:
        return {k[len(prefix):]: n for k, n in sorted(self.counts.items()) if k.startswith(prefix)}

    def to_dict(self) -> dict:
        s = self.slowdowns
        return {
            "input": self.input, "skeletons": self.skeletons, "min_slowdown": self.min_slowdown,
            "strategy": self.strategy, "tasks": self.tasks,
            "pairs": {stage: self.counts[f"pairs/{stage}"] for stage in STAGES},
            "skeleton_pairs": self.counts["skeleton_pairs"],
            "tasks_without": {stage: self._by(f"tasks_without/{stage}/") for stage in STAGES},
            "no_skeleton": self._by("no_skeleton/"),
            "slowdown": ({"min": round(min(s), 3), "median": round(statistics.median(s), 3),
                          "max": round(max(s), 3)} if s else None),
            "resumed_tasks": self.resumed_tasks, "damaged_inputs": self.damaged_inputs,
            "missing_skeletons": self.missing_skeletons,
        }

    def progress(self) -> dict:
        return {"tasks": self.tasks, "pairs": sum(self.counts[f"pairs/{s}"] for s in STAGES)}

    def lines(self) -> list[str]:
        d = self.to_dict()
        lines = [f"tasks: {self.tasks} ({self.resumed_tasks} resumed)"]
        for stage in STAGES:
            without = d["tasks_without"][stage]
            lines.append(f"  {stage} pairs: {d['pairs'][stage]}; tasks without any: "
                         f"{sum(without.values())}")
            lines += breakdown("  ", without, 5)
        slow = d["slowdown"]
        if slow:
            lines.append(f"  efficiency pairs' slowdown (min_slowdown {self.min_slowdown}x): "
                         f"min {slow['min']}x, median {slow['median']}x, max {slow['max']}x")
        lines.append(f"  skeleton pairs ({self.strategy} vs inefficiency skeleton): "
                     f"{d['skeleton_pairs']}; efficiency pairs without one: "
                     f"{sum(d['no_skeleton'].values())}")
        lines += breakdown("  ", d["no_skeleton"], 5)
        for m in self.missing_skeletons:
            lines.append(f"  not written: {m} is missing (run extract on the same Stage 1 "
                         "output with that --out, then this command)")
        for m in self.damaged_inputs:
            lines.append(f"  not read: {m} (rerun the stage that wrote it with the same --out, "
                         "then this command)")
        return lines


SUMMARY_COLUMNS = ["task_id", "stage", "status", "reason", "slowdown", "skeleton_status",
                   "skeleton_reason"]


def pairs_shard(cfg: PairsConfig, sandbox, shards: Shards, name: str) -> PairsSummary:
    """Pairs of every task in one efficient shard, written to its pairs shard."""
    summary = PairsSummary.of(cfg)
    done = shards.reuse("pairs", name, SUMMARY_COLUMNS)
    if done is not None:
        summary.add(done, resumed=True)
        return summary
    stage1, stage2 = Shards(cfg.input), Shards(cfg.skeletons)
    if not stage2.path("skeletons", name).exists():
        summary.missing_skeletons.append(str(stage2.path("skeletons", name)))
        return summary
    try:
        efficient = stage1.read("efficient", name)
        skeletons = stage2.read("skeletons", name)
    except DamagedShard as e:
        summary.damaged_inputs.append(f"{e.path}: {e.why}")
        return summary
    by_task, skeletons_of = defaultdict(list), defaultdict(list)
    for r in efficient:
        by_task[r["task_id"]].append(r)
    for r in skeletons:
        skeletons_of[r["task_id"]].append(r)
    code = {task_id: code_pairs(task_id, rows, cfg.pairs) for task_id, rows in by_task.items()}
    tasks, tasks_path = {}, stage1.path("tasks", name)
    if any(rejected_ids(rows) for rows in code.values()) and tasks_path.exists():
        try:  # only the slow solutions' line profiles need the tests
            tasks = {t["task_id"]: t for t in stage1.read("tasks", name)}
        except DamagedShard as e:
            summary.damaged_inputs.append(f"{e.path}: {e.why}")
            return summary
    out = []
    for task_id, rows in sorted(code.items(), key=lambda kv: str(kv[0])):
        slow_ids = rejected_ids(rows)
        solution = {r["solution_id"]: r for r in by_task[task_id]}
        profiles, why_not = line_profiles(sandbox, [solution[s] for s in slow_ids],
                                          tasks.get(task_id), cfg.profile_tests,
                                          f"no tests: {tasks_path} lacks task {task_id}")
        out += add_skeletons(rows, skeletons_of[task_id], profiles, why_not, cfg.pairs)
    shards.write("pairs", name, out)
    summary.add(out, resumed=False)
    return summary


class PairsShards(Worker):
    """Ray Data actor: one sandbox (for the slow solutions' line profiles), one shard per call."""

    def __init__(self, cfg: PairsConfig):
        from effiskel.sandbox import Sandbox

        super().__init__(cfg)
        self.sandbox = Sandbox(cfg.limits, isolation=cfg.isolation)

    def process(self, unit: str) -> PairsSummary:
        return pairs_shard(self.cfg, self.sandbox, self.shards, unit)


def validate(cfg: PairsConfig) -> None:
    """Fail before Ray starts, naming the bad input."""
    from effiskel.config import check

    check(cfg)  # types and closed choices (isolation, strategy), as on a command line
    if not (Path(cfg.input) / "efficient").is_dir():
        raise ValueError(f"{cfg.input} has no efficient/ directory: pass Stage 1's --out as --in")
    if not (Path(cfg.skeletons) / "skeletons").is_dir():
        raise ValueError(f"{cfg.skeletons} has no skeletons/ directory: pass Stage 2's --out "
                         "as --skeletons")
    out = Path(cfg.out).resolve()
    for name, d in (("--in", cfg.input), ("--skeletons", cfg.skeletons)):
        if Path(d).resolve() == out:  # its config.json and summary.json would be overwritten
            raise ValueError(f"--out {cfg.out} is the {name} directory; give the pairs a "
                             "directory of their own")
    _check_stage2_settings(cfg)


def _check_stage2_settings(cfg: PairsConfig) -> None:
    """The chosen skeleton is Stage 2's; the rejected one is made here. Both sides of a
    skeleton pair must come from the same SSS settings, and Stage 2 must have made the
    chosen strategy: checked against Stage 2's config.json when it has one."""
    path = Path(cfg.skeletons) / "config.json"
    try:
        stage2 = json.loads(path.read_text())
    except (OSError, ValueError):
        stage2 = None
    stage2 = stage2.get("skeleton") if isinstance(stage2, dict) else None
    if not isinstance(stage2, dict):
        return  # no record of its settings (an older or hand-made output): nothing to check
    strategies = stage2.get("strategies")
    if strategies is not None and cfg.pairs.strategy not in strategies:
        raise ValueError(
            f"Stage 2 at {cfg.skeletons} made {list(strategies)} skeletons, not "
            f"{cfg.pairs.strategy!r} (pairs.strategy): rerun extract with it, or pass "
            f"--pairs.strategy {strategies[0]}")
    for key in ("min_nodes", "sss_threshold", "tas_include_hottest"):
        ours = getattr(cfg.pairs.skeleton, key)
        if key in stage2 and stage2[key] != ours:
            raise ValueError(
                f"Stage 2 at {cfg.skeletons} used skeleton.{key} = {stage2[key]!r} and this run "
                f"pairs.skeleton.{key} = {ours!r}: pass --pairs.skeleton.{key} "
                f"{json.dumps(stage2[key])} so both skeletons of a pair are made alike")


def _units(cfg: PairsConfig) -> list[str]:
    return sorted(p.name[: -len(".parquet")] for p in (Path(cfg.input) / "efficient").glob("*.parquet"))


STAGE = Stage("pairs", PairsShards, PairsSummary, _units, validate)


def run(cfg: PairsConfig) -> dict:
    """Run the pairs stage; print its report and return its summary (also in
    OUT/summary.json)."""
    return run_stage(STAGE, cfg)
