"""Stage 1 on Ray Data: profile a corpus into `runs` and an APPS+EFFI-style `efficient` set.

    units of the source ──► ProfileUnits actors (one CPU and one sandbox each)
                            load unit → fill expected outputs → tasks shard
                            → per chunk of solutions: correctness + timing → runs shard
                            → per task: rank, keep top-K/slowest/incorrect → efficient shard
                       ──► driver: progress and the final summary (counts only)

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

import dataclasses
import json
import os
import socket
import time
from collections import Counter
from pathlib import Path

from data_pipeline.common import cluster_workers, init_ray, map_units, quiet_ray_data
from data_pipeline.shards import read_shard, remove_partial, shard_name, shard_path, write_shard
from effiskel.config import ProfileConfig


# ----------------------------------------------------------------------------- worker side
class ProfileUnits:
    """Ray Data actor: owns one sandbox and processes one unit per call."""

    def __init__(self, cfg: dict):
        from effiskel.config import from_dict
        from effiskel.sandbox import Sandbox
        from effiskel.sandbox.server import DEFAULT_PRELOAD
        from effiskel.tasks import get_source

        self.cfg: ProfileConfig = from_dict(ProfileConfig, cfg)
        # Pinned before the sandbox exists, so its server and every child inherit the CPU.
        self.cpu_claim = _pin_worker() if self.cfg.pin_cpu else None  # held while we live
        self.cpu = str(self.cpu_claim) if self.cpu_claim else "unpinned: pin_cpu=false"
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        print(f"profile worker {self.worker}: {self.cpu}", flush=True)  # the worker's log
        self.source = get_source(self.cfg.source)
        preload = tuple(self.cfg.preload) if self.cfg.preload is not None else DEFAULT_PRELOAD
        self.sandbox = Sandbox(self.cfg.limits, isolation=self.cfg.isolation, preload=preload)

    def __call__(self, batch: dict) -> dict:
        rows = []
        for unit in batch["unit"]:
            rows.extend(process_unit(self.cfg, self.source, self.sandbox, str(unit)))
        for r in rows:
            r.update(worker=self.worker, cpu=self.cpu)
        return {k: [r[k] for r in rows] for k in SUMMARY_KEYS}


def _pin_worker():
    """Pin this actor to a CPU no other worker of this Ray cluster holds on this node.

    The claims live in the Ray session's directory on the node: shared by every raylet
    of one machine and one cluster, gone with the session, and (in tests) under the
    project's build/ like the rest of Ray's files."""
    import ray

    from effiskel.pinning import pin_to_free_cpu

    ctx = ray.get_runtime_context()
    return pin_to_free_cpu(Path(ctx.get_temp_dir()) / ctx.get_session_name() / "effiskel_cpus")


SUMMARY_KEYS = ("unit", "task_id", "status", "drop", "solutions", "verdicts", "kept", "resumed",
                "skips", "worker", "cpu")


def process_unit(cfg: ProfileConfig, source, sandbox, unit: str) -> list[dict]:
    """Profile one unit of the source; returns one summary row per task."""
    from effiskel import efficient_set
    from effiskel.schema import EFFICIENT, RUNS, TASKS
    from effiskel.tasks.reasons import reason_kind
    from effiskel.tasks.rows import count_skipped

    name = shard_name(cfg.source, unit)
    eff_path = shard_path(cfg.out, "efficient", name)
    tasks_path = shard_path(cfg.out, "tasks", name)
    unit_done = eff_path.exists()
    opts = dict(cfg.source_options)
    try:
        pairs = source.load_unit(cfg.data, unit, **opts)
    except Exception as e:  # a loader bug must not take the stage down; the unit is reported
        pairs = [(_crashed_task(cfg.source, unit, e), [])]
    if tasks_path.exists():  # expected outputs were filled on an earlier run: reuse them
        by_id = {t["task_id"]: t for t in read_shard(tasks_path)}
        pairs = [(by_id.get(t["task_id"], t), sols) for t, sols in pairs]
    else:
        pairs = [(efficient_set.fill_expected_outputs(sandbox, t, sols), sols) for t, sols in pairs]
        write_shard([t for t, _ in pairs], TASKS, tasks_path)
    summaries, efficient_rows = [], []
    for task, sols in pairs:
        runs, resumed = [], unit_done
        for ci in range(0, max(len(sols), 1), cfg.chunk_size):
            chunk = sols[ci:ci + cfg.chunk_size]
            path = shard_path(cfg.out, "runs", shard_name(cfg.source, unit, task["task_id"], ci))
            if path.exists():
                runs += read_shard(path)
                resumed = True
                continue
            rows = efficient_set.profile_solutions(
                sandbox, task, chunk, repeat=cfg.repeat, adaptive=cfg.adaptive,
                min_repeats=cfg.min_repeats, round_repeats=cfg.round_repeats,
                repeat_mode=cfg.repeat_mode)
            write_shard(rows, RUNS, path)
            runs += rows
        kept, drop = efficient_set.select_efficient(task, runs, cfg.top_k, cfg.max_incorrect)
        efficient_rows += kept
        summaries.append({
            "unit": unit, "task_id": task["task_id"], "status": task["status"],
            "drop": _drop_reason(drop, task),
            "solutions": len(sols),
            "verdicts": json.dumps(Counter(r["verdict"] for r in runs)),
            "kept": len(kept), "resumed": resumed,
            # solutions not run, by reason kind; and what the loader skipped without a
            # row (e.g. CodeNet's other languages), by its own count
            "skips": json.dumps(Counter(reason_kind(r["detail"]) for r in runs
                                        if r["verdict"] == "SKIP") + count_skipped([task])),
        })
    if not unit_done:
        write_shard(efficient_rows, EFFICIENT, eff_path)  # last: marks the unit done
    return summaries


def _drop_reason(drop: str | None, task: dict) -> str:
    """Why a task is not in the efficient set; unusable tasks say what was wrong."""
    from effiskel.efficient_set import DROP_UNUSABLE
    from effiskel.tasks.reasons import reason_kind

    if drop == DROP_UNUSABLE:
        return f"{drop}: {reason_kind(task.get('reason')) or task.get('status')}"
    return drop or ""


def _crashed_task(source: str, unit: str, exc: Exception) -> dict:
    from effiskel.tasks.rows import error_task

    return error_task(f"{source}/{unit}", source, "loader-crashed",
                      f"loading unit {unit!r} raised {type(exc).__name__}: {exc}")


# ----------------------------------------------------------------------------- driver side
class Summary:
    """Counts for the progress bar and the final report (never the corpus itself)."""

    def __init__(self):
        self.tasks_in = 0
        self.tasks_kept = 0
        self.dropped: Counter = Counter()
        self.task_errors: Counter = Counter()
        self.verdicts: Counter = Counter()
        self.solutions = 0
        self.efficient_rows = 0
        self.resumed_tasks = 0
        self.skips: Counter = Counter()
        self.worker_cpus: dict[str, str] = {}  # "host:pid" -> "CPU 3" or why unpinned

    def add(self, row: dict) -> None:
        self.tasks_in += 1
        self.solutions += int(row["solutions"])
        self.verdicts.update(json.loads(row["verdicts"]))
        self.efficient_rows += int(row["kept"])
        self.resumed_tasks += bool(row["resumed"])
        self.skips.update(json.loads(row["skips"]))
        self.worker_cpus[row["worker"]] = row["cpu"]
        if int(row["kept"]):
            self.tasks_kept += 1
        else:
            self.dropped[row["drop"] or "unknown"] += 1
        if row["status"] != "ok":
            self.task_errors[row["drop"] or "error"] += 1

    def to_dict(self, seconds: float) -> dict:
        return {
            "tasks_in": self.tasks_in, "tasks_kept": self.tasks_kept,
            "tasks_dropped": dict(self.dropped), "solutions": self.solutions,
            "solutions_by_verdict": dict(self.verdicts),
            "solutions_not_run": dict(self.skips),
            "efficient_rows": self.efficient_rows, "resumed_tasks": self.resumed_tasks,
            "worker_cpus": dict(sorted(self.worker_cpus.items())),
            "seconds": round(seconds, 1),
        }


def format_summary(s: dict) -> str:
    lines = [
        f"tasks: {s['tasks_in']} in, {s['tasks_kept']} kept, "
        f"{s['tasks_in'] - s['tasks_kept']} dropped",
    ]
    for why, n in sorted(s["tasks_dropped"].items(), key=lambda kv: -kv[1]):
        lines.append(f"  dropped {n:6d}  {why}")
    verdicts = ", ".join(f"{v} {n}" for v, n in sorted(s["solutions_by_verdict"].items()))
    lines.append(f"solutions: {s['solutions']} ({verdicts})")
    for why, n in sorted(s["solutions_not_run"].items(), key=lambda kv: -kv[1]):
        lines.append(f"  not run {n:6d}  {why}")
    lines.append(f"efficient set: {s['efficient_rows']} rows; "
                 f"{s['resumed_tasks']} tasks resumed from an earlier run; {s['seconds']} s")
    cpus = s.get("worker_cpus") or {}
    pinned = sorted(c for c in cpus.values() if c.startswith("CPU "))
    shown = ", ".join(pinned) if len(pinned) <= 8 else f"{len(set(pinned))} distinct CPUs"
    lines.append(f"workers: {len(cpus)}, {len(pinned)} pinned to a CPU each ({shown})"
                 if pinned else f"workers: {len(cpus)}, none pinned")
    for why, n in Counter(c for c in cpus.values() if not c.startswith("CPU ")).items():
        lines.append(f"  {n:6d}  {why}")
    return "\n".join(lines)


def validate(cfg: ProfileConfig) -> None:
    """Fail before Ray starts, naming the bad input."""
    from effiskel.tasks import get_source

    get_source(cfg.source)  # raises listing the valid names
    if cfg.source != "mini" and not cfg.data:
        raise ValueError(f"source {cfg.source!r} needs --data (a path to its files)")
    if cfg.data and not Path(cfg.data).exists():
        raise ValueError(f"data path {cfg.data} does not exist")
    if cfg.top_k < 1 or cfg.repeat < 1 or cfg.chunk_size < 1:
        raise ValueError("top_k, repeat and chunk_size must be at least 1")
    if cfg.isolation not in ("auto", "process"):
        raise ValueError(f"isolation must be auto or process, not {cfg.isolation!r}")
    if cfg.repeat_mode not in ("child", "fork"):
        raise ValueError(f"repeat_mode must be child or fork, not {cfg.repeat_mode!r}")


def run(cfg: ProfileConfig) -> dict:
    """Run Stage 1 and return its summary (also written to OUT/summary.json)."""
    from effiskel.tasks import get_source

    validate(cfg)
    start = time.time()
    Path(cfg.out).mkdir(parents=True, exist_ok=True)
    remove_partial(cfg.out)
    (Path(cfg.out) / "config.json").write_text(json.dumps(dataclasses.asdict(cfg), indent=2))
    units = get_source(cfg.source).units(cfg.data, **cfg.source_options)
    init_ray(cfg.address, cfg.workers)
    workers = cluster_workers(cfg.workers, len(units))
    quiet_ray_data()
    summary = Summary()
    if units:
        rows = map_units(units, "unit", ProfileUnits, dataclasses.asdict(cfg), workers, "profile",
                         cfg.progress, lambda: {"tasks": summary.tasks_in,
                                                "solutions": summary.solutions,
                                                "kept": summary.tasks_kept})
        for row in rows:
            summary.add(row)
    result = summary.to_dict(time.time() - start)
    result.update(source=cfg.source, workers=workers, out=str(cfg.out))
    (Path(cfg.out) / "summary.json").write_text(json.dumps(result, indent=2))
    return result
