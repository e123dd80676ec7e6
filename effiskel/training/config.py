"""`TrainConfig`: one training run: EffiSkel multi-task LoRA, or a baseline (EffiCoder*,
CodeDPO*, SkelDPO).

Defaults follow the paper (§4.4): LoRA, lr 2e-5, global batch 64, max length
1,600, 5 epochs, (α, β, γ) = (0.6, 0.2, 0.2); for the preference baselines (§4.3,
training/dpo.py) β = 0.2, 800 steps per stage, λ = 1.0. Build one from a command line with
`effiskel train --config configs/demo_train.yaml --optim.lr 1e-4`, or in code with
`effiskel.config.load(TrainConfig, "configs/demo_train.yaml", ["--optim.lr", "1e-4"])`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

METHOD_WEIGHTS = {
    # (α, β, γ) of L_total = α L_code + β L_skeleton + γ L_mask (PAPER_NOTES, Stage 3).
    "effiskel": (0.6, 0.2, 0.2),
    # EffiCoder*: plain SFT on the efficient code (§4.3).
    "efficoder": (1.0, 0.0, 0.0),
}
Stage = Literal["correctness", "efficiency"]
METHOD_STAGES: dict[str, tuple[Stage, ...]] = {
    # CodeDPO* (§4.4): first correct vs incorrect code, then efficient vs inefficient code.
    "codedpo": ("correctness", "efficiency"),
    # SkelDPO: the efficiency pairs, each with its skeleton pair.
    "skeldpo": ("efficiency",),
}


@dataclass
class ModelSection:
    path: str = "tiny"
    """`tiny` (a 2-layer, width-64 Llama built with a BPE tokenizer trained on the training
    data, saved under `<output_dir>/tiny_model-<hash>`) or a local Hugging Face causal-LM
    directory."""
    dtype: Literal["auto", "bfloat16", "float32"] = "auto"
    """Weights and compute dtype: `auto` = bfloat16 on GPU, float32 on CPU."""
    attn_implementation: str = "sdpa"
    """Attention kernel passed to `from_pretrained` (`sdpa`, `eager`). The shared-prefix layout
    needs a kernel that takes a 4D mask, so not `flash_attention_2`."""
    gradient_checkpointing: bool = False
    """Recompute activations in backward: less memory, ~30 % more time (7B at 1,600 tokens)."""
    tiny_vocab_size: int = 1024
    """Vocabulary of the BPE tokenizer the `tiny` preset trains."""


@dataclass
class LoraSection:
    rank: int = 16
    """LoRA rank r."""
    alpha: int = 32
    """LoRA scaling numerator (the update is scaled by alpha / rank)."""
    dropout: float = 0.05
    """Dropout on the LoRA input."""
    target_modules: list[str] = field(default_factory=lambda: ["all-linear"])
    """Module names to adapt (e.g. `q_proj,v_proj`); `all-linear` = every linear layer but the
    output head."""


@dataclass
class DataSection:
    path: str = ""
    """Directory of Parquet shards of the SKELETONS table (Stage 2 output, `OUT/skeletons`)."""
    pairs_path: str = ""
    """codedpo, skeldpo: directory of Parquet shards of the PAIRS table (`effiskel pairs`
    output, `OUT/pairs`)."""
    strategy: Literal["sms", "sss", "tas"] = "tas"
    """Skeleton strategy to train on; the paper's main results use `tas`."""
    max_length: int = 1600
    """Most tokens in one sequence (prompt + target), for the code and the skeleton sequence
    alike (a DPO pair: prompt + chosen, prompt + rejected). A longer target is truncated; an
    example whose prompt alone fills it is dropped."""
    layout: Literal["shared_prefix", "stacked"] = "shared_prefix"
    """How an example's skeleton sequence enters the micro-batch. `shared_prefix`: one row
    holding the task prompt once, then the code branch and the skeleton branch, with a tree
    attention mask (the prompt is run once). `stacked`: code rows and skeleton rows side by side.
    Both give the same losses; see benchmarks/train_step.py for the cost."""


@dataclass
class OptimSection:
    lr: float = 2e-5
    """Peak learning rate (AdamW)."""
    weight_decay: float = 0.0
    """AdamW weight decay on the LoRA weights."""
    betas: list[float] = field(default_factory=lambda: [0.9, 0.999])
    """AdamW betas."""
    warmup_ratio: float = 0.03
    """Fraction of all optimizer steps with linear warm-up from 0."""
    schedule: Literal["cosine", "linear", "constant"] = "cosine"
    """Decay after warm-up, down to `min_lr_ratio` * lr at the last step."""
    min_lr_ratio: float = 0.0
    """Final learning rate as a fraction of `lr`."""
    grad_clip: float = 1.0
    """Clip the global gradient norm to this (0 = no clipping)."""
    global_batch_size: int = 64
    """Examples per optimizer step over all workers and accumulation steps."""
    micro_batch_size: int = 4
    """Examples per forward pass on one worker; gradient accumulation makes up the rest."""
    epochs: int = 5
    """Passes over the training examples (codedpo and skeldpo run `dpo.stage_steps` steps
    per stage instead, cycling over their pairs)."""
    max_steps: int | None = None
    """Stop after this many optimizer steps (the schedule still spans all epochs unless
    `schedule_steps` is set); for smoke tests and benchmarks."""
    schedule_steps: int | None = None
    """Optimizer steps the learning-rate schedule spans; default: all steps of all epochs."""


@dataclass
class DeepSpeedSection:
    zero_stage: Literal[2, 3] = 2
    """ZeRO stage: 2 shards optimizer state and gradients; 3 also shards the weights (models
    that do not fit one device)."""
    overlap_comm: bool = True
    """Overlap gradient reduction with backward (GPU only; ignored on CPU)."""
    extra: dict = field(default_factory=dict)
    """Keys merged last into the generated DeepSpeed config (expert use, e.g. `zero_optimization`
    bucket sizes). The optimizer is always a torch AdamW passed in code."""


@dataclass
class ScalingSection:
    num_workers: int = 1
    """Ray Train workers (data-parallel ranks), one per GPU on GPU."""
    use_gpu: bool = True
    """One GPU per worker; false trains on CPU (gloo), in float32."""
    cpus_per_worker: int = 1
    """CPUs Ray reserves for each worker."""
    peak_flops_per_device: float | None = None
    """Peak FLOP/s of one worker's device, for the MFU logged at every step (e.g. 989e12 for
    an H100 SXM in bf16). Default: the dense bf16 peak of known GPUs (H100, H200, A100, B200,
    L4, L40S; see training/flops.py) when training in bf16; on CPU, in float32 or on another
    GPU there is none and MFU is logged as null."""
    env_vars: dict[str, str] = field(default_factory=dict)
    """Environment variables of the training processes (Ray Train's controller and workers),
    e.g. `NCCL_DEBUG: INFO`; given through their Ray runtime_env."""


@dataclass
class DPOSection:
    beta: float = 0.2
    """β of the DPO loss (both parts of SkelDPO's)."""
    lambda_skel: float = 1.0
    """SkelDPO: λ of L = L_DPO(code pair) + λ L_DPO(skeleton pair)."""
    stage_steps: int = 800
    """Optimizer steps of each stage (paper: 800); `optim.max_steps`, if set, caps it."""
    stages: list[Stage] | None = None
    """Stages in order, each on the pairs of that kind from the previous stage's adapter;
    default from `method` (codedpo: correctness, efficiency; skeldpo: efficiency). SkelDPO adds
    the skeleton term in the efficiency stage only (correctness pairs have no skeletons)."""


@dataclass
class TrainConfig:
    method: Literal["effiskel", "efficoder", "codedpo", "skeldpo"] = "effiskel"
    """`effiskel` = multi-task, (α, β, γ) = (0.6, 0.2, 0.2); `efficoder` = EffiCoder* SFT,
    (1, 0, 0); `codedpo` = CodeDPO*, TRL's DPO in two stages; `skeldpo` = SkelDPO, DPO on the
    code pair plus λ times DPO on its skeleton pair (both on `data.pairs_path`, see dpo)."""
    alpha: float | None = None
    """Weight of L_code; default from `method`."""
    beta: float | None = None
    """Weight of L_skeleton; default from `method`. With β = 0 no skeleton sequence is run."""
    gamma: float | None = None
    """Weight of L_mask; default from `method`."""
    output_dir: str = "out/train"
    """Where the run writes: `<output_dir>/<run_name>/` holds the adapter, metrics.jsonl and the
    Ray Train checkpoints. Must be on storage every worker can reach on a multi-node cluster."""
    run_name: str = ""
    """Name of the run; default `<method>-<strategy>`. Rerunning with the same name resumes from
    its latest checkpoint."""
    seed: int = 0
    """Seed of weights init, data order and dropout."""
    log_every: int = 10
    """Optimizer steps between metric reports (Ray Train, the JSONL log, the progress bar)."""
    checkpoint_every: int = 100
    """Optimizer steps between checkpoints (one is also written at the end)."""
    keep_checkpoints: int = 2
    """Checkpoints kept on storage (the newest ones)."""
    save_merged: bool = False
    """Also write the base model with the adapter merged in (`<run>/merged`)."""
    address: str | None = None
    """Ray cluster to join (e.g. `ray://head:10001`, `auto`); default: RAY_ADDRESS (which
    `ray job submit` sets), else an embedded local Ray."""
    model: ModelSection = field(default_factory=ModelSection)
    """The base model."""
    lora: LoraSection = field(default_factory=LoraSection)
    """LoRA adapter."""
    data: DataSection = field(default_factory=DataSection)
    """Training data."""
    optim: OptimSection = field(default_factory=OptimSection)
    """Optimizer, schedule and batch sizes."""
    deepspeed: DeepSpeedSection = field(default_factory=DeepSpeedSection)
    """DeepSpeed ZeRO."""
    scaling: ScalingSection = field(default_factory=ScalingSection)
    """Ray Train workers."""
    dpo: DPOSection = field(default_factory=DPOSection)
    """codedpo, skeldpo: β, λ and the stages."""

    def __post_init__(self) -> None:
        if self.method in METHOD_STAGES:
            self._check_dpo()
            return
        if self.method not in METHOD_WEIGHTS:
            raise ValueError(f"method {self.method!r} is not one of {sorted(METHOD_WEIGHTS)}")
        for name, value in zip(("alpha", "beta", "gamma"), (self.alpha, self.beta, self.gamma)):
            if value is not None and value < 0:
                raise ValueError(f"{name} = {value} is negative; loss weights must be >= 0")
        if sum(self.weights) <= 0:
            raise ValueError("alpha + beta + gamma is 0: nothing to train; set a positive weight")

    def _check_dpo(self) -> None:
        d = self.dpo
        if d.stages is not None and not d.stages:
            raise ValueError("dpo.stages is empty: give correctness and/or efficiency, or null")
        if d.beta <= 0:
            raise ValueError(f"dpo.beta must be positive, got {d.beta}")
        if d.lambda_skel < 0:
            raise ValueError(f"dpo.lambda_skel must be >= 0, got {d.lambda_skel}")
        if d.stage_steps < 1:
            raise ValueError(f"dpo.stage_steps must be at least 1, got {d.stage_steps}")

    @property
    def stages(self) -> tuple[Stage, ...]:
        """codedpo, skeldpo: the stages in order (`dpo.stages`, or the method's)."""
        return tuple(self.dpo.stages) if self.dpo.stages is not None else METHOD_STAGES[self.method]

    @property
    def steps_per_stage(self) -> int:
        """codedpo, skeldpo: `dpo.stage_steps`, capped by `optim.max_steps` if set."""
        cap = self.optim.max_steps
        return self.dpo.stage_steps if cap is None else min(cap, self.dpo.stage_steps)

    @property
    def weights(self) -> tuple[float, float, float]:
        """(α, β, γ): the method's defaults, each overridable."""
        a, b, g = METHOD_WEIGHTS[self.method]
        return (
            a if self.alpha is None else self.alpha,
            b if self.beta is None else self.beta,
            g if self.gamma is None else self.gamma,
        )

    @property
    def name(self) -> str:
        if self.run_name:
            return self.run_name
        return self.method if self.method in METHOD_STAGES else f"{self.method}-{self.data.strategy}"
