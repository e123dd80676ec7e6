"""Stage 3: multi-task skeleton training (EffiSkel) and the EffiCoder* baseline.

`train(cfg)` runs one experiment on Ray Train + DeepSpeed; see trainer.py.
Importing this package is cheap: a command's `--help` and config parsing need only
`TrainConfig`, so torch, Ray and DeepSpeed load when `train` is first looked up.
"""

from effiskel.training.config import TrainConfig
from effiskel.training.prompts import format_prompt, format_skeleton_prompt

__all__ = ["TrainConfig", "TrainResult", "format_prompt", "format_skeleton_prompt", "train"]


def __getattr__(name: str):
    if name in ("TrainResult", "train"):
        from effiskel.training import trainer

        return getattr(trainer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
