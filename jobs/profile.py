"""Stage 1: run, time and rank every solution of a task source; keep the top-K per task.

Writes OUT/tasks, OUT/runs, OUT/efficient (Parquet) and OUT/summary.json. Without
--address (or RAY_ADDRESS, which `ray job submit` sets) it starts an embedded local Ray,
else it joins that cluster. Rerunning the same command after a crash finishes the
missing shards.
"""

from __future__ import annotations

import sys

from effiskel.config import ProfileConfig, parse

# The README's names for two limits of every run.
ALIASES = {"time_limit": "limits.cpu_time_s", "memory_mb": "limits.memory_mb"}


def main(argv: list[str] | None = None, prog: str = "python -m jobs.profile") -> int:
    cfg = parse(ProfileConfig, argv, prog, __doc__, ALIASES)
    from data_pipeline import profile  # Ray and the sandbox: only once the config is good
    from jobs.common import run_stage

    return run_stage(profile, cfg, prog)


if __name__ == "__main__":
    sys.exit(main())
