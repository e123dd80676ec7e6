"""Stage 3 trainer: EffiSkel multi-task LoRA (and EffiCoder*, same path) on Ray Train + DeepSpeed.

The driver (`train`) reads the skeleton table, builds the model directory
(`tiny`) or checks it, tokenizes, and starts a Ray Train `TorchTrainer`. Each
worker runs `train_loop`, which reads top to bottom:

    setup_worker → build_engine (model + LoRA → DeepSpeed ZeRO) → resume →
    for each optimizer step: train_step (count the step's target tokens on all ranks,
        forward/backward each micro-batch against those global counts, step);
        every `log_every` steps log_step (losses, tokens/s, MFU) and report it,
        every `checkpoint_every` steps with one Ray Train checkpoint of every rank's
        DeepSpeed shard (+ its RNG state)
    → save (the LoRA adapter, optionally the merged model).

Resume: rerunning the same command (same `output_dir` and run name) makes Ray
Train hand every worker the latest checkpoint; the worker restores weights,
optimizer, scheduler and its RNG state, and continues from the saved step. The
data order is a pure function of (seed, epoch, step), so no iterator state is
needed: the continued run repeats the uninterrupted one step for step.

Run layout, `<output_dir>/<run_name>/`: `checkpoints/checkpoint_<step>/` (Ray
Train storage), `adapter/` (PEFT), `merged/` (optional), `metrics.jsonl`; the
`tiny` preset is built once per data set in `<output_dir>/tiny_model-<hash>/`.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import math
import os
import random
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from effiskel.config import from_dict, to_dict
from effiskel.training import losses
from effiskel.training.config import TrainConfig
from effiskel.training.examples import (
    IGNORE,
    Batch,
    Example,
    ExampleStats,
    build_examples,
    check_data_path,
    collate,
    pad_multiple,
    read_skeleton_rows,
)
from effiskel.training.flops import ModelFlops, device_peak_flops, mfu
from effiskel.training.models import (
    TINY,
    TargetLogits,
    add_lora,
    build_tiny,
    check_model_dir,
    load_model,
    load_tokenizer,
    merge_adapter,
)
from effiskel.training.prompts import format_prompt, format_skeleton_prompt

log = logging.getLogger(__name__)


@dataclass
class TrainResult:
    """What a finished run leaves behind."""

    run_dir: Path
    adapter_dir: Path
    merged_dir: Path | None
    metrics_path: Path
    metrics: dict
    """The last reported metrics."""


@dataclass
class Plan:
    """Batch arithmetic of a run, fixed before the workers start."""

    num_examples: int
    num_workers: int
    micro_batch_size: int
    grad_accum: int
    global_batch_size: int
    steps_per_epoch: int
    total_steps: int
    schedule_steps: int
    warmup_steps: int


def make_plan(cfg: TrainConfig, num_examples: int) -> Plan:
    o, w = cfg.optim, cfg.scaling.num_workers
    per_pass = o.micro_batch_size * w
    if o.global_batch_size % per_pass:
        raise ValueError(
            f"optim.global_batch_size ({o.global_batch_size}) must be a multiple of "
            f"optim.micro_batch_size ({o.micro_batch_size}) × scaling.num_workers ({w})"
        )
    if num_examples < o.global_batch_size:
        raise ValueError(
            f"only {num_examples} training examples, fewer than one global batch "
            f"(optim.global_batch_size = {o.global_batch_size}); lower it or add data"
        )
    # The last incomplete global batch of an epoch is dropped; each epoch is reshuffled,
    # so a dropped example is seen in the other epochs.
    steps_per_epoch = num_examples // o.global_batch_size
    total = steps_per_epoch * o.epochs
    if o.max_steps is not None:
        total = min(total, o.max_steps)
    schedule = o.schedule_steps or steps_per_epoch * o.epochs
    return Plan(
        num_examples=num_examples,
        num_workers=w,
        micro_batch_size=o.micro_batch_size,
        grad_accum=o.global_batch_size // per_pass,
        global_batch_size=o.global_batch_size,
        steps_per_epoch=steps_per_epoch,
        total_steps=total,
        schedule_steps=schedule,
        warmup_steps=round(o.warmup_ratio * schedule),
    )


def lr_factor(step: int, warmup: int, total: int, schedule: str, min_ratio: float) -> float:
    """Learning-rate multiplier at optimizer step `step` (0-based): linear warm-up, then decay."""
    if step < warmup:
        return (step + 1) / (warmup + 1)
    if schedule == "constant":
        return 1.0
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    decay = 0.5 * (1 + math.cos(math.pi * progress)) if schedule == "cosine" else 1 - progress
    return min_ratio + (1 - min_ratio) * decay


def step_micro_batches(
    lengths: np.ndarray, step: int, plan: Plan, seed: int, rank: int
) -> list[np.ndarray]:
    """Example indices of each of `rank`'s micro-batches at optimizer step `step`.

    The step's global batch is slice `step % steps_per_epoch` of the epoch's permutation
    (a pure function of seed and epoch: resuming needs no iterator state). It is sorted
    by length and cut into micro-batches of neighbours, so little padding is run; since
    each loss term is normalised over the global batch, how the examples are split between
    ranks and micro-batches does not change the gradient.
    """
    epoch, k = divmod(step, plan.steps_per_epoch)
    perm = np.random.default_rng([seed, epoch]).permutation(plan.num_examples)
    idx = perm[k * plan.global_batch_size : (k + 1) * plan.global_batch_size]
    idx = idx[np.argsort(-lengths[idx], kind="stable")]
    chunks = np.split(idx, plan.num_workers * plan.grad_accum)
    # Chunk c goes to rank c % W at micro-step c // W: ranks run similar lengths in lock-step.
    return chunks[rank :: plan.num_workers]


def deepspeed_config(cfg: TrainConfig, plan: Plan, bf16: bool, use_gpu: bool) -> dict:
    zero = {"stage": cfg.deepspeed.zero_stage, "contiguous_gradients": True}
    zero["overlap_comm"] = bool(cfg.deepspeed.overlap_comm and use_gpu)
    conf = {
        "train_batch_size": plan.global_batch_size,
        "train_micro_batch_size_per_gpu": plan.micro_batch_size,
        "gradient_accumulation_steps": plan.grad_accum,
        "gradient_clipping": cfg.optim.grad_clip,
        "zero_optimization": zero,
        # We pass a torch AdamW: DeepSpeed's own would compile FusedAdam (~85 s on CPU).
        "zero_allow_untested_optimizer": True,
        "bf16": {"enabled": bf16},
        "steps_per_print": 2**31,
        "wall_clock_breakdown": False,
    }
    return _merge(conf, cfg.deepspeed.extra)


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for k, v in extra.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


# ---------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------


def preflight(cfg: TrainConfig) -> None:
    """Cheap checks of the data and model paths, to run before Ray starts."""
    check_data_path(cfg.data.path)
    if cfg.model.path != TINY:
        check_model_dir(cfg.model.path)


def prepare(cfg: TrainConfig) -> tuple[Path, list[Example], ExampleStats, dict]:
    """Driver-side preparation, before Ray starts anything: (model dir, examples, their
    stats, the row counts of `read_skeleton_rows`).

    Raises with an actionable message on a bad data path, model path or empty data set.
    """
    if cfg.model.path != TINY:
        check_model_dir(cfg.model.path)
    rows, counts = read_skeleton_rows(cfg.data.path, cfg.data.strategy)  # checks data.path
    if not rows:
        raise ValueError(
            f"{cfg.data.path} holds no rows of strategy {cfg.data.strategy!r} with code "
            f"({counts}); run Stage 2 first"
        )
    if cfg.model.path == TINY:
        # From every row, whatever the method trains on, so both start from one model.
        texts = [format_prompt(r["prompt"]) + r["code"] for r in rows]
        texts += [format_skeleton_prompt(r["prompt"]) + r["skeleton"] for r in rows
                  if r["status"] == "ok"]
        # One tiny model per (data, vocabulary, seed), shared by the runs in output_dir, so
        # EffiSkel and EffiCoder* start from the same weights and a resumed run finds its own.
        key = hashlib.sha256(
            json.dumps([texts, cfg.model.tiny_vocab_size, cfg.seed]).encode()
        ).hexdigest()
        model_path = Path(cfg.output_dir).resolve() / f"tiny_model-{key[:12]}"
        if not (model_path / "config.json").is_file():
            build_tiny(texts, model_path, vocab_size=cfg.model.tiny_vocab_size, seed=cfg.seed)
    else:
        model_path = Path(cfg.model.path).resolve()
    tokenizer = load_tokenizer(model_path)
    # EffiCoder* (β = γ = 0) trains on every efficient solution's code, skeleton or not.
    needs_skeleton = cfg.weights[1] > 0 or cfg.weights[2] > 0
    examples, stats = build_examples(rows, tokenizer, cfg.data.max_length, needs_skeleton)
    if not examples:
        raise ValueError(
            f"no usable training examples in {cfg.data.path}: {stats.summary()}; {stats.reasons}"
        )
    return model_path, examples, stats, counts


def train(cfg: TrainConfig) -> TrainResult:
    """Train one run on the current Ray cluster (jobs/train.py connects or starts one).

    Rerunning with the same config resumes from the run's latest checkpoint.
    """
    import ray
    import ray.train

    # Resume and per-rank checkpoints use Ray Train V2's API, which only V2 exports.
    if not hasattr(ray.train, "get_all_reported_checkpoints"):
        raise RuntimeError(
            "the trainer needs Ray Train V2 (Ray's default); unset RAY_TRAIN_V2_ENABLED=0"
        )
    run_dir = Path(cfg.output_dir).resolve() / cfg.name
    model_path, examples, stats, counts = prepare(cfg)
    plan = make_plan(cfg, len(examples))
    print(
        f"[effiskel train] {cfg.name}: {stats.summary()}; {plan.total_steps} steps of "
        f"{plan.global_batch_size} on {plan.num_workers} workers, weights {cfg.weights}"
    )
    if cfg.scaling.use_gpu and ray.is_initialized() and ray.cluster_resources().get("GPU", 0) < 1:
        log.warning(
            "scaling.use_gpu is true but the Ray cluster has no GPU yet; "
            "set scaling.use_gpu=false to train on CPU"
        )
    run_dir.mkdir(parents=True, exist_ok=True)
    metrics_path = run_dir / "metrics.jsonl"
    data = {**counts, **{k: v for k, v in dataclasses.asdict(stats).items() if k != "reasons"}}
    _append_jsonl(
        metrics_path,
        {"event": "start", "time": time.time(), "plan": dataclasses.asdict(plan), "data": data,
         "config": to_dict(cfg)},
    )

    from ray.util.queue import Queue

    queue = Queue(actor_options={"num_cpus": 0})  # metrics from rank 0 to the driver
    progress = _Progress(queue, metrics_path, plan.total_steps)
    progress.start()
    try:
        result = fit(cfg, run_dir, {
            "cfg": to_dict(cfg),
            "plan": dataclasses.asdict(plan),
            "model_path": str(model_path),
            "run_dir": str(run_dir),
            "examples": ray.put(examples),
            "queue": queue,
        })
    finally:
        progress.stop()
        ray.kill(queue.actor)
    merged = run_dir / "merged"
    return TrainResult(
        run_dir=run_dir,
        adapter_dir=run_dir / "adapter",
        merged_dir=merged if cfg.save_merged else None,
        metrics_path=metrics_path,
        metrics=result.metrics or progress.last,
    )


def fit(cfg: TrainConfig, run_dir: Path, loop_config: dict, loop=None):
    """`TorchTrainer(loop).fit()` (`loop`: this module's `train_loop`, or dpo.py's), run in a
    zero-CPU task on this node whose runtime_env holds the training processes' environment:
    Ray Train's controller and workers inherit it.

    Ray Train V2's controller polls its workers every RAY_TRAIN_HEALTH_CHECK_INTERVAL_S
    (default 2 s) and each ray.train.report waits for a poll, ~1.8 s. The controller reads the
    interval from its own environment only, so it is set there, not in this process's (a
    value the user exported wins). Beside it: the driver's DeepSpeed op cache (an op is
    compiled once, ~60 s) and `scaling.env_vars`.
    """
    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    poll = "RAY_TRAIN_HEALTH_CHECK_INTERVAL_S"
    env = {poll: os.environ.get(poll, "0.1")}
    if os.environ.get("TORCH_EXTENSIONS_DIR"):
        env["TORCH_EXTENSIONS_DIR"] = os.environ["TORCH_EXTENSIONS_DIR"]
    env.update({k: str(v) for k, v in cfg.scaling.env_vars.items()})
    here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=False)
    task = ray.remote(num_cpus=0, max_retries=0)(_run_trainer).options(
        runtime_env={"env_vars": env}, scheduling_strategy=here
    )
    ref = task.remote(loop or train_loop, cfg.scaling, run_dir, cfg.keep_checkpoints, loop_config)
    try:
        return ray.get(ref)
    except ray.exceptions.RayTaskError as e:  # fit()'s own error (TrainingFailedError), as if
        raise (e.cause or e) from e  # fit() had been called here
    except KeyboardInterrupt:  # the controller and workers die with the task that owns them
        ray.cancel(ref, force=True)
        raise


def _run_trainer(loop, scaling, run_dir: Path, keep_checkpoints: int, loop_config: dict):
    from ray.train import CheckpointConfig, FailureConfig, RunConfig, ScalingConfig
    from ray.train.torch import TorchTrainer

    return TorchTrainer(
        loop,
        train_loop_config=loop_config,
        scaling_config=ScalingConfig(
            num_workers=scaling.num_workers,
            use_gpu=scaling.use_gpu,
            resources_per_worker={
                "CPU": scaling.cpus_per_worker, **({"GPU": 1} if scaling.use_gpu else {})
            },
        ),
        run_config=RunConfig(
            name="checkpoints",
            storage_path=str(run_dir),
            checkpoint_config=CheckpointConfig(num_to_keep=keep_checkpoints),
            failure_config=FailureConfig(max_failures=0),
        ),
    ).fit()


class _Progress:
    """Driver thread: metrics from rank 0 (a Ray queue) → metrics.jsonl and a progress bar."""

    def __init__(self, queue, path: Path, total: int):
        self.queue, self.path, self.total = queue, path, total
        self.last: dict = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()

    def _run(self):
        from queue import Empty

        from tqdm import tqdm

        bar = tqdm(total=self.total, desc="train", unit="step", dynamic_ncols=True)
        while True:
            try:
                m = self.queue.get(timeout=0.2)
            except Empty:
                if self._stop.is_set():
                    break
                continue
            except Exception:  # the queue actor is gone: nothing more will come
                break
            _append_jsonl(self.path, m)
            bar.n = m["step"]
            if "event" in m:  # begin / resume at m["step"]
                bar.refresh()
                continue
            self.last = m
            mfu = {} if m["mfu"] is None else {"mfu": f"{m['mfu']:.1%}"}
            bar.set_postfix(
                loss=f"{m['loss']:.4f}", tok_s=f"{m['tokens_per_s']:.0f}", **mfu, refresh=False
            )
            bar.refresh()
        bar.close()


def _append_jsonl(path: Path, record: dict) -> None:
    with open(path, "a") as f:
        f.write(json.dumps(record) + "\n")


# ---------------------------------------------------------------------------------------
# Worker
# ---------------------------------------------------------------------------------------


@dataclass
class Worker:
    """What one rank works with, fixed before its first step."""

    cfg: TrainConfig
    plan: Plan
    run_dir: Path
    model_path: str
    rank: int
    world: int
    device: torch.device
    dtype: torch.dtype
    examples: list[Example]
    lengths: np.ndarray
    """Each example's row length in this run's layout: a step's examples are sorted by it."""
    with_skeleton: bool
    """β > 0; with β = 0 (EffiCoder*) no skeleton sequence is run at all."""
    weights: torch.Tensor
    queue: object | None
    """Rank 0's channel to the driver's progress thread (metrics.jsonl); None on the others."""
    peak_flops: float | None
    """Peak FLOP/s of this rank's device for MFU (`scaling.peak_flops_per_device` or known)."""
    ds_config: dict
    hf_ds_config: object | None
    """ZeRO-3 only: transformers loads (and saves) weights sharded while this object lives."""


def train_loop(config: dict) -> None:
    """One Ray Train worker (data-parallel rank)."""
    w = setup_worker(config)
    engine, lm, scheduler = build_engine(w)
    start = resume(engine, w)
    if w.queue is not None:
        w.queue.put({"event": "resume" if start else "begin", "step": start, "time": time.time()})
    flops = ModelFlops.of(engine.module.base())
    cfg, plan = w.cfg, w.plan
    engine.train()
    for step in range(start, plan.total_steps):
        t0 = time.perf_counter()
        lr = scheduler.get_last_lr()[0]
        batches = step_batches(w, step)
        sums, counts = train_step(engine, batches, w)
        done = step + 1
        checkpoint = done % cfg.checkpoint_every == 0 or done == plan.total_steps
        if done % cfg.log_every == 0 or checkpoint:
            tokens = sum(b.num_tokens for b in batches)
            rank_stats = torch.cat([sums, sums.new_tensor([tokens, flops.step(batches)])])
            metrics = log_step(w, engine, step, lr, rank_stats, counts, t0)
            report(engine, metrics, w, checkpoint)
        _test_crash(done)
    save(engine, lm, w)


def setup_worker(config: dict) -> Worker:
    """Join the process group, read the config, fetch the examples."""
    import deepspeed
    import ray
    import ray.train
    import ray.train.torch

    deepspeed.utils.logger.setLevel(logging.WARNING)
    deepspeed.init_distributed()  # adopts Ray Train's process group (gloo on CPU, nccl on GPU)
    cfg: TrainConfig = from_dict(TrainConfig, config["cfg"])
    ctx = ray.train.get_context()
    rank = ctx.get_world_rank()
    device = ray.train.torch.get_device()
    examples: list[Example] = ray.get(config["examples"])
    with_skeleton = cfg.weights[1] > 0
    use_bf16 = cfg.model.dtype == "bfloat16" or (cfg.model.dtype == "auto" and device.type == "cuda")
    dtype = torch.bfloat16 if use_bf16 else torch.float32
    peak = cfg.scaling.peak_flops_per_device or device_peak_flops(device, dtype)
    if peak is None and device.type == "cuda" and rank == 0:
        log.warning("no known peak FLOP/s for %s in %s: MFU is not logged; set "
                    "scaling.peak_flops_per_device", torch.cuda.get_device_name(device), dtype)
    plan = Plan(**config["plan"])
    ds_config = deepspeed_config(cfg, plan, bf16=use_bf16, use_gpu=device.type == "cuda")
    hf_ds_config = None
    if cfg.deepspeed.zero_stage == 3:
        from transformers.integrations import HfDeepSpeedConfig

        hf_ds_config = HfDeepSpeedConfig(ds_config)
    return Worker(
        cfg=cfg,
        plan=plan,
        run_dir=Path(config["run_dir"]),
        model_path=config["model_path"],
        rank=rank,
        world=ctx.get_world_size(),
        device=device,
        dtype=dtype,
        examples=examples,
        lengths=np.array([ex.row_length(cfg.data.layout, with_skeleton) for ex in examples]),
        with_skeleton=with_skeleton,
        weights=torch.tensor(cfg.weights, dtype=torch.float32, device=device),
        queue=config["queue"] if rank == 0 else None,
        peak_flops=peak,
        ds_config=ds_config,
        hf_ds_config=hf_ds_config,
    )


def build_engine(w: Worker):
    """(DeepSpeed engine, the peft model, the LR scheduler): base model + LoRA under ZeRO,
    with a torch AdamW. Same seed on every rank: identical LoRA init."""
    import deepspeed

    cfg = w.cfg
    _seed_everything(cfg.seed)
    lm = load_model(w.model_path, w.dtype, cfg.model.attn_implementation)
    if cfg.model.gradient_checkpointing:
        lm.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        lm.enable_input_require_grads()
    lm = add_lora(lm, cfg.lora.rank, cfg.lora.alpha, cfg.lora.dropout, cfg.lora.target_modules)
    model = TargetLogits(lm)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        params,
        lr=cfg.optim.lr,
        betas=tuple(cfg.optim.betas),
        weight_decay=cfg.optim.weight_decay,
        fused=w.device.type == "cuda",
    )
    schedule = functools.partial(
        lr_factor,
        warmup=w.plan.warmup_steps,
        total=w.plan.schedule_steps,
        schedule=cfg.optim.schedule,
        min_ratio=cfg.optim.min_lr_ratio,
    )
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    engine, _, _, _ = deepspeed.initialize(
        model=model, optimizer=optimizer, lr_scheduler=scheduler, model_parameters=params,
        config=w.ds_config,
    )
    return engine, lm, scheduler


def resume(engine, w: Worker) -> int:
    """The step to start from: that of Ray Train's latest checkpoint, whose weights, optimizer
    and scheduler (DeepSpeed's files) and this rank's RNG state (ours) are restored; else 0."""
    import ray.train

    checkpoint = ray.train.get_checkpoint()
    if not checkpoint:
        _seed_everything(w.cfg.seed + 1 + w.rank)  # own dropout stream per rank
        return 0
    with checkpoint.as_directory() as d:
        state = json.loads((Path(d) / "trainer_state.json").read_text())
        if state["num_workers"] != w.world:
            raise RuntimeError(
                f"the checkpoint in {w.run_dir} was written by {state['num_workers']} workers, "
                f"this run has {w.world}: set scaling.num_workers={state['num_workers']}, "
                "or give a new run_name"
            )
        engine.load_checkpoint(str(Path(d) / "deepspeed"), tag=state["tag"], load_module_strict=False)
        _set_rng_state(torch.load(Path(d) / f"rng_rank{w.rank}.pt", weights_only=False))
    return state["step"]


def step_batches(w: Worker, step: int) -> list[Batch]:
    """This rank's micro-batches of optimizer step `step`, on the CPU."""
    pad_to = pad_multiple(w.device)
    # pad_id 0: padding is masked out of attention and loss, any valid id does.
    return [
        collate([w.examples[i] for i in idx], w.cfg.data.layout, w.with_skeleton, 0, pad_to)
        for idx in step_micro_batches(w.lengths, step, w.plan, w.cfg.seed, w.rank)
    ]


def train_step(engine, batches: list[Batch], w: Worker) -> tuple[torch.Tensor, torch.Tensor]:
    """One optimizer step over this rank's micro-batches: (its NLL sums, the global counts)."""
    import torch.distributed as dist

    # Each term is normalised by its token count over the whole global batch:
    # count this rank's tokens for the step, sum over ranks, before any forward.
    counts = sum(losses.token_counts(b.is_code, b.is_skel, b.is_mask) for b in batches)
    counts = counts.to(w.device)
    dist.all_reduce(counts)
    sums = torch.zeros(3, device=w.device, dtype=torch.float64)
    for b in batches:
        loss, mb_sums = micro_step(engine, b.to(w.device), counts, w.weights)
        # DeepSpeed averages gradients over ranks; ×world undoes it, since the loss is
        # already a global mean. scale_wrt_gas=False: the counts already cover accumulation.
        engine.backward(loss * w.world, scale_wrt_gas=False)
        engine.step()
        sums += mb_sums.detach().double()
    return sums, counts


def log_step(
    w: Worker, engine, step: int, lr: float, stats: torch.Tensor, counts: torch.Tensor, t0: float
) -> dict:
    """The metrics of optimizer step `step` (0-based), begun at `t0`. `stats`: this rank's
    code, skeleton and mask NLL sums, input tokens and model FLOPs, summed here over ranks."""
    import torch.distributed as dist

    dist.all_reduce(stats)
    total, terms = losses.combine(stats[:3], counts, w.weights.double())
    step_time = time.perf_counter() - t0
    grad_norm = engine.get_global_grad_norm()
    # Terms that were not computed (no skeleton sequence when β = 0) are not logged.
    run = [i for i, name in enumerate(losses.TERMS) if w.with_skeleton or name != "skeleton"]
    flops = stats[4].item()
    return {
        "step": step + 1,
        "epoch": step // w.plan.steps_per_epoch,
        "loss": total.item(),
        **{f"loss_{losses.TERMS[i]}": terms[i].item() for i in run},
        **{f"tokens_{losses.TERMS[i]}": int(counts[i].item()) for i in run},
        "lr": lr,
        "grad_norm": float(grad_norm) if grad_norm is not None else None,
        "tokens_per_s": stats[3].item() / step_time,
        "step_time_s": step_time,
        "model_flops": flops,
        "mfu": mfu(flops, step_time, None if w.peak_flops is None else w.peak_flops * w.world),
    }


def report(engine, metrics: dict, w: Worker, checkpoint: bool) -> None:
    """Metrics to the driver's log and to Ray Train, with a checkpoint if asked."""
    import ray.train

    if w.queue is not None:
        w.queue.put(metrics)
    if checkpoint:
        _report_checkpoint(engine, metrics, w.run_dir, w.rank, w.world)
    else:
        ray.train.report(metrics)


# Testing aid, read here only: tests/training/test_trainer.py sets it (in scaling.env_vars) to
# kill a run as a killed job dies, right after that step and any checkpoint reported with it.
TEST_CRASH_AFTER_STEP = "EFFISKEL_TEST_CRASH_AFTER_STEP"


def _test_crash(done: int) -> None:
    if os.environ.get(TEST_CRASH_AFTER_STEP) == str(done):
        import ray.train

        ray.train.get_all_reported_checkpoints()  # returns once they are registered
        os._exit(1)


def save(engine, lm, w: Worker) -> None:
    """The adapter (and the merged model if asked); then the staging files go."""
    import torch.distributed as dist

    _save_adapter(engine, lm, w.run_dir / "adapter", w.model_path, w.rank, w.cfg.deepspeed.zero_stage)
    if w.cfg.save_merged and w.rank == 0:
        from transformers.integrations import unset_hf_deepspeed_config

        # A whole-model load on one rank: ZeRO-3's sharded loading (collective) must be off.
        unset_hf_deepspeed_config()
        merge_adapter(w.model_path, w.run_dir / "adapter", w.run_dir / "merged")
    dist.barrier()
    if w.rank == 0:
        shutil.rmtree(w.run_dir / "staging", ignore_errors=True)


def micro_step(model, b: Batch, global_counts: torch.Tensor, weights: torch.Tensor):
    """Forward one micro-batch: (its share of the global L_total, its raw NLL sums)."""
    sums = micro_sums(model, b)
    loss, _ = losses.combine(sums, global_counts, weights)
    return loss, sums


def micro_sums(model, b: Batch) -> torch.Tensor:
    """The raw NLL sums (code, skeleton, mask) of one micro-batch.

    One forward pass gives L_code and L_mask (and L_skeleton, whose positions sit in the
    same rows or beside them); logits are computed only where a target is predicted."""
    sel = b.labels != IGNORE
    logits = model(b.input_ids, b.position_ids, sel, b.lengths, b.branch, b.prefix)
    return losses.nll_sums(logits, b.labels[sel], b.is_code[sel], b.is_skel[sel], b.is_mask[sel])


def _report_checkpoint(engine, metrics: dict, run_dir: Path, rank: int, world: int) -> None:
    """Every rank writes its DeepSpeed shard and RNG state to a local directory and reports
    it; Ray Train merges the ranks' files into one checkpoint directory on storage."""
    import ray.train

    step = metrics["step"]
    staging = run_dir / "staging"
    staging.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=staging, prefix=f"rank{rank}-") as tmp:
        tag = f"step_{step}"
        # Frozen base weights are not saved: they are the base model on disk.
        engine.save_checkpoint(
            str(Path(tmp) / "deepspeed"), tag=tag, save_latest=False, exclude_frozen_parameters=True
        )
        torch.save(_rng_state(), Path(tmp) / f"rng_rank{rank}.pt")
        if rank == 0:
            state = {"step": step, "tag": tag, "num_workers": world, "metrics": metrics}
            (Path(tmp) / "trainer_state.json").write_text(json.dumps(state))
        ray.train.report(
            metrics,
            checkpoint=ray.train.Checkpoint.from_directory(tmp),
            checkpoint_dir_name=f"checkpoint_{step:08d}",
        )


def _save_adapter(engine, lm, out: Path, model_path: str, rank: int, zero_stage: int) -> None:
    """The LoRA adapter in PEFT format, and the tokenizer beside it (PeftModel.from_pretrained)."""
    import deepspeed

    params = [p for p in engine.module.parameters() if p.requires_grad]
    # Under ZeRO-3 every rank holds a shard; gathering is collective.
    with deepspeed.zero.GatheredParameters(params, enabled=zero_stage == 3):
        if rank == 0:
            lm.save_pretrained(out)
            load_tokenizer(model_path).save_pretrained(out)


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _rng_state() -> dict:
    state = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state()
    return state


def _set_rng_state(state: dict) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state(state["cuda"])
