"""The one driver of every Ray stage: Ray, units, the actor pool, shards, resume, progress, summary.

    run_stage(STAGE, cfg)
      STAGE.validate(cfg)  ─ bad input fails here, before Ray starts
      OUT/config.json, temporary files of a crashed run removed, STAGE.units(cfg)
      start an embedded Ray or join cfg.address; Ray's own output to OUT/<stage>.log
      a pool of actors (STAGE.resources each), each one STAGE.worker(cfg): what its units
      share (a sandbox, a model), built once
        per unit: worker.process(unit) writes the unit's shards through worker.shards
        (checked before trusted, written atomically) and returns a Summary of the unit
      the units' summaries merged (the progress bar shows them), the report printed,
      OUT/summary.json written

A stage supplies the rest: what a unit is (a source's problem directory, an
input shard, a task of a samples table: a string), the function from one
unit to its shards, and its Summary, whose fields are summary.json's keys.
Profile and extract are its first users; evaluate (an actor owning a
sandbox, one unit per task), pairs (a sandbox for line profiles, one unit
per efficient shard) and generate (`resources={"num_cpus": 1, "num_gpus": 1}`,
an actor owning a model; or, for an engine that batches across units, its
own `Stage.mapper`) fit the same shape.

Faults are handled here once for every stage: a shard that does not read back
is redone (shards.py says what is checked), a shard that cannot be written
stops the stage with one line naming the path and the cause (StageError; the
rerun resumes), and an interrupted driver (Ctrl-C, SIGTERM) shuts down the
embedded Ray it started, its workers included, before it exits.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data_pipeline.common import cluster_workers, init_ray, shutdown_embedded_ray
from data_pipeline.logs import stage_log
from data_pipeline.shards import Shards, ShardWriteError, remove_partial


class StageError(Exception):
    """The stage stopped on a fault the user must fix (a shard that cannot be written):
    one line naming the path, the cause and what to do."""


# ----------------------------------------------------------------------------- summaries
def setting(default: Any = None) -> Any:
    """A Summary field that reports a setting (the same in every unit): kept, never added."""
    return field(default=default, metadata={"setting": True})


def _merged(a: Any, b: Any) -> Any:
    if isinstance(a, Counter):
        return a + b if isinstance(b, Counter) else a
    if isinstance(a, dict):
        return {**b, **a, **{k: _merged(a[k], b[k]) for k in a.keys() & b.keys()}}
    if isinstance(a, list):
        return a + b
    if isinstance(a, (int, float)) and not isinstance(a, bool):
        return a + b
    return a if a is not None else b


def _plain(v: Any) -> Any:
    """A value as JSON writes it: Counters and tuples as dicts and lists."""
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


@dataclass
class Summary:
    """What a stage counts, for one unit or merged over all; subclass it per stage.

    Fields are summary.json's keys. `merge` adds another summary by the values'
    kinds: numbers and Counters add, lists extend, dicts merge key by key;
    `setting` fields keep their value.
    """

    @classmethod
    def of(cls, cfg) -> Summary:
        """An empty summary for `cfg` (its settings filled in)."""
        return cls()

    def merge(self, other: Summary) -> None:
        for f in dataclasses.fields(self):
            if not f.metadata.get("setting"):
                setattr(self, f.name, _merged(getattr(self, f.name), getattr(other, f.name)))

    def to_dict(self) -> dict:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def lines(self) -> list[str]:
        """The stage's part of the report."""
        raise NotImplementedError

    def progress(self) -> dict:
        """What the progress bar shows beside the units done."""
        return {}


def breakdown(kind: str, counts: dict, width: int = 6) -> list[str]:
    """Report lines for counts by reason, most frequent first: "  dropped      3  why"."""
    kind = f"{kind} " if kind else ""
    return [f"  {kind}{n:{width}d}  {why}" for why, n in sorted(counts.items(), key=lambda kv: -kv[1])]


# ----------------------------------------------------------------------------- workers
@dataclass
class Outcome:
    """One unit's result as it reaches the driver (from an actor: one object per row)."""

    unit: str
    summary: Summary | None
    error: str | None  # a shard that could not be written
    redone: list[str]  # damaged shards removed and redone
    node: str | None = None  # the Ray node that did the unit


class Worker:
    """Base of a stage's Ray Data actor: one per actor, one unit per call.

    A subclass builds what its units share in `__init__(cfg)` (after
    `super().__init__(cfg)`) and implements `process(unit) -> Summary`, writing
    and reusing the unit's shards through `self.shards` (`Shards` of cfg.out).
    """

    def __init__(self, cfg):
        self.cfg = cfg
        self.shards = Shards(cfg.out)
        self.node: str | None = None  # the Ray node this actor runs on

    def process(self, unit: str) -> Summary:
        raise NotImplementedError

    def __call__(self, batch: dict) -> dict:
        if self.node is None:  # an actor stays on its node: asked once
            import ray

            self.node = ray.get_runtime_context().get_node_id()
        node = self.node
        outcomes = []
        for unit in map(str, batch["unit"]):
            self.shards.redone = []
            try:
                outcomes.append(Outcome(unit, self.process(unit), None, self.shards.redone, node))
            except ShardWriteError as e:  # the driver stops the stage with this line
                outcomes.append(Outcome(unit, None, str(e), self.shards.redone, node))
        return {"outcome": outcomes}


# ----------------------------------------------------------------------------- the driver
@dataclass(frozen=True)
class Stage:
    """What a stage supplies to the driver. Its config has the fields `out`, `address`,
    `workers`, `progress` and `verbose`, read by the driver."""

    name: str
    """Names the progress bar, the log file OUT/<name>.log and the report."""
    worker: type[Worker]
    summary: type[Summary]
    units: Callable[[Any], list[str]]
    """The units of work of a config, listed on the driver (names, not data)."""
    validate: Callable[[Any], None]
    """Raises ValueError naming the bad input, before anything starts."""
    resources: dict = field(default_factory=lambda: {"num_cpus": 1})
    """Ray resources of each actor (e.g. add "num_gpus": 1 for a model's)."""
    mapper: Callable | None = None
    """How units reach their work; default: a Ray Data pool of `worker` actors, one unit
    per call. A stage whose engine batches across units (vLLM) gives a generator
    mapper(stage, cfg, units, workers, summary) of Outcomes instead, writing through
    Shards(cfg.out); config, logs, Ray, faults and the report stay the driver's."""


def _write_text(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    except OSError as e:
        raise StageError(_write_failed(str(ShardWriteError(path, e)))) from None


def _write_failed(error: str) -> str:
    return (f"{error}. Free space or fix permissions there, then rerun the same command: "
            "the finished shards are kept and only the rest is redone")


def run_stage(stage: Stage, cfg) -> dict:
    """Run `stage` over its units; print its report and return its summary (as written to
    OUT/summary.json). Raises ValueError on bad input and StageError on a failed write."""
    import ray.data  # noqa: F401  (its console log handler must exist before stage_log)

    stage.validate(cfg)
    start = time.time()
    out = Path(cfg.out)
    _write_text(out / "config.json", json.dumps(dataclasses.asdict(cfg), indent=2, default=str))
    remove_partial(out)
    units = stage.units(cfg)
    log = out / f"{stage.name}.log"
    total, redone, by_node = stage.summary.of(cfg), [], Counter()
    with stage_log(log, cfg.verbose):
        try:
            started = init_ray(cfg.address, cfg.workers, log_to_driver=cfg.verbose)
            workers = cluster_workers(cfg.workers, len(units), stage.resources) if units else 0
            print(f"{stage.name}: {len(units)} units, {workers} workers "
                  f"({'embedded Ray' if started else 'Ray at ' + _address()})", flush=True)
            mapper = stage.mapper or _map_units
            with contextlib.closing(mapper(stage, cfg, units, workers, total)) as outcomes:
                for o in outcomes:
                    redone += o.redone
                    by_node[o.node or "unrecorded"] += 1  # a mapper may not say
                    if o.error is not None:
                        raise StageError(_write_failed(o.error))
                    total.merge(o.summary)
        except ShardWriteError as e:  # written by a mapper on the driver
            shutdown_embedded_ray()
            raise StageError(_write_failed(str(e))) from None
        except BaseException:  # Ctrl-C, SIGTERM (Ray raises SystemExit), a failed write
            shutdown_embedded_ray()  # if this process started it: its workers go with it
            raise
    result = {"stage": stage.name, **total.to_dict(), "units": len(units), "workers": workers,
              "seconds": round(time.time() - start, 1), "out": str(out), "log": str(log),
              "shards_redone": redone, "units_by_node": dict(by_node.most_common())}
    print(format_report(total, result), flush=True)
    _write_text(out / "summary.json", json.dumps(result, indent=2))
    return result


def _address() -> str:
    import ray

    return ray.get_runtime_context().gcs_address


def _map_units(stage: Stage, cfg, units: list[str], workers: int, total: Summary):
    """Yield each unit's Outcome as actors finish it, with a progress bar over the units.

    One unit per call, one call in flight per actor: units are large (a task and
    its solutions), so queueing more would only delay the others. Ray Data
    restarts a dead actor and retries its unit by default; shards make that safe.

    With `workers` left to the cluster (cfg.workers unset), the pool starts with
    what the cluster holds now and grows, up to one actor per unit left, when
    nodes join (an autoscaling cluster, a late worker): Ray Data adds an actor
    while every actor is busy and the cluster has room for one more. A number
    asked for is kept fixed.
    """
    if not units:
        return
    import ray
    from ray.data import ActorPoolStrategy, DataContext
    from tqdm import tqdm

    ctx = DataContext.get_current()
    ctx.enable_progress_bars = False  # ours instead of one per operator
    ctx.execution_options.preserve_order = False
    # One call in flight per actor makes a busy pool's utilisation 1.0; Ray Data's default
    # threshold (1.75) assumes queued calls and would never grow such a pool.
    ctx.autoscaling_config.actor_pool_util_upscaling_threshold = 1.0
    grow_to = workers if cfg.workers else max(workers, len(units))
    ds = ray.data.from_items([{"unit": u} for u in units], override_num_blocks=len(units))
    ds = ds.map_batches(stage.worker, fn_constructor_kwargs={"cfg": cfg}, batch_size=1,
                        compute=ActorPoolStrategy(min_size=workers, max_size=grow_to,
                                                  max_tasks_in_flight_per_actor=1),
                        **stage.resources)
    bar = tqdm(total=len(units), unit="unit", desc=stage.name, disable=not cfg.progress,
               dynamic_ncols=True, mininterval=0.5)
    batches = iter(ds.iter_batches(batch_size=None, batch_format="numpy"))
    try:
        for batch in batches:
            for o in batch["outcome"]:
                yield o
                bar.update(1)
            bar.set_postfix(**total.progress())
    finally:
        batches.close()  # stops the actors now when the driver stops early
        bar.close()


def format_report(summary: Summary, result: dict) -> str:
    """The report of a stage: its own lines, then what the driver knows."""
    lines = summary.lines()
    lines.append(f"{result['stage']} done: {result['units']} units on {result['workers']} "
                 f"workers in {result['seconds']} s; output {result['out']}")
    redone = result["shards_redone"]
    if redone:
        lines.append(f"{len(redone)} shards of an earlier run did not read back and were redone:")
        lines += [f"  {r}" for r in redone[:5]]
        if len(redone) > 5:
            lines.append(f"  … and {len(redone) - 5} more (summary.json lists them)")
    nodes = result.get("units_by_node", {})
    if len(nodes) > 1:
        lines.append("units by node: " + ", ".join(f"{n[:8]} {k}" for n, k in nodes.items()))
    lines.append(f"Ray's own logs: {result['log']} (verbose=true shows them here)")
    return "\n".join(lines)
