"""`DPOTrainConfig`: one run of a preference baseline, CodeDPO* or SkelDPO (see dpo.py).

Defaults follow the paper (§4.3, §4.4) and PAPER_NOTES: β = 0.2, 800 optimizer steps per
stage, LoRA; CodeDPO* trains on correctness pairs, then on efficiency pairs; SkelDPO on
the efficiency pairs with their skeleton pairs, λ = 1.0. The model, LoRA, optimizer,
DeepSpeed and scaling sections are Stage 3's (training/config.py), so a preference run
and an EffiSkel run of one experiment share their settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from effiskel.pairs import CORRECTNESS, EFFICIENCY, STAGES
from effiskel.training.config import (
    DeepSpeedSection,
    LoraSection,
    ModelSection,
    OptimSection,
    ScalingSection,
)

METHOD_STAGES = {
    # CodeDPO* (§4.4): first correct vs incorrect code, then efficient vs inefficient code.
    "codedpo": (CORRECTNESS, EFFICIENCY),
    # SkelDPO: the efficiency pairs, each with its skeleton pair.
    "skeldpo": (EFFICIENCY,),
}


@dataclass
class DPOSection:
    beta: float = 0.2
    """β of the DPO loss (both parts of SkelDPO's)."""
    lambda_skel: float = 1.0
    """SkelDPO: λ of L = L_DPO(code pair) + λ L_DPO(skeleton pair)."""
    stage_steps: int = 800
    """Optimizer steps of each stage (paper: 800); `optim.max_steps`, if set, caps it."""
    stages: list[str] | None = None
    """Stages in order, each training on the pairs of that kind (`correctness`,
    `efficiency`) from the previous stage's adapter; default from `method`. SkelDPO adds
    the skeleton term in the efficiency stage only (correctness pairs have no skeletons)."""


@dataclass
class PairsDataSection:
    pairs_path: str = ""
    """Directory of Parquet shards of the PAIRS table (`effiskel pairs` output, `OUT/pairs`)."""
    max_length: int = 1600
    """Most tokens of one sequence (prompt + chosen or rejected); longer ones are cut at the
    end, a pair whose prompt alone fills it is dropped (TRL's `keep_start`)."""


@dataclass
class DPOTrainConfig:
    method: Literal["codedpo", "skeldpo"] = "codedpo"
    """`codedpo` = CodeDPO*, TRL's DPOTrainer in two stages; `skeldpo` = SkelDPO."""
    output_dir: str = "out/train"
    """Where the run writes: `<output_dir>/<run_name>/` holds the adapter, metrics.jsonl and the
    Ray Train checkpoints. Must be on storage every worker can reach on a multi-node cluster."""
    run_name: str = ""
    """Name of the run; default the method. Rerunning with the same name resumes it."""
    seed: int = 0
    """Seed of the LoRA init, the data order and the tiny model."""
    log_every: int = 10
    """Optimizer steps between metric reports (Ray Train and metrics.jsonl)."""
    checkpoint_every: int = 100
    """Optimizer steps between checkpoints (one is also written at the end of each stage)."""
    keep_checkpoints: int = 2
    """Checkpoints kept on storage (the newest ones)."""
    save_merged: bool = False
    """Also write the base model with the final adapter merged in (`<run>/merged`)."""
    model: ModelSection = field(default_factory=ModelSection)
    """The base model (and the reference: it is the base with the adapter disabled)."""
    lora: LoraSection = field(default_factory=LoraSection)
    """LoRA adapter (TRL disables dropout in DPO, LoRA's included)."""
    data: PairsDataSection = field(default_factory=PairsDataSection)
    """Preference pairs."""
    optim: OptimSection = field(default_factory=OptimSection)
    """Optimizer, schedule (each stage has its own warm-up and decay) and batch sizes, in pairs;
    `epochs` is not used: the stages run `dpo.stage_steps` steps, cycling over their pairs."""
    deepspeed: DeepSpeedSection = field(default_factory=DeepSpeedSection)
    """DeepSpeed ZeRO, through TRL's (transformers') own integration."""
    scaling: ScalingSection = field(default_factory=ScalingSection)
    """Ray Train workers."""
    dpo: DPOSection = field(default_factory=DPOSection)
    """β, λ and the stages."""

    def __post_init__(self) -> None:
        if self.method not in METHOD_STAGES:
            raise ValueError(f"method {self.method!r} is not one of {sorted(METHOD_STAGES)}")
        if not self.stages or set(self.stages) - set(STAGES):
            raise ValueError(f"dpo.stages {self.dpo.stages!r}: give one or more of {list(STAGES)}")
        if self.dpo.beta <= 0:
            raise ValueError(f"dpo.beta must be positive, got {self.dpo.beta}")
        if self.dpo.lambda_skel < 0:
            raise ValueError(f"dpo.lambda_skel must be >= 0, got {self.dpo.lambda_skel}")
        if self.dpo.stage_steps < 1:
            raise ValueError(f"dpo.stage_steps must be at least 1, got {self.dpo.stage_steps}")

    @property
    def stages(self) -> tuple[str, ...]:
        return tuple(self.dpo.stages) if self.dpo.stages is not None else METHOD_STAGES[self.method]

    @property
    def steps_per_stage(self) -> int:
        cap = self.optim.max_steps
        return self.dpo.stage_steps if cap is None else min(cap, self.dpo.stage_steps)

    @property
    def name(self) -> str:
        return self.run_name or self.method
