"""Stage 3 job: `python -m jobs.train --config FILE [key=value ...] [--address ADDR]`.

Locally, it starts an embedded Ray; under `ray job submit` (RAY_ADDRESS set) or with
--address it joins that cluster. Rerunning the same command resumes the run from its
latest checkpoint.
"""

from __future__ import annotations

import argparse
import sys

from effiskel.config import ConfigError, load
from effiskel.training.config import TrainConfig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m jobs.train", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--config", required=True, help="experiment YAML (configs/*.yaml)")
    parser.add_argument(
        "--address", default=None, help="Ray cluster address (default: RAY_ADDRESS or a local Ray)"
    )
    parser.add_argument("overrides", nargs="*", help="key.sub=value overrides of the config")
    args = parser.parse_args(argv)
    try:
        cfg = load(TrainConfig, args.config, args.overrides)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    from effiskel.training.trainer import preflight, train

    try:
        preflight(cfg)  # a bad data or model path fails here, before Ray starts
    except (FileNotFoundError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    from data_pipeline.common import init_ray

    try:
        init_ray(args.address)  # RAY_ADDRESS (set by `ray job submit`) is honoured by ray.init
    except ConnectionError as e:  # ClusterError: the cluster cannot be joined
        print(f"error: {e}", file=sys.stderr)
        return 2
    result = train(cfg)
    m = result.metrics
    print(f"adapter: {result.adapter_dir}")
    print(f"metrics: {result.metrics_path}")
    if m:
        print(
            "final: "
            + " ".join(
                f"{k}={m[k]:.4g}"
                for k in ("loss", "loss_code", "loss_skeleton", "loss_mask")
                if k in m
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
