"""Stage 3: multi-task skeleton training (EffiSkel) and the EffiCoder* baseline.

`train(cfg)` runs one experiment on Ray Train + DeepSpeed; see trainer.py.
Ray and DeepSpeed are imported only inside the functions that use them.
"""

from effiskel.training.config import TrainConfig
from effiskel.training.prompts import format_prompt, format_skeleton_prompt
from effiskel.training.trainer import TrainResult, train

__all__ = ["TrainConfig", "TrainResult", "format_prompt", "format_skeleton_prompt", "train"]
