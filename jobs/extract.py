"""Stage 2: SMS, SSS and TAS skeletons of Stage 1's efficient sets (training tuples N, C, S, M).

Reads Stage 1's output (--in DIR), writes OUT/skeletons (Parquet) and OUT/summary.json:
one row per efficient solution and strategy, each solution the reference in turn.
Without --address it starts an embedded local Ray; under `ray job submit` it joins that
cluster. Rerunning after a crash finishes the missing shards.
"""

from __future__ import annotations

import sys

from effiskel.config import ExtractConfig, parse

# The README's names: `in` is a Python keyword, so the field is `input`.
ALIASES = {"in": "input", "strategy": "skeleton.strategies"}


def main(argv: list[str] | None = None, prog: str = "python -m jobs.extract") -> int:
    cfg = parse(ExtractConfig, argv, prog, __doc__, ALIASES)
    from data_pipeline import extract  # Ray and the sandbox: only once the config is good
    from jobs.common import run_stage

    return run_stage(extract, cfg, prog)


if __name__ == "__main__":
    sys.exit(main())
