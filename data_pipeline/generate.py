"""Generate on Ray: n samples per task per method → OUT/samples (Parquet shards).

    a task source (on the driver: prompts, modes, entry points)
      ─► units: one method × `tasks_per_unit` tasks (a JSON string), one samples shard each
    hf:   GenerateWorker actors (data_pipeline/stage.py), each one base model and its runs'
          adapters (PEFT), on a GPU or `cpus_per_worker` CPUs: per unit, sample_tasks
          (effiskel/generation.py) and write the unit's shard
    vllm: Ray Data LLM (one vLLM engine per `vllm.concurrency`, adapters as dynamic LoRA):
          one row per sample; the driver writes a unit's shard once all its rows are back.
          llm4effi runs a second processor over the plans of the first (OUT/plans shards)

A shard's name is the unit's: its method, its index and a hash of what its samples depend
on (the method's base model and adapter weights, its prompts, the tasks), so a rerun
skips finished units and redoes the others, and a crash loses at most the units in
flight. OUT/settings.json holds the settings every shard shares (source, tasks,
sampling, backend): a rerun with other settings, or a shard of one of this run's
methods made from another adapter or prompt, stops before anything runs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from data_pipeline.shards import Shards, shard_name
from data_pipeline.stage import Stage, Summary, Worker, breakdown, run_stage, setting
from effiskel.config import GenerateConfig, to_dict
from effiskel.generation import (
    LLM4EFFI_CODE_INSTRUCTION,
    HFSampler,
    Method,
    code_requests,
    first_prompt,
    first_requests,
    plan_from_row,
    plan_row,
    resolve_methods,
    sample_row,
    sample_tasks,
    stop_token_ids,
    unit_rows,
    vllm_output,
    vllm_processor_config,
    vllm_requests,
)
from effiskel.tasks.reasons import reason_kind

SETTINGS = ("source", "data", "limit", "tasks", "source_options", "sampling", "backend",
            "tasks_per_unit")
"""The config keys every shard of OUT/samples shares."""
SUMMARY_COLUMNS = ["method", "status", "reason", "finish_reason", "n_tokens"]


# ----------------------------------------------------------------------------- summary
@dataclass
class GenerateSummary(Summary):
    """Samples by method and status, reasons by kind, tokens and time."""

    backend: str = setting("hf")
    n: int = setting(0)
    samples: int = 0
    resumed_samples: int = 0
    resumed_units: int = 0
    status: dict = field(default_factory=dict)  # method -> Counter of statuses
    finish: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)  # "status reason-kind" -> rows
    tokens: int = 0  # generated in this run (resumed shards not counted)
    generated: int = 0  # samples generated in this run
    seconds: float = 0.0  # time spent generating, summed over workers

    @classmethod
    def of(cls, cfg: GenerateConfig) -> GenerateSummary:
        return cls(backend=cfg.backend, n=cfg.sampling.n)

    def add(self, rows: list[dict], resumed: bool, seconds: float = 0.0) -> None:
        self.samples += len(rows)
        for r in rows:
            self.status.setdefault(r["method"], Counter())[r["status"]] += 1
            if r["finish_reason"]:
                self.finish[r["finish_reason"]] += 1
            if r["reason"]:
                self.reasons[f"{r['status']:10s} {reason_kind(r['reason'])}"] += 1
        if resumed:
            self.resumed_samples += len(rows)
            self.resumed_units += 1
        else:
            self.generated += sum(r["status"] in ("ok", "no_program") for r in rows)
            self.tokens += sum(r["n_tokens"] or 0 for r in rows)
            self.seconds += seconds

    def progress(self) -> dict:
        return {"samples": self.samples}

    def to_dict(self) -> dict:
        d = super().to_dict()
        d["samples_per_s"] = round(self.generated / self.seconds, 3) if self.seconds else None
        d["tokens_per_s"] = round(self.tokens / self.seconds, 1) if self.seconds else None
        return d

    def lines(self) -> list[str]:
        rate = (f"; {self.generated / self.seconds:.2f} samples/s, "
                f"{self.tokens / self.seconds:.0f} tokens/s (per worker, {self.backend})"
                if self.seconds else "")
        lines = [f"samples: {self.samples} ({self.resumed_samples} from an earlier run), "
                 f"n = {self.n}; {self.tokens} tokens generated in {self.seconds:.1f} "
                 f"worker-seconds{rate}"]
        for method, counts in self.status.items():
            lines.append(f"  {method}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        if self.finish:
            lines.append("  finish: " + ", ".join(f"{k} {v}" for k, v in sorted(self.finish.items())))
        return lines + breakdown("", self.reasons, 6)


# ----------------------------------------------------------------------------- tasks, units
_TASKS: dict[str, list[dict]] = {}  # validate and the units share one load of the source


def load_tasks(cfg: GenerateConfig) -> list[dict]:
    """The tasks to sample, in source order (or --tasks order): the fields a prompt and
    the extraction need. Unusable tasks stay in (their samples are "skipped" rows)."""
    from effiskel.tasks import get_source

    key = json.dumps([cfg.source, cfg.data, cfg.source_options, cfg.limit, cfg.tasks])
    if key in _TASKS:
        return _TASKS[key]
    src = get_source(cfg.source)
    keep = ("task_id", "source", "prompt", "mode", "entry_point", "status", "reason")
    tasks = []
    for unit in src.units(cfg.data, **cfg.source_options):
        for task, _solutions in src.load_unit(cfg.data, unit, **cfg.source_options):
            tasks.append({k: task.get(k) for k in keep})
        if cfg.limit and not cfg.tasks and len(tasks) >= cfg.limit:
            break
    if cfg.tasks:
        by_id = {t["task_id"]: t for t in tasks}
        missing = [t for t in cfg.tasks if t not in by_id]
        if missing:
            sample = ", ".join(list(by_id)[:5])
            raise ValueError(f"source {cfg.source!r} has no task {', '.join(missing[:5])}"
                             f"{' …' if len(missing) > 5 else ''} (its ids look like {sample})")
        tasks = [by_id[t] for t in cfg.tasks]
    elif cfg.limit:
        tasks = tasks[:cfg.limit]
    _TASKS[key] = tasks
    return tasks


def plan_units(cfg: GenerateConfig, methods: list[Method], tasks: list[dict]) -> list[str]:
    """The units of work: each method's tasks in chunks, as JSON strings naming their shard."""
    shared = json.dumps({k: to_dict(cfg)[k] for k in ("sampling", "backend")}, sort_keys=True)
    units = []
    for m in methods:
        # llm4effi's second prompt is built from its plans: its instruction stands for it.
        code = LLM4EFFI_CODE_INSTRUCTION if m.kind == "llm4effi" else None
        ident = json.dumps([m.describe(), code], sort_keys=True)
        for i in range(0, len(tasks), cfg.tasks_per_unit):
            chunk = tasks[i:i + cfg.tasks_per_unit]
            prompts = [(t["task_id"], first_prompt(m.kind, t["prompt"] or "")) for t in chunk]
            digest = hashlib.sha256(json.dumps([shared, ident, prompts]).encode()).hexdigest()
            name = shard_name(m.name, f"{i // cfg.tasks_per_unit:05d}", digest[:12])
            units.append(json.dumps({"shard": name, "method": m.name, "tasks": chunk}))
    return units


def _settings(cfg: GenerateConfig) -> dict:
    d = to_dict(cfg)
    return {k: d[k] for k in SETTINGS}


def check_resume(cfg: GenerateConfig, methods: list[Method], units: list[str]) -> None:
    """Refuse to add to OUT/samples shards that were made with other settings, or for one of
    this run's methods from another adapter, prompt or task list (the error says which)."""
    import pyarrow.parquet as pq

    out = Path(cfg.out)
    existing = {p.name[: -len(".parquet")]: p for p in (out / "samples").glob("*.parquet")}
    if not existing:
        return
    fix = (f"use another --out, or delete {out / 'samples'} to start over")
    path = out / "settings.json"
    before = json.loads(path.read_text()) if path.is_file() else None
    now = json.loads(json.dumps(_settings(cfg)))
    if before is not None and before != now:
        diff = [f"{k}: {before.get(k)!r} → {now[k]!r}" for k in now if before.get(k) != now[k]]
        raise ValueError(f"{out / 'samples'} holds samples made with other settings "
                         f"({'; '.join(diff)}): {fix}")
    expected = {json.loads(u)["shard"] for u in units}
    ours = {m.name for m in methods}
    for name, p in sorted(existing.items()):
        if name in expected:
            continue
        try:
            made_by = set(pq.read_table(p, columns=["method"]).column("method").to_pylist())
        except Exception:  # noqa: BLE001 - a damaged shard: the driver redoes it if it is ours
            continue
        clash = sorted(made_by & ours)
        if clash:
            raise ValueError(f"{p} holds samples of {', '.join(clash)} made from another "
                             f"adapter, prompt or task list than this run's: {fix}")


# ----------------------------------------------------------------------------- hf backend
class GenerateWorker(Worker):
    """Ray Data actor: one base model (with its runs' adapters) at a time, one unit per call."""

    def __init__(self, cfg: GenerateConfig):
        super().__init__(cfg)
        self.methods = {m.name: m for m in resolve_methods(cfg.methods, cfg.model)}
        # PEFT adapter names are module keys: not the run names, which may hold dots.
        self.adapter_names = {m.name: f"run{i}" for i, m in enumerate(self.methods.values())
                              if m.adapter}
        self.sampler: HFSampler | None = None

    def _sampler(self, base: str) -> HFSampler:
        if self.sampler is None or self.sampler.base != base:
            self.sampler = None  # one model in memory at a time
            adapters = {self.adapter_names[m.name]: m.adapter for m in self.methods.values()
                        if m.adapter and m.base == base}
            cpu = self.cfg.device == "cpu"
            self.sampler = HFSampler(base, adapters, self.cfg.device, self.cfg.dtype,
                                     self.cfg.batch_size,
                                     threads=self.cfg.cpus_per_worker if cpu else None)
        return self.sampler

    def process(self, unit: str) -> GenerateSummary:
        u = json.loads(unit)
        summary = GenerateSummary.of(self.cfg)
        done = self.shards.reuse("samples", u["shard"], SUMMARY_COLUMNS)
        if done is not None:
            summary.add(done, resumed=True)
            return summary
        method = self.methods[u["method"]]
        sampler = self._sampler(method.base)
        start = time.perf_counter()
        rows = sample_tasks(sampler.bind(self.adapter_names.get(method.name), self.cfg.sampling),
                            u["tasks"], method, self.cfg.sampling, "hf")
        seconds = time.perf_counter() - start
        self.shards.write("samples", u["shard"], rows)
        summary.add(rows, resumed=False, seconds=seconds)
        return summary


def _device(cfg: GenerateConfig) -> str:
    if cfg.device != "auto":
        return cfg.device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


# ----------------------------------------------------------------------------- the stage
def validate(cfg: GenerateConfig) -> None:
    """Fail before Ray starts, naming the bad input."""
    from effiskel.config import check
    from effiskel.tasks import get_source

    check(cfg)
    get_source(cfg.source)  # raises listing the valid names
    if cfg.source != "mini" and not cfg.data:
        raise ValueError(f"source {cfg.source!r} needs --data (a path to its files)")
    if cfg.data and not Path(cfg.data).exists():
        raise ValueError(f"data path {cfg.data} does not exist")
    methods = resolve_methods(cfg.methods, cfg.model)
    if cfg.backend == "vllm":
        if not _vllm_installed():
            raise ValueError("backend vllm needs vLLM (the effiskel[vllm] extra, GPU only; "
                             "see its note in pyproject.toml), or use backend=hf")
    tasks = load_tasks(cfg)
    if not tasks:
        raise ValueError(f"source {cfg.source!r} has no tasks"
                         + (f" in {cfg.data}" if cfg.data else ""))
    check_resume(cfg, methods, plan_units(cfg, methods, tasks))


def _vllm_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("vllm") is not None


def _units(cfg: GenerateConfig) -> list[str]:
    units = plan_units(cfg, resolve_methods(cfg.methods, cfg.model), load_tasks(cfg))
    path = Path(cfg.out) / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_settings(cfg), indent=2))
    return units


def run(cfg: GenerateConfig) -> dict:
    """Sample every method on every task; print the report and return the summary (also in
    OUT/summary.json)."""
    cfg = dataclasses.replace(cfg, device=_device(cfg))
    if cfg.backend == "vllm":
        return run_vllm(cfg)
    gpu = cfg.device == "cuda"
    if gpu and cfg.workers is None:
        # One actor per GPU; the driver's default counts CPUs. Locally we can count GPUs.
        import torch

        cfg = dataclasses.replace(cfg, workers=max(1, torch.cuda.device_count()))
    stage = Stage("generate", GenerateWorker, GenerateSummary, _units, validate,
                  resources={"num_cpus": cfg.cpus_per_worker, "num_gpus": 1 if gpu else 0})
    return run_stage(stage, cfg)


# ----------------------------------------------------------------------------- vllm backend
def run_vllm(cfg: GenerateConfig) -> dict:
    """The vllm backend: Ray Data LLM pipelines instead of the stage driver's actor pool (its
    engines batch across units), with the driver's shards, log, report and summary.

    Per base model: one processor over the first pass of every pending unit (llm4effi's
    planning pass included, its plans kept in OUT/plans), then, if llm4effi is among the
    methods, a second processor over the code passes. The processors run one after the
    other: two engines on one GPU would wait for each other.
    """
    from data_pipeline.common import init_ray, shutdown_embedded_ray
    from data_pipeline.logs import stage_log
    from data_pipeline.shards import ShardWriteError, remove_partial
    from data_pipeline.stage import StageError, _write_failed, _write_text, format_report

    validate(cfg)
    start = time.time()
    out = Path(cfg.out)
    _write_text(out / "config.json", json.dumps(dataclasses.asdict(cfg), indent=2, default=str))
    remove_partial(out)
    units = [json.loads(u) for u in _units(cfg)]
    methods = {m.name: m for m in resolve_methods(cfg.methods, cfg.model)}
    shards, total = Shards(out), GenerateSummary.of(cfg)
    log = out / "generate.log"
    with stage_log(log, cfg.verbose):
        try:
            started = init_ray(cfg.address, None, log_to_driver=cfg.verbose)
            print(f"generate: {len(units)} units, vLLM engines: {cfg.vllm.concurrency} "
                  f"({'embedded Ray' if started else 'a Ray cluster'})", flush=True)
            pending = []
            for u in units:
                done = shards.reuse("samples", u["shard"], SUMMARY_COLUMNS)
                if done is not None:
                    total.add(done, resumed=True)
                else:
                    pending.append(u)
            for base in sorted({methods[u["method"]].base for u in pending}):
                _vllm_base(cfg, base, [u for u in pending if methods[u["method"]].base == base],
                           methods, shards, total)
        except ShardWriteError as e:
            shutdown_embedded_ray()
            raise StageError(_write_failed(str(e))) from None
        except BaseException:  # Ctrl-C, SIGTERM: the embedded Ray and its engines go too
            shutdown_embedded_ray()
            raise
    result = {"stage": "generate", **total.to_dict(), "units": len(units),
              "workers": cfg.vllm.concurrency, "seconds": round(time.time() - start, 1),
              "out": str(out), "log": str(log), "shards_redone": shards.redone}
    print(format_report(total, result), flush=True)
    _write_text(out / "summary.json", json.dumps(result, indent=2))
    return result


def _vllm_base(cfg: GenerateConfig, base: str, units: list[dict], methods: dict[str, Method],
               shards: Shards, total: GenerateSummary) -> None:
    """Every pending unit of the methods on one base model."""
    from effiskel.training.models import load_tokenizer

    stops = stop_token_ids(base, load_tokenizer(base))
    adapters = sorted({methods[u["method"]].adapter for u in units if methods[u["method"]].adapter})
    proc_cfg = vllm_processor_config(base, adapters, cfg.vllm, cfg.dtype)
    sampling = cfg.sampling
    first, second = [], []  # (unit, requests) of each pass
    for u in units:
        m = methods[u["method"]]
        if m.kind != "llm4effi":
            first.append((u, first_requests(u["tasks"], m, sampling)))
            continue
        kept = shards.reuse("plans", u["shard"])
        if kept is None:
            first.append((u, first_requests(u["tasks"], m, sampling)))
        else:
            second.append((u, _plans(u, kept)))

    def finish_first(u: dict, pairs: list) -> None:
        m = methods[u["method"]]
        if m.kind == "llm4effi":
            shards.write("plans", u["shard"], [plan_row(r, g, m, "vllm") for r, g in pairs])
            second.append((u, pairs))
        else:
            _write_unit(u, m, [sample_row(r, g, m, "vllm") for r, g in pairs])

    def _write_unit(u: dict, m: Method, rows: list[dict]) -> None:
        rows = unit_rows(u["tasks"], m, sampling, "vllm", rows)
        shards.write("samples", u["shard"], rows)
        total.add(rows, resumed=False)

    def finish_second(u: dict, pairs: list) -> None:
        m = methods[u["method"]]
        _write_unit(u, m, [sample_row(r, g, m, "vllm") for r, g in pairs])

    seconds = _vllm_pass(cfg, proc_cfg, [(u, r, "first") for u, r in first], methods, stops,
                         finish_first)
    # Second pass: llm4effi's code, from the plans that came back (a failed plan is the
    # sample's error row as it is).
    jobs = []
    for u, pairs in second:
        failed = [(r, g) for r, g in pairs if g.error is not None]
        jobs.append((u, code_requests(pairs, sampling), "code", failed))
    seconds += _vllm_pass(cfg, proc_cfg, jobs, methods, stops, finish_second)
    total.seconds += seconds * cfg.vllm.concurrency  # engine-seconds, as worker-seconds


def _plans(u: dict, rows: list[dict]) -> list:
    tasks = {t["task_id"]: t for t in u["tasks"]}
    return [plan_from_row(r, tasks[r["task_id"]]) for r in rows]


def _vllm_pass(cfg: GenerateConfig, proc_cfg, jobs: list, methods: dict[str, Method],
               stops: list[int], finish) -> float:
    """Run one processor over the requests of `jobs` ((unit, requests, phase[, done pairs]));
    call finish(unit, pairs) as each unit's last row comes back. Returns the seconds taken."""
    import ray

    rows, waiting = [], {}
    for job in jobs:
        u, reqs, phase = job[:3]
        pairs = list(job[3]) if len(job) > 3 else []
        if not reqs:
            finish(u, pairs)
            continue
        waiting[u["shard"]] = (u, len(pairs) + len(reqs), pairs)
        rows += vllm_requests(reqs, methods[u["method"]], cfg.sampling, stops, u["shard"], phase)
    if not rows:
        return 0.0
    start = time.time()
    processor = _processor(proc_cfg)
    # One block per unit keeps a unit's rows together, so units finish one after another
    # and a crash loses only those in the engines.
    ds = processor(ray.data.from_items(rows, override_num_blocks=max(1, len(waiting))))
    for row in ds.iter_rows():
        u, expected, pairs = waiting[row["unit"]]
        pairs.append(vllm_output(row, stops, cfg.sampling.max_new_tokens))
        if len(pairs) == expected:
            del waiting[row["unit"]]
            finish(u, pairs)
    return time.time() - start


def _processor(proc_cfg):
    """The Ray Data LLM processor of a config (our rows in, the engine's outputs beside them)."""
    from ray.data.llm import build_processor

    return build_processor(proc_cfg)
