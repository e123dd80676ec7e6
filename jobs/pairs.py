"""Preference pairs for CodeDPO* and SkelDPO from Stage 1's efficient sets and Stage 2's skeletons.

Reads Stage 1's output (--in DIR) and Stage 2's (--skeletons DIR), writes OUT/pairs
(Parquet) and OUT/summary.json: correctness pairs (an efficient solution against an
incorrect one), efficiency pairs (against a correct one at least pairs.min_slowdown
times slower) with their skeleton pairs, and a skipped row with its reason for each task
and kind without any. `effiskel train --method codedpo|skeldpo --data.pairs_path OUT/pairs`
trains on them. Without --address it starts an embedded local Ray; under `ray job submit`
it joins that cluster. Rerunning after a crash finishes the missing shards.
"""

from __future__ import annotations

import sys

from effiskel.config import PairsConfig, parse

# The README's names: `in` is a Python keyword, so the field is `input`.
ALIASES = {"in": "input", "min_slowdown": "pairs.min_slowdown"}


def main(argv: list[str] | None = None, prog: str = "python -m jobs.pairs") -> int:
    cfg = parse(PairsConfig, argv, prog, __doc__, ALIASES)
    from data_pipeline import pairs  # Ray and the sandbox: only once the config is good
    from jobs.common import run_stage

    return run_stage(pairs, cfg, prog)


if __name__ == "__main__":
    sys.exit(main())
