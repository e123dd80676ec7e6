"""Stage 3: LoRA training on Ray Train + DeepSpeed: EffiSkel, EffiCoder*, CodeDPO* or SkelDPO.

EffiSkel and EffiCoder* train on Stage 2's skeletons (--data.path DIR), the preference
baselines (--method codedpo|skeldpo) on the pairs stage's output (--data.pairs_path DIR);
each writes OUTPUT_DIR/RUN/adapter (PEFT) and metrics.jsonl. configs/ holds one YAML per
paper model (--config FILE). Without --address (or RAY_ADDRESS, which `ray job submit`
sets) it starts an embedded local Ray. Rerunning the same command resumes the run from its
latest checkpoint.
"""

from __future__ import annotations

import sys

from effiskel.config import fail, parse
from effiskel.training.config import METHOD_STAGES, TrainConfig


def main(argv: list[str] | None = None, prog: str = "python -m jobs.train") -> int:
    cfg = parse(TrainConfig, argv, prog, __doc__)
    # torch: only once the config is good
    if cfg.method in METHOD_STAGES:
        from effiskel.training.dpo import preflight, train
    else:
        from effiskel.training.trainer import preflight, train

    try:
        preflight(cfg)  # a bad data or model path fails here, before Ray starts
    except (FileNotFoundError, ValueError) as e:
        fail(prog, e)
    from data_pipeline.common import init_ray

    try:
        init_ray(cfg.address)  # RAY_ADDRESS (set by `ray job submit`) is honoured by ray.init
    except ConnectionError as e:  # ClusterError: the cluster cannot be joined
        fail(prog, e)
    result = train(cfg)
    m = result.metrics
    print(f"adapter: {result.adapter_dir}")
    print(f"metrics: {result.metrics_path}")
    if m:
        terms = ("loss", "loss_code", "loss_skeleton", "loss_mask", "code/loss", "skel/loss",
                 "rewards/margins", "code/rewards/margins", "skel/rewards/margins")
        print("final: " + " ".join(f"{k}={m[k]:.4g}" for k in terms if k in m))
    return 0


if __name__ == "__main__":
    sys.exit(main())
