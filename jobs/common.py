"""What the Ray Data stage jobs share: check the config, run the stage, print its summary."""

from __future__ import annotations

import sys

from effiskel.config import fail


def run_stage(stage, cfg, prog: str) -> int:
    """Run `stage` (a data_pipeline module) on `cfg`. Bad input fails before Ray starts,
    and a cluster that cannot be joined is one line, not a traceback (exit code 2)."""
    try:
        stage.validate(cfg)
    except ValueError as e:
        fail(prog, e)
    from data_pipeline.stage import StageError

    try:
        stage.run(cfg)  # prints the stage's report
    except ConnectionError as e:  # data_pipeline.common.ClusterError
        fail(prog, e)
    except StageError as e:  # a shard that cannot be written: one line, and the rerun resumes
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C: the driver has already stopped the Ray it started
        print(f"{prog}: interrupted; rerun the same command to finish the rest", file=sys.stderr)
        return 130
    return 0
