"""Evaluate on Ray Data: every sample judged, the correct ones timed in pairs → OUT/results.

    --samples (generate's table, EvalPlus lines, ENAMEL's JSON: effiskel/samples_io.py)
      ─► driver: every method's samples grouped by task → OUT/inputs, one shard per task
      ─► units: one per task ─► EvaluateWorker actors (one CPU, pinned; two sandboxes on it)
          load the task from its source (tests, reference solutions), fill expected outputs,
          judge every sample, time the correct ones of every method and the reference
          interleaved (effiskel/evaluate.py) → OUT/results, one shard per task
      ─► driver (stage.py): progress and the summary (verdicts by method, reasons)

Paired measurement is the point: a task's samples of every method and its reference are
timed on one worker, round by round, so this host's slow and fast phases (two modes 1.6x
apart on the development VM) fall on all of them alike, and `ref_time_ns` beside each
row was measured in the same rounds.

A task's shards are named after the task and a digest of its samples and of the
settings every result depends on (OUT/settings.json), so a rerun skips finished tasks
and a crash loses at most the tasks in flight. A rerun with other settings or other
samples stops before anything runs (use another --out): a task's samples are timed
together, so adding one to a finished task would need all of them timed again.

The worker finds a task in its source by the unit named after the task (per-task sources:
mini, apps, codenet, enamel), else by loading the source's units once (file-per-corpus
sources: humaneval, EvalPlus, effibench, mercury, cheap to read); a task the source does
not have is a "skipped" row per sample, never a missing one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from data_pipeline.shards import Shards, shard_name
from data_pipeline.stage import Stage, Summary, Worker, breakdown, run_stage, setting
from effiskel.config import EvaluateConfig, to_dict
from effiskel.evaluate import reason_head

SETTINGS = ("source", "data", "source_options", "repeat", "timed_tests", "references",
            "repeat_mode", "time_limit_factor", "min_time_limit_s", "limits", "isolation",
            "preload")
"""The config keys every result depends on (with the samples: a task's shard name)."""
SUMMARY_COLUMNS = ["task_id", "method", "verdict", "status", "reason", "time_ns",
                   "ref_time_ns", "eff_score"]


def source_options(cfg: EvaluateConfig) -> dict:
    """The loader's options: as given, else ENAMEL's every level (its eff@k needs them)."""
    if cfg.source_options is not None:
        return dict(cfg.source_options)
    return {"levels": "all"} if cfg.source == "enamel" else {}


def references(cfg: EvaluateConfig) -> int:
    """Reference solutions timed per task: as given, else every one for Mercury."""
    if cfg.references is not None:
        return cfg.references
    return 10**6 if cfg.source == "mercury" else 1


# ----------------------------------------------------------------------------- summary
@dataclass
class EvaluateSummary(Summary):
    """Samples by method and verdict, reasons by kind, the time spent judging and timing."""

    source: str = setting("")
    repeat: int = setting(0)
    samples: int = 0
    tasks: int = 0
    resumed_tasks: int = 0
    verdicts: dict = field(default_factory=dict)  # method -> Counter of verdicts
    status: Counter = field(default_factory=Counter)  # ok | skipped | error
    reasons: Counter = field(default_factory=Counter)  # "status reason-kind" -> rows
    timed: int = 0  # correct samples with a time
    with_reference: int = 0  # of them, with the reference's time beside
    seconds: float = 0.0  # worker-seconds spent on the tasks of this run (resumed: none)
    evaluated: int = 0  # samples of the tasks of this run
    worker_cpus: dict = field(default_factory=dict)
    """"host:pid" of each worker -> "CPU 3" or why it is unpinned."""

    @classmethod
    def of(cls, cfg: EvaluateConfig) -> EvaluateSummary:
        return cls(source=cfg.source, repeat=cfg.repeat)

    def add(self, rows: list[dict], resumed: bool, seconds: float = 0.0,
            tasks: int = 1) -> None:
        self.samples += len(rows)
        self.tasks += tasks
        for r in rows:
            self.verdicts.setdefault(r["method"] or "?", Counter())[r["verdict"]] += 1
            self.status[r["status"]] += 1
            if r["status"] != "ok" or (r["reason"] and r["verdict"] not in ("AC",)):
                self.reasons[f"{r['status']:8s} {r['verdict']:10s} "
                             f"{reason_head(r['reason'])}"] += 1
            if r["time_ns"] is not None:
                self.timed += 1
                self.with_reference += r["ref_time_ns"] is not None
        if resumed:
            self.resumed_tasks += tasks
        else:
            self.seconds += seconds
            self.evaluated += len(rows)

    def progress(self) -> dict:
        return {"samples": self.samples, "timed": self.timed}

    def to_dict(self) -> dict:
        d = super().to_dict()
        d["samples_per_s_per_worker"] = (round(self.evaluated / self.seconds, 3)
                                         if self.seconds else None)
        return d

    def lines(self) -> list[str]:
        rate = (f"; {self.evaluated / self.seconds:.2f} samples/s per worker"
                if self.seconds else "")
        lines = [f"samples: {self.samples} of {self.tasks} tasks ({self.resumed_tasks} tasks "
                 f"from an earlier run); {self.timed} correct and timed ({self.repeat} repeats"
                 f" per input), {self.with_reference} with the reference's time{rate}"]
        for method, counts in sorted(self.verdicts.items()):
            lines.append(f"  {method}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        lines += breakdown("", self.reasons, 6)
        cpus = self.worker_cpus
        pinned = sorted(c for c in cpus.values() if c.startswith("CPU "))
        lines.append(f"workers: {len(cpus)}, {len(pinned)} pinned to a CPU each"
                     if pinned else f"workers: {len(cpus)}, none pinned")
        return lines + breakdown("", Counter(c for c in cpus.values() if c not in pinned))


# ----------------------------------------------------------------------------- inputs, units
_SAMPLES: dict[str, list[dict]] = {}  # validate and the units share one read of the inputs


def read_inputs(cfg: EvaluateConfig) -> list[dict]:
    """Every sample of every --samples argument, as INPUTS rows (effiskel/samples_io.py).
    Raises ValueError naming an argument that cannot be read or a method given twice."""
    from effiskel import samples_io

    key = json.dumps([cfg.samples, cfg.source])
    if key in _SAMPLES:
        return _SAMPLES[key]
    rows, owner = [], {}
    for text in cfg.samples:
        spec = samples_io.parse_spec(text)
        got = samples_io.read(spec, cfg.source)
        for m in {r["method"] for r in got if r["method"] is not None}:
            if m in owner:
                raise ValueError(f"method {m!r} comes from both {owner[m]} and {spec}: name "
                                 "one of them differently (FILE:OTHER_NAME)")
            owner[m] = str(spec)
        rows += got
    _SAMPLES.clear()
    _SAMPLES[key] = rows
    return rows


def _natural(task_id: str) -> list:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", task_id)]


def select(cfg: EvaluateConfig, rows: list[dict]) -> tuple[dict[str, list[dict]], list[dict]]:
    """(task id -> its samples, the rows that name no task), after --limit / --tasks."""
    by_task: dict[str, list[dict]] = {}
    unreadable = []
    for r in rows:
        if r["task_id"] is None:
            unreadable.append(r)
        else:
            by_task.setdefault(r["task_id"], []).append(r)
    order = sorted(by_task, key=_natural)
    if cfg.tasks:
        missing = [t for t in cfg.tasks if t not in by_task]
        if missing:
            raise ValueError(f"no samples of task {', '.join(missing[:5])}"
                             f"{' …' if len(missing) > 5 else ''} (the samples' task ids look "
                             f"like {', '.join(order[:3])})")
        order = list(dict.fromkeys(cfg.tasks))
    elif cfg.limit:
        order = order[:cfg.limit]
    return {t: sorted(by_task[t], key=lambda r: (r["method"], r["sample_id"])) for t in order}, \
        unreadable


def _settings(cfg: EvaluateConfig) -> dict:
    d = to_dict(cfg)
    d["source_options"] = source_options(cfg)
    d["references"] = references(cfg)
    return {k: d[k] for k in SETTINGS}


def _digest(settings: dict, rows: list[dict]) -> str:
    keep = ("method", "sample_id", "code", "completion", "status", "reason")
    text = json.dumps([settings, [[r.get(k) for k in keep] for r in rows]], sort_keys=True,
                      default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def plan_units(cfg: EvaluateConfig) -> tuple[list[dict], list[dict]]:
    """The units (one per task: its id and shard name) and the rows naming no task."""
    by_task, unreadable = select(cfg, read_inputs(cfg))
    settings = _settings(cfg)
    units = [{"task_id": t, "shard": shard_name(t, _digest(settings, rows)), "rows": rows}
             for t, rows in by_task.items()]
    return units, unreadable


def check_resume(cfg: EvaluateConfig, units: list[dict], extra: list[str]) -> None:
    """Refuse to add to OUT/results shards made with other settings or other samples."""
    out = Path(cfg.out)
    existing = {p.name[: -len(".parquet")] for p in (out / "results").glob("*.parquet")}
    if not existing:
        return
    fix = f"use another --out, or delete {out / 'results'} to start over"
    path = out / "settings.json"
    before = json.loads(path.read_text()) if path.is_file() else None
    now = json.loads(json.dumps(_settings(cfg), default=str))
    if before is not None and before != now:
        diff = [f"{k}: {before.get(k)!r} → {now[k]!r}" for k in now if before.get(k) != now[k]]
        raise ValueError(f"{out / 'results'} holds results made with other settings "
                         f"({'; '.join(diff)}): {fix}")
    stale = sorted(existing - {u["shard"] for u in units} - set(extra))
    if stale:
        raise ValueError(f"{out / 'results'} holds results of other samples or tasks than this "
                         f"run's ({stale[0]}.parquet{' …' if len(stale) > 1 else ''}): a task's "
                         f"samples are timed together, so none is added to a finished task; {fix}")


def _unreadable_shard(rows: list[dict]) -> str:
    return shard_name("unreadable", _digest({}, rows))


def validate(cfg: EvaluateConfig) -> None:
    """Fail before Ray starts, naming the bad input."""
    from effiskel.config import check
    from effiskel.tasks import get_source

    check(cfg)
    get_source(cfg.source)  # raises listing the valid names
    if not cfg.samples:
        raise ValueError("nothing to evaluate: give --samples DIR (a generate stage's output) "
                         "or --samples FILE.jsonl:METHOD, once or more")
    if cfg.source != "mini" and not cfg.data:
        raise ValueError(f"source {cfg.source!r} needs --data (a path to its files)")
    if cfg.data and not Path(cfg.data).exists():
        raise ValueError(f"data path {cfg.data} does not exist")
    units, unreadable = plan_units(cfg)
    if not units and not unreadable:
        raise ValueError(f"the samples given ({', '.join(cfg.samples)}) hold no sample")
    check_resume(cfg, units, [_unreadable_shard(unreadable)] if unreadable else [])


def _units(cfg: EvaluateConfig) -> list[str]:
    """Write each task's samples to OUT/inputs (and the rows naming no task straight to
    OUT/results); the units name them."""
    from effiskel.evaluate import result_row

    units, unreadable = plan_units(cfg)
    shards = Shards(cfg.out)
    for u in units:
        if not shards.done("inputs", u["shard"]):
            shards.write("inputs", u["shard"], u["rows"])
    if unreadable:
        name = _unreadable_shard(unreadable)
        if not shards.done("results", name):
            shards.write("results", name, [result_row(r, cfg.source, "SKIP", "error", r["reason"])
                                           for r in unreadable])
    path = Path(cfg.out) / "settings.json"
    path.write_text(json.dumps(_settings(cfg), indent=2, default=str))
    return [json.dumps({"task_id": u["task_id"], "shard": u["shard"]}) for u in units]


# ----------------------------------------------------------------------------- worker side
class TaskLookup:
    """A task and its solutions from the source, by task id, for one actor.

    Per-task sources have a unit named after the task (`enamel/12` is unit "12"): that
    unit alone is loaded. Otherwise (one file holding the corpus) every unit is read once
    for an index of task ids, and the last few units loaded are kept."""

    KEEP = 2

    def __init__(self, source: str, data: str | None, options: dict):
        from effiskel.tasks import get_source

        self.name, self.data, self.options = source, data, options
        self.src = get_source(source)
        self.units: set[str] | None = None
        self.index: dict[str, str] | None = None  # task id -> unit
        self.loaded: OrderedDict[str, dict[str, tuple[dict, list[dict]]]] = OrderedDict()

    def _load(self, unit: str) -> dict[str, tuple[dict, list[dict]]]:
        if unit not in self.loaded:
            pairs = self.src.load_unit(self.data, unit, **self.options)
            self.loaded[unit] = {t["task_id"]: (t, sols) for t, sols in pairs}
            while len(self.loaded) > self.KEEP:
                self.loaded.popitem(last=False)
        self.loaded.move_to_end(unit)
        return self.loaded[unit]

    def get(self, task_id: str) -> tuple[dict, list[dict]] | None:
        if self.units is None:
            self.units = set(self.src.units(self.data, **self.options))
        prefix = f"{self.name}/"
        guess = task_id[len(prefix):] if task_id.startswith(prefix) else None
        if guess in self.units:
            found = self._load(guess).get(task_id)
            if found is not None:
                return found
        if self.index is None:
            self.index = {}
            for unit in self.src.units(self.data, **self.options):
                for t in self._load(unit):
                    self.index.setdefault(t, unit)
        unit = self.index.get(task_id)
        return None if unit is None else self._load(unit).get(task_id)

    def some_ids(self) -> list[str]:
        return sorted(self.index or {}, key=_natural)[:3]


class EvaluateWorker(Worker):
    """Ray Data actor: pinned to a CPU, two sandbox servers on it (the samples', the
    references'), one task per call."""

    def __init__(self, cfg: EvaluateConfig):
        from data_pipeline.profile import _pin_worker
        from effiskel.sandbox import Sandbox
        from effiskel.sandbox.server import DEFAULT_PRELOAD

        super().__init__(cfg)
        # Pinned before the sandboxes exist: both servers and every child inherit the CPU.
        self.cpu_claim = _pin_worker() if cfg.pin_cpu else None  # held while we live
        self.cpu = str(self.cpu_claim) if self.cpu_claim else "unpinned: pin_cpu=false"
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        print(f"evaluate worker {self.worker}: {self.cpu}", flush=True)
        preload = tuple(cfg.preload) if cfg.preload is not None else DEFAULT_PRELOAD
        self.sample_box = Sandbox(cfg.limits, isolation=cfg.isolation, preload=preload)
        self.ref_box = Sandbox(cfg.limits, isolation=cfg.isolation, preload=preload)
        self.lookup = TaskLookup(cfg.source, cfg.data, source_options(cfg))

    def process(self, unit: str) -> EvaluateSummary:
        u = json.loads(unit)
        summary = EvaluateSummary.of(self.cfg)
        summary.worker_cpus[self.worker] = self.cpu
        done = self.shards.reuse("results", u["shard"], SUMMARY_COLUMNS)
        if done is not None:
            summary.add(done, resumed=True)
            return summary
        start = time.perf_counter()
        samples = self.shards.read("inputs", u["shard"])
        rows = evaluate_unit(self.cfg, self.lookup, self.sample_box, self.ref_box,
                             u["task_id"], samples)
        self.shards.write("results", u["shard"], rows)
        summary.add(rows, resumed=False, seconds=time.perf_counter() - start)
        return summary


def evaluate_unit(cfg: EvaluateConfig, lookup: TaskLookup, sample_box, ref_box, task_id: str,
                  samples: list[dict]) -> list[dict]:
    """The results rows of one task; a task the source lacks, or cannot load, is skipped."""
    from effiskel.evaluate import evaluate_task, skipped_rows

    try:
        found = lookup.get(task_id)
    except Exception as e:  # noqa: BLE001 - a loader bug must not take the stage down
        return skipped_rows(samples, cfg.source,
                            f"loading task {task_id!r} raised {type(e).__name__}: {e}")
    if found is None:
        like = lookup.some_ids()
        return skipped_rows(samples, cfg.source,
                            f"task {task_id!r} is not in source {cfg.source!r}"
                            + (f" (its ids look like {', '.join(like)})" if like else ""))
    task, solutions = found
    return evaluate_task(task, solutions, samples, sample_box=sample_box, ref_box=ref_box,
                         repeat=cfg.repeat, timed_tests=cfg.timed_tests,
                         references=references(cfg), repeat_mode=cfg.repeat_mode,
                         time_limit_factor=cfg.time_limit_factor,
                         min_time_limit_s=cfg.min_time_limit_s)


# ----------------------------------------------------------------------------- the stage
STAGE = Stage("evaluate", EvaluateWorker, EvaluateSummary, _units, validate)


def run(cfg: EvaluateConfig) -> dict:
    """Evaluate every sample; print the report and return the summary (also in
    OUT/summary.json). The rows naming no task, written by the driver, are counted too."""
    result = run_stage(STAGE, cfg)
    _, unreadable = plan_units(cfg)
    if unreadable:
        result["unreadable_inputs"] = len(unreadable)
        print(f"{len(unreadable)} input line(s) name no task: results rows with status error "
              f"(first: {unreadable[0]['reason']})", flush=True)
        (Path(cfg.out) / "summary.json").write_text(json.dumps(result, indent=2))
    return result
