"""What the Ray Data stage jobs share: check the config, run the stage, print its summary."""

from __future__ import annotations

from effiskel.config import fail


def run_stage(stage, cfg, prog: str) -> int:
    """Run `stage` (a data_pipeline module) on `cfg`. Bad input fails before Ray starts,
    and a cluster that cannot be joined is one line, not a traceback (exit code 2)."""
    try:
        stage.validate(cfg)
    except ValueError as e:
        fail(prog, e)
    try:
        summary = stage.run(cfg)
    except ConnectionError as e:  # data_pipeline.common.ClusterError
        fail(prog, e)
    print(stage.format_summary(summary))
    return 0
