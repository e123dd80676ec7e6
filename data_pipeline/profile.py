"""Stage 1 on Ray Data: profile a corpus into `runs` and an APPS+EFFI-style `efficient` set.

    units of the source ──► ProfileUnits actors (one CPU and one sandbox each)
                            load unit → fill expected outputs → tasks shard
                            → per chunk of solutions: correctness + timing → runs shard
                            → per task: rank, keep top-K/slowest/incorrect → efficient shard
                       ──► driver (stage.py): progress and the summary (counts only)

Work units come from the source loader (problem directories, record ranges),
so the driver never holds the corpus. Every output is a shard named after its
unit (see shards.py): a rerun after a crash — driver or worker — skips what is
done and writes every row exactly once. A task's solutions always come from
one unit, which lets the actor rank a task as soon as its chunks are done.

Tables: OUT/tasks (every task, with status and reason; tests with expected
outputs filled), OUT/runs (every solution: verdict and timing), OUT/efficient
(the kept set, with role and rank), OUT/summary.json.
"""

from __future__ import annotations

import os
import socket
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from data_pipeline.shards import Shards, shard_name
from data_pipeline.stage import Stage, Summary, Worker, breakdown, run_stage, setting
from effiskel.config import ProfileConfig


@dataclass
class ProfileSummary(Summary):
    """Stage 1's counts (never the corpus itself)."""

    source: str = setting("")
    tasks_in: int = 0
    tasks_kept: int = 0
    tasks_dropped: Counter = field(default_factory=Counter)
    solutions: int = 0
    solutions_by_verdict: Counter = field(default_factory=Counter)
    solutions_not_run: Counter = field(default_factory=Counter)
    """By reason kind; and what the loader skipped without a row (e.g. CodeNet's other
    languages), by its own count."""
    efficient_rows: int = 0
    resumed_tasks: int = 0
    worker_cpus: dict = field(default_factory=dict)
    """"host:pid" of each sandbox worker -> "CPU 3" or why it is unpinned."""

    @classmethod
    def of(cls, cfg: ProfileConfig) -> ProfileSummary:
        return cls(source=cfg.source)

    def progress(self) -> dict:
        return {"tasks": self.tasks_in, "solutions": self.solutions, "kept": self.tasks_kept}

    def lines(self) -> list[str]:
        lines = [f"tasks: {self.tasks_in} in, {self.tasks_kept} kept, "
                 f"{self.tasks_in - self.tasks_kept} dropped", *breakdown("dropped", self.tasks_dropped)]
        verdicts = ", ".join(f"{v} {n}" for v, n in sorted(self.solutions_by_verdict.items()))
        lines.append(f"solutions: {self.solutions} ({verdicts})")
        lines += breakdown("not run", self.solutions_not_run)
        lines.append(f"efficient set: {self.efficient_rows} rows; "
                     f"{self.resumed_tasks} tasks resumed from an earlier run")
        cpus = self.worker_cpus
        pinned = sorted(c for c in cpus.values() if c.startswith("CPU "))
        shown = ", ".join(pinned) if len(pinned) <= 8 else f"{len(set(pinned))} distinct CPUs"
        lines.append(f"workers: {len(cpus)}, {len(pinned)} pinned to a CPU each ({shown})"
                     if pinned else f"workers: {len(cpus)}, none pinned")
        unpinned = Counter(c for c in cpus.values() if not c.startswith("CPU "))
        return lines + breakdown("", unpinned)


# ----------------------------------------------------------------------------- worker side
class ProfileUnits(Worker):
    """Ray Data actor: owns one sandbox and processes one unit per call."""

    def __init__(self, cfg: ProfileConfig):
        from effiskel.sandbox import Sandbox
        from effiskel.sandbox.server import DEFAULT_PRELOAD
        from effiskel.tasks import get_source

        super().__init__(cfg)
        # Pinned before the sandbox exists, so its server and every child inherit the CPU.
        self.cpu_claim = _pin_worker() if cfg.pin_cpu else None  # held while we live
        self.cpu = str(self.cpu_claim) if self.cpu_claim else "unpinned: pin_cpu=false"
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        print(f"profile worker {self.worker}: {self.cpu}", flush=True)  # the worker's log
        self.source = get_source(cfg.source)
        preload = tuple(cfg.preload) if cfg.preload is not None else DEFAULT_PRELOAD
        self.sandbox = Sandbox(cfg.limits, isolation=cfg.isolation, preload=preload)

    def process(self, unit: str) -> ProfileSummary:
        summary = process_unit(self.cfg, self.source, self.sandbox, self.shards, unit)
        summary.worker_cpus[self.worker] = self.cpu
        return summary


def _pin_worker():
    """Pin this actor to a CPU no other worker of this Ray cluster holds on this node.

    The claims live in the Ray session's directory on the node: shared by every raylet
    of one machine and one cluster, gone with the session, and (in tests) under the
    project's build/ like the rest of Ray's files."""
    import ray

    from effiskel.pinning import pin_to_free_cpu

    ctx = ray.get_runtime_context()
    return pin_to_free_cpu(Path(ctx.get_temp_dir()) / ctx.get_session_name() / "effiskel_cpus")


def process_unit(cfg: ProfileConfig, source, sandbox, shards: Shards, unit: str) -> ProfileSummary:
    """Profile one unit of the source into its shards; returns the unit's summary."""
    from effiskel import profile as stage1
    from effiskel.tasks.reasons import reason_kind
    from effiskel.tasks.rows import count_skipped

    name = shard_name(cfg.source, unit)
    unit_done = shards.done("efficient", name)
    try:
        pairs = source.load_unit(cfg.data, unit, **cfg.source_options)
    except Exception as e:  # a loader bug must not take the stage down; the unit is reported
        pairs = [(_crashed_task(cfg.source, unit, e), [])]
    filled = shards.reuse("tasks", name)
    if filled is not None:  # expected outputs were filled on an earlier run: reuse them
        by_id = {t["task_id"]: t for t in filled}
        pairs = [(by_id.get(t["task_id"], t), sols) for t, sols in pairs]
    else:
        pairs = [(stage1.fill_expected_outputs(sandbox, t, sols), sols) for t, sols in pairs]
        shards.write("tasks", name, [t for t, _ in pairs])
    summary, efficient_rows, write_efficient = ProfileSummary.of(cfg), [], not unit_done
    for task, sols in pairs:
        runs, resumed = [], unit_done
        for ci in range(0, max(len(sols), 1), cfg.chunk_size):
            chunk_name = shard_name(cfg.source, unit, task["task_id"], ci)
            rows = shards.reuse("runs", chunk_name)
            if rows is not None:
                resumed = True
            else:  # never run, or its shard did not read back: the efficient set is redone too
                rows = stage1.profile_solutions(
                    sandbox, task, sols[ci:ci + cfg.chunk_size], repeat=cfg.repeat,
                    adaptive=cfg.adaptive, min_repeats=cfg.min_repeats,
                    round_repeats=cfg.round_repeats, repeat_mode=cfg.repeat_mode)
                shards.write("runs", chunk_name, rows)
                write_efficient = True
            runs += rows
        kept, drop = stage1.select_efficient(task, runs, cfg.top_k, cfg.max_incorrect,
                                             cfg.max_slow)
        efficient_rows += kept
        summary.tasks_in += 1
        summary.solutions += len(sols)
        summary.solutions_by_verdict.update(r["verdict"] for r in runs)
        summary.solutions_not_run.update(
            Counter(reason_kind(r["detail"]) for r in runs if r["verdict"] == "SKIP")
            + count_skipped([task]))
        summary.efficient_rows += len(kept)
        summary.resumed_tasks += resumed
        if kept:
            summary.tasks_kept += 1
        else:
            summary.tasks_dropped[_drop_reason(drop, task) or "unknown"] += 1
    if write_efficient:
        shards.write("efficient", name, efficient_rows)  # last: marks the unit done
    return summary


def _drop_reason(drop: str | None, task: dict) -> str:
    """Why a task is not in the efficient set; unusable tasks say what was wrong."""
    from effiskel.profile import DROP_UNUSABLE
    from effiskel.tasks.reasons import reason_kind

    if drop == DROP_UNUSABLE:
        return f"{drop}: {reason_kind(task.get('reason')) or task.get('status')}"
    return drop or ""


def _crashed_task(source: str, unit: str, exc: Exception) -> dict:
    from effiskel.tasks.rows import error_task

    return error_task(f"{source}/{unit}", source, "loader-crashed",
                      f"loading unit {unit!r} raised {type(exc).__name__}: {exc}")


# ----------------------------------------------------------------------------- driver side
def validate(cfg: ProfileConfig) -> None:
    """Fail before Ray starts, naming the bad input."""
    from effiskel.config import check
    from effiskel.tasks import get_source

    check(cfg)  # types and closed choices (isolation, repeat_mode), as on a command line
    get_source(cfg.source)  # raises listing the valid names
    if cfg.source != "mini" and not cfg.data:
        raise ValueError(f"source {cfg.source!r} needs --data (a path to its files)")
    if cfg.data and not Path(cfg.data).exists():
        raise ValueError(f"data path {cfg.data} does not exist")
    if cfg.top_k < 1 or cfg.repeat < 1 or cfg.chunk_size < 1:
        raise ValueError("top_k, repeat and chunk_size must be at least 1")


def _units(cfg: ProfileConfig) -> list[str]:
    from effiskel.tasks import get_source

    return get_source(cfg.source).units(cfg.data, **cfg.source_options)


STAGE = Stage("profile", ProfileUnits, ProfileSummary, _units, validate)


def run(cfg: ProfileConfig) -> dict:
    """Run Stage 1; print its report and return its summary (also in OUT/summary.json)."""
    return run_stage(STAGE, cfg)
