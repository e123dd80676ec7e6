"""The preference baselines, CodeDPO* and SkelDPO, on TRL's DPOTrainer in Ray Train + DeepSpeed.

CodeDPO* (§4.3) is TRL's `DPOTrainer` as it is: sigmoid DPO loss, β = 0.2, LoRA, in
stages (`dpo.stages`): correctness pairs, then efficiency pairs starting from the first
stage's adapter, `dpo.stage_steps` optimizer steps each. SkelDPO (`SkelDPOTrainer`, the
SkelDPO abstract) trains on the efficiency pairs with their skeleton pairs:

    L = L_DPO(code pair) + λ · L_DPO(skeleton pair)

both parts by TRL's own loss code (the prompt of the skeleton pair is
`format_skeleton_prompt`), their rewards, margins and accuracies logged as `code/…` and
`skel/…`.

The reference is the base model with the adapter disabled, in every stage. Each stage
gives TRL a fresh `peft_config`, so TRL takes the reference by disabling the adapter,
and the previous stage's adapter weights are then loaded into the new adapter. (Given
the stage-1 PeftModel instead, TRL would copy that adapter as the reference; the
authors' SkelDPO script compares the policy with itself, so its margin is always zero.)

Running: `effiskel train --config … --method codedpo|skeldpo` (jobs/train.py) calls
`train(cfg)`, which reads the pairs table on the driver, builds the `tiny` model if
asked, and runs `train_loop` in a Ray Train `TorchTrainer` with Stage 3's ScalingConfig.
Each worker drives TRL's trainer, whose DeepSpeed integration (transformers +
accelerate, `DPOConfig(deepspeed=…)`) wraps the model in ZeRO-2 (or 3) with a torch
AdamW (no DeepSpeed optimizer section: FusedAdam would compile). `RayReport` turns the
trainer's logs into Ray Train reports and metrics.jsonl lines, and each checkpoint the
trainer saves (every `checkpoint_every` steps and at each stage's end) into a Ray Train
checkpoint: every rank writes its own HF checkpoint folder (its DeepSpeed shard and RNG
state; rank 0 also the adapter, scheduler and trainer state) and reports it, and Ray
merges them. Rerunning the command resumes from the latest one: finished stages are
skipped and the stage it belongs to continues through TRL's resume_from_checkpoint.

Run layout, `<output_dir>/<run_name>/` as Stage 3's: `adapter/` (PEFT, tokenizer beside
it), `stages/<stage>/adapter/`, `checkpoints/` (Ray Train storage), `metrics.jsonl`,
`merged/` (optional).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import torch

from effiskel.config import from_dict, to_dict
from effiskel.pairs import EFFICIENCY
from effiskel.training.config import TrainConfig
from effiskel.training.models import (
    TINY,
    check_model_dir,
    load_model,
    load_tokenizer,
    lora_config,
    merge_adapter,
    tiny_model,
)
from effiskel.training.prompts import format_prompt, format_skeleton_prompt
from effiskel.training.trainer import (
    TEST_CRASH_AFTER_STEP,
    TrainResult,
    deepspeed_config,
    fit,
    make_plan,
)

log = logging.getLogger(__name__)

PARTS = ("code", "skel")  # SkelDPO's loss parts, the prefixes of their metrics
SKEL = "skel_"  # prefix of the skeleton pair's columns and tensors
_TEXT = ("prompt", "chosen", "rejected")
_IDS = ("prompt_ids", "chosen_ids", "rejected_ids")
_PAIR_COLUMNS = ["task_id", "stage", "prompt", "chosen_id", "chosen", "rejected_id", "rejected",
                 "chosen_skeleton", "rejected_skeleton", "skeleton_status", "status"]


# ---------------------------------------------------------------------------------------
# Data: pairs rows → TRL's preference examples
# ---------------------------------------------------------------------------------------


def read_pairs(path: str | Path) -> list[dict]:
    """The rows of the PAIRS table at `path`; FileNotFoundError / ValueError say what to fix."""
    import pyarrow.dataset as ds

    if not str(path) or not Path(path).is_dir():
        raise FileNotFoundError(
            f"data.pairs_path {str(path)!r} is not a directory; point it at the pairs stage's "
            "output (`effiskel pairs --out OUT` writes OUT/pairs)"
        )
    shards = sorted(Path(path).glob("*.parquet"))  # finished shards only, not *.tmp-*
    if not shards:
        raise ValueError(f"{path} holds no Parquet shards (*.parquet); run `effiskel pairs` first")
    dataset = ds.dataset([str(s) for s in shards], format="parquet")
    missing = [c for c in _PAIR_COLUMNS if c not in dataset.schema.names]
    if missing:
        raise ValueError(f"{path} is not a PAIRS table: columns {missing} are missing (see "
                         f"effiskel/schema.py; found {dataset.schema.names})")
    return dataset.to_table(columns=_PAIR_COLUMNS).to_pylist()


def stage_examples(rows: list[dict], stage: str, with_skeleton: bool) -> tuple[list[dict], Counter]:
    """TRL's preference examples of `stage` from PAIRS rows, and why the others were left out.

    An example is {prompt, chosen, rejected}: `format_prompt(N)` and the two programs; with
    `with_skeleton` also {skel_prompt, skel_chosen, skel_rejected}: `format_skeleton_prompt(N)`
    and the two skeletons, and a pair without its skeleton pair is left out.
    """
    examples, left_out = [], Counter()
    for r in rows:
        if r["stage"] != stage:
            continue
        if r["status"] != "ok":
            left_out["task without a pair"] += 1
        elif not isinstance(r["prompt"], str) or r["chosen"] is None or r["rejected"] is None:
            left_out["pair without prompt or code"] += 1
        elif with_skeleton and r["skeleton_status"] != "ok":
            left_out["pair without skeleton pair"] += 1
        else:
            ex = {"prompt": format_prompt(r["prompt"]), "chosen": r["chosen"],
                  "rejected": r["rejected"]}
            if with_skeleton:
                ex |= {f"{SKEL}prompt": format_skeleton_prompt(r["prompt"]),
                       f"{SKEL}chosen": r["chosen_skeleton"],
                       f"{SKEL}rejected": r["rejected_skeleton"]}
            examples.append(ex)
    return examples, left_out


def trains_skeleton(method: str, stage: str) -> bool:
    """Whether a stage trains SkelDPO's skeleton term: SkelDPO's efficiency stage only."""
    return method == "skeldpo" and stage == EFFICIENCY


# ---------------------------------------------------------------------------------------
# SkelDPO
# ---------------------------------------------------------------------------------------


def _dpo_trainer_class():
    from trl import DPOTrainer

    return DPOTrainer


@dataclass
class SkeletonPairCollator:
    """Pads the code pair and the skeleton pair of each example with TRL's own collator:
    the code pair's tensors under their usual names, the skeleton pair's with `skel_`."""

    collate: object  # trl's DataCollatorForPreference

    def __call__(self, examples: list[dict]) -> dict:
        out = self.collate([{k: ex[k] for k in _IDS} for ex in examples])
        skel = self.collate([{k: ex[SKEL + k] for k in _IDS} for ex in examples])
        return {**out, **{SKEL + k: v for k, v in skel.items()}}


@functools.cache
def skeldpo_trainer_class():
    """`SkelDPOTrainer` (also `dpo.SkelDPOTrainer`), defined on first use: TRL is imported
    inside the functions that use it, so the driver does not import it."""

    class SkelDPOTrainer(_dpo_trainer_class()):
        """TRL's DPOTrainer with SkelDPO's loss, L = L_DPO(code) + λ L_DPO(skeleton).

        Each part is TRL's `compute_loss` on that pair's tensors (same β, same reference:
        the base model with the adapter disabled); the metrics it logs are renamed
        `code/…` and `skel/…`, with each part's loss beside them."""

        def __init__(self, *args, lambda_skel: float = 1.0, **kwargs):
            self.lambda_skel = lambda_skel
            super().__init__(*args, **kwargs)
            self.data_collator = SkeletonPairCollator(self.data_collator)

        def _prepare_dataset(self, dataset, processing_class, args, dataset_name):
            # TRL tokenizes (and may drop) each pair of texts; run it on both views and keep
            # the examples that survive in both, aligned by their index.
            indexed = dataset.add_column("_pair", list(range(len(dataset))))
            code = super()._prepare_dataset(indexed.select_columns([*_TEXT, "_pair"]),
                                            processing_class, args, dataset_name)
            skel = indexed.select_columns([SKEL + k for k in _TEXT] + ["_pair"])
            skel = skel.rename_columns({SKEL + k: k for k in _TEXT})
            skel = super()._prepare_dataset(skel, processing_class, args, f"{dataset_name} skeleton")
            both = set(code["_pair"]) & set(skel["_pair"])
            code = code.filter(lambda p: p in both, input_columns="_pair")
            skel = skel.filter(lambda p: p in both, input_columns="_pair")
            for k in _IDS:
                code = code.add_column(SKEL + k, skel[k])
            return code

        def _set_signature_columns_if_needed(self):
            super()._set_signature_columns_if_needed()
            self._signature_columns = [*self._signature_columns, *(SKEL + k for k in _IDS)]

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            if return_outputs:
                raise ValueError("SkelDPOTrainer computes no outputs for compute_metrics")
            code = {k: v for k, v in inputs.items() if not k.startswith(SKEL)}
            skel = {k[len(SKEL):]: v for k, v in inputs.items() if k.startswith(SKEL)}
            code_loss = self._part("code", model, code)
            skel_loss = self._part("skel", model, skel)
            return code_loss + self.lambda_skel * skel_loss

        def _part(self, part: str, model, inputs) -> torch.Tensor:
            """TRL's DPO loss of one pair, its logged metrics moved under `part/`."""
            metrics = self._metrics["train" if self.model.training else "eval"]
            loss = super().compute_loss(model, inputs)
            for key in [k for k in metrics if "/" not in k or k.split("/")[0] not in PARTS]:
                if key != "num_tokens":  # TRL's running total of tokens over both parts
                    metrics[f"{part}/{key}"].extend(metrics.pop(key))
            metrics[f"{part}/loss"].append(self.accelerator.gather(loss.detach()).mean().item())
            return loss

    return SkelDPOTrainer


# ---------------------------------------------------------------------------------------
# One stage's trainer (also used in-process, without Ray or DeepSpeed, by the tests)
# ---------------------------------------------------------------------------------------


def dpo_args(cfg: TrainConfig, output_dir: str | Path, bf16: bool,
             ds_config: dict | None = None, **overrides):
    """TRL's DPOConfig of one stage. Built before the model is loaded: with ZeRO-3 it is what
    makes transformers load the weights sharded."""
    from trl import DPOConfig

    o = cfg.optim
    workers = cfg.scaling.num_workers
    schedule = {"cosine": "cosine", "linear": "linear", "constant": "constant_with_warmup"}
    kwargs = {}
    if o.min_lr_ratio:
        if o.schedule != "cosine":
            raise ValueError(f"optim.min_lr_ratio > 0 needs optim.schedule=cosine, not {o.schedule}")
        schedule["cosine"] = "cosine_with_min_lr"
        kwargs["lr_scheduler_kwargs"] = {"min_lr_rate": o.min_lr_ratio}
    steps = cfg.steps_per_stage
    args = dict(
        output_dir=str(output_dir),
        beta=cfg.dpo.beta,
        loss_type=["sigmoid"],
        max_length=cfg.data.max_length,
        learning_rate=o.lr,  # TRL's default, 1e-6, is for full fine-tuning; LoRA takes more
        adam_beta1=o.betas[0],
        adam_beta2=o.betas[1],
        weight_decay=o.weight_decay,
        max_grad_norm=o.grad_clip,
        lr_scheduler_type=schedule[o.schedule],
        warmup_steps=round(o.warmup_ratio * steps),
        per_device_train_batch_size=o.micro_batch_size,
        gradient_accumulation_steps=o.global_batch_size // (o.micro_batch_size * workers),
        max_steps=steps,
        dataloader_drop_last=True,  # every step a full global batch of pairs
        bf16=bf16,  # TRL's default is bf16 on: not on CPU
        gradient_checkpointing=cfg.model.gradient_checkpointing,  # TRL's default is on
        logging_steps=cfg.log_every,
        save_strategy="steps",
        save_steps=cfg.checkpoint_every,
        report_to=[],
        seed=cfg.seed,
        deepspeed=ds_config,
        disable_tqdm=True,
        **kwargs,
    )
    return DPOConfig(**{**args, **overrides})


def build_trainer(cfg: TrainConfig, stage: str, examples: list[dict], model_path: str | Path,
                  args, init_adapter: str | Path | None = None, model=None):
    """The trainer of one stage: DPOTrainer, or SkelDPOTrainer for SkelDPO's efficiency stage,
    on a fresh LoRA adapter of the base model, holding `init_adapter`'s weights if given.

    `model_path` holds the tokenizer, and the base model unless `model` (a causal LM, which
    the adapter then wraps in place) is given."""
    from datasets import Dataset

    tokenizer = load_tokenizer(model_path)
    if model is None:
        dtype = torch.bfloat16 if args.bf16 else torch.float32
        model = load_model(model_path, dtype, cfg.model.attn_implementation)
    lora = cfg.lora
    kwargs = dict(
        model=model,
        args=args,
        train_dataset=Dataset.from_list(examples),
        processing_class=tokenizer,
        peft_config=lora_config(lora.rank, lora.alpha, lora.dropout, lora.target_modules),
    )
    if trains_skeleton(cfg.method, stage):
        trainer = skeldpo_trainer_class()(lambda_skel=cfg.dpo.lambda_skel, **kwargs)
    else:
        trainer = _dpo_trainer_class()(**kwargs)
    from transformers import PrinterCallback

    trainer.remove_callback(PrinterCallback)  # every rank would print every log; see RayReport
    if init_adapter is not None:
        load_adapter_weights(trainer.model, init_adapter)
    return trainer


def load_adapter_weights(model, adapter_dir: str | Path) -> None:
    """Load a saved LoRA adapter's weights into `model`'s (fresh) default adapter, before
    DeepSpeed wraps it. Every weight must find its place."""
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    path = Path(adapter_dir) / "adapter_model.safetensors"
    if not path.is_file():
        raise FileNotFoundError(f"{adapter_dir} holds no adapter_model.safetensors: the previous "
                                "stage's adapter is missing; rerun with a new run_name")
    result = set_peft_model_state_dict(model, load_file(path))
    unexpected = getattr(result, "unexpected_keys", [])
    if unexpected:
        raise ValueError(f"adapter {adapter_dir} does not fit this model's LoRA config: "
                         f"{unexpected[:3]} …; give the same lora section as its run")


# ---------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------


def preflight(cfg: TrainConfig) -> None:
    """Cheap checks of the pairs and model paths, to run before Ray starts."""
    if not cfg.data.pairs_path or not Path(cfg.data.pairs_path).is_dir():
        read_pairs(cfg.data.pairs_path)  # raises, saying what it should be
    if cfg.model.path != TINY:
        check_model_dir(cfg.model.path)


@dataclass
class Prepared:
    model_path: Path
    examples: dict[str, list[dict]]
    """Each stage's examples."""
    left_out: dict[str, dict[str, int]]
    """Each stage's pairs rows left out, by why."""


def prepare(cfg: TrainConfig) -> Prepared:
    """Driver-side preparation before Ray starts: the model directory (the `tiny` one built
    from every pair's texts, so CodeDPO* and SkelDPO start from one model) and each stage's
    examples. Raises with an actionable message on a bad path or a stage without pairs."""
    if cfg.model.path != TINY:
        check_model_dir(cfg.model.path)
    rows = read_pairs(cfg.data.pairs_path)
    examples, left_out = {}, {}
    for stage in cfg.stages:
        examples[stage], why = stage_examples(rows, stage, trains_skeleton(cfg.method, stage))
        left_out[stage] = dict(why)
        if not examples[stage]:
            raise ValueError(f"{cfg.data.pairs_path} holds no usable {stage} pairs (left out: "
                             f"{dict(why)}); check `effiskel pairs`' summary")
        make_plan(cfg, len(examples[stage]))  # checks the batch sizes against the pairs
    if cfg.model.path == TINY:
        texts = [format_prompt(r["prompt"]) + code for r in rows if isinstance(r["prompt"], str)
                 for code in (r["chosen"], r["rejected"]) if code is not None]
        texts += [format_skeleton_prompt(r["prompt"]) + s for r in rows
                  if r["skeleton_status"] == "ok"
                  for s in (r["chosen_skeleton"], r["rejected_skeleton"])]
        model_path = tiny_model(texts, cfg.output_dir, cfg.model.tiny_vocab_size, cfg.seed)
    else:
        model_path = Path(cfg.model.path).resolve()
    return Prepared(model_path, examples, left_out)


def train(cfg: TrainConfig) -> TrainResult:
    """Train one CodeDPO* or SkelDPO run on the current Ray cluster; rerunning the same config
    resumes it from its latest checkpoint."""
    import ray

    run_dir = Path(cfg.output_dir).resolve() / cfg.name
    prep = prepare(cfg)
    sizes = {s: len(e) for s, e in prep.examples.items()}
    print(f"[effiskel train] {cfg.name}: {cfg.method}, stages {sizes} pairs, "
          f"{cfg.steps_per_stage} steps each of {cfg.optim.global_batch_size} pairs on "
          f"{cfg.scaling.num_workers} workers")
    run_dir.mkdir(parents=True, exist_ok=True)
    metrics_path = run_dir / "metrics.jsonl"
    _append_jsonl(metrics_path, {"event": "start", "time": time.time(), "pairs": sizes,
                                 "left_out": prep.left_out, "model_path": str(prep.model_path),
                                 "config": to_dict(cfg)})
    result = fit(cfg, run_dir, {  # Stage 3's launcher, with this module's loop
        "cfg": to_dict(cfg),
        "model_path": str(prep.model_path),
        "run_dir": str(run_dir),
        "examples": ray.put(prep.examples),
    }, train_loop)
    return TrainResult(
        run_dir=run_dir,
        adapter_dir=run_dir / "adapter",
        merged_dir=run_dir / "merged" if cfg.save_merged else None,
        metrics_path=metrics_path,
        metrics=result.metrics or {},
    )


def _append_jsonl(path: Path, record: dict) -> None:
    with open(path, "a") as f:
        f.write(json.dumps(record) + "\n")


# ---------------------------------------------------------------------------------------
# Worker
# ---------------------------------------------------------------------------------------

STATE = "dpo_state.json"
_SHOWN = ("loss", "rewards/margins", "code/rewards/margins", "skel/rewards/margins")  # rank 0's part of a checkpoint: which stage and step it is


def train_loop(config: dict) -> None:
    """One Ray Train worker: each stage's trainer in turn, from where the checkpoint left off."""
    import ray
    import ray.train

    cfg: TrainConfig = from_dict(TrainConfig, config["cfg"])
    ctx = ray.train.get_context()
    rank, world = ctx.get_world_rank(), ctx.get_world_size()
    run_dir, model_path = Path(config["run_dir"]), config["model_path"]
    examples: dict[str, list[dict]] = ray.get(config["examples"])
    on_gpu = torch.cuda.is_available() and cfg.scaling.use_gpu
    bf16 = cfg.model.dtype == "bfloat16" or (cfg.model.dtype == "auto" and on_gpu)
    plan = make_plan(cfg, min(len(e) for e in examples.values()))
    ds_config = deepspeed_config(cfg, plan, bf16=bf16, use_gpu=on_gpu)
    if cfg.deepspeed.zero_stage == 3:  # the adapter is saved whole, from every rank's shard
        ds_config["zero_optimization"]["stage3_gather_16bit_weights_on_model_save"] = True
    staging = run_dir / "staging" / f"rank{rank}"
    resume = _restore(staging, world, run_dir)
    steps = cfg.steps_per_stage
    for k, stage in enumerate(cfg.stages):
        if resume and k < resume["stage_index"]:
            continue  # finished: its adapter is in stages/<stage>/adapter
        args = dpo_args(cfg, staging / stage, bf16, ds_config, **_accelerate_state(on_gpu))
        init = run_dir / "stages" / cfg.stages[k - 1] / "adapter" if k else None
        trainer = build_trainer(cfg, stage, examples[stage], model_path, args, init)
        report = ray_report_class()(run_dir, stage, k, offset=k * steps, rank=rank, world=world)
        trainer.add_callback(report)
        from_ckpt = resume["hf_dir"] if resume and k == resume["stage_index"] else None
        # TRL drops a pair whose prompt alone fills max_length: say how many it kept.
        report.event("resume" if from_ckpt else "begin", resume["step"] if from_ckpt else 0,
                     pairs=len(examples[stage]), tokenized=len(trainer.train_dataset))
        trainer.train(resume_from_checkpoint=from_ckpt)
        trainer.save_model(str(run_dir / "stages" / stage / "adapter"))  # collective; rank 0 writes
    # The last stage's adapter is the run's (PEFT, with the tokenizer, as Stage 3's).
    trainer.save_model(str(run_dir / "adapter"))
    if cfg.save_merged and rank == 0:
        from transformers.integrations import unset_hf_deepspeed_config

        unset_hf_deepspeed_config()  # a whole-model load on one rank: no ZeRO-3 sharding
        merge_adapter(model_path, run_dir / "adapter", run_dir / "merged")
    trainer.accelerator.wait_for_everyone()
    if rank == 0:
        shutil.rmtree(run_dir / "staging", ignore_errors=True)


def _accelerate_state(on_gpu: bool) -> dict:
    """Set up accelerate's process state for one stage's trainer; returns the DPOConfig
    arguments that make the trainer use it.

    accelerate finds DeepSpeed's backend from the device (nccl on GPU, ...) and knows none
    on CPU: it would count one process and give each rank the whole global batch. So on
    CPU it is given Ray Train's gloo group explicitly. Each stage's trainer makes its own
    Accelerator, which accelerate allows only once its previous state is reset.
    """
    from accelerate.state import AcceleratorState, PartialState

    AcceleratorState._reset_state()
    if on_gpu:
        return {}
    previous = os.environ.get("ACCELERATE_USE_DEEPSPEED")
    os.environ["ACCELERATE_USE_DEEPSPEED"] = "true"  # what transformers sets for this, too
    try:
        PartialState(backend="gloo")
    finally:
        if previous is None:
            del os.environ["ACCELERATE_USE_DEEPSPEED"]
        else:
            os.environ["ACCELERATE_USE_DEEPSPEED"] = previous
    return {"accelerator_config": {"use_configured_state": True}}


def _restore(staging: Path, world: int, run_dir: Path) -> dict | None:
    """Ray Train's latest checkpoint copied to `staging`: {stage_index, step, hf_dir}, or None."""
    import ray.train

    checkpoint = ray.train.get_checkpoint()
    if not checkpoint:
        return None
    local = staging / "restored"
    shutil.rmtree(local, ignore_errors=True)
    checkpoint.to_directory(str(local))
    state = json.loads((local / STATE).read_text())
    if state["num_workers"] != world:
        raise RuntimeError(
            f"the checkpoint in {run_dir} was written by {state['num_workers']} workers, this "
            f"run has {world}: set scaling.num_workers={state['num_workers']}, or a new run_name")
    return {**state, "hf_dir": str(local)}


@functools.cache
def ray_report_class():
    """`RayReport` (also `dpo.RayReport`), a transformers TrainerCallback, defined on first use."""
    from transformers import TrainerCallback

    class RayReport(TrainerCallback):
        """The trainer's logs → Ray Train reports and (rank 0) metrics.jsonl; each checkpoint
        it saves → one Ray Train checkpoint of every rank's folder.

        `offset`: the steps of the stages before this one, so the run's steps count on.
        """

        def __init__(self, run_dir: Path, stage: str, stage_index: int, offset: int, rank: int,
                     world: int):
            self.run_dir, self.stage, self.stage_index = run_dir, stage, stage_index
            self.offset, self.rank, self.world = offset, rank, world
            self._t = self._tokens = None
            self.last: dict = {}  # the last step's metrics, reported again with a checkpoint

        def event(self, name: str, stage_step: int, **extra) -> None:
            if self.rank == 0:
                _append_jsonl(self.run_dir / "metrics.jsonl",
                              {"event": name, "stage": self.stage, "step": self.offset + stage_step,
                               "time": time.time(), **extra})

        def on_log(self, args, state, control, logs=None, **kwargs):
            import ray.train

            if "train_runtime" in (logs or {}):
                return  # the stage's closing summary, not a step's
            now, tokens = time.perf_counter(), (logs or {}).get("num_tokens")
            metrics = {"stage": self.stage, "step": self.offset + state.global_step,
                       "stage_step": state.global_step, **(logs or {})}
            if self._t is not None and tokens is not None:
                metrics["tokens_per_s"] = (tokens - self._tokens) / (now - self._t)
            self._t, self._tokens = now, tokens
            self.last = metrics
            if self.rank == 0:
                _append_jsonl(self.run_dir / "metrics.jsonl", metrics)
                shown = [f"{k} {metrics[k]:.4g}" for k in _SHOWN if k in metrics]
                print(f"[dpo] {self.stage} step {state.global_step}/{state.max_steps}: "
                      + ", ".join(shown), flush=True)
            ray.train.report(metrics)

        def on_save(self, args, state, control, **kwargs):
            import ray.train

            folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
            step = self.offset + state.global_step
            if self.rank == 0:
                (folder / STATE).write_text(json.dumps({
                    "stage_index": self.stage_index, "stage": self.stage,
                    "step": state.global_step, "num_workers": self.world}))
            ray.train.report({**self.last, "stage": self.stage, "step": step},
                             checkpoint=ray.train.Checkpoint.from_directory(str(folder)),
                             checkpoint_dir_name=f"checkpoint_{step:08d}")
            shutil.rmtree(folder, ignore_errors=True)  # uploaded: storage holds it now
            if os.environ.get(TEST_CRASH_AFTER_STEP) == str(step):
                ray.train.get_all_reported_checkpoints()  # returns once they are registered
                os._exit(1)

    return RayReport


def __getattr__(name: str):
    # The classes built on TRL and transformers are defined on first use (see above).
    if name == "SkelDPOTrainer":
        return skeldpo_trainer_class()
    if name == "RayReport":
        return ray_report_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
