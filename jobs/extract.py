"""Stage 2 job: `python -m jobs.extract [--config FILE] [key=value ...]`.

Reads Stage 1's output (`input=DIR`), writes skeletons (`out=DIR`): one training
tuple per efficient solution and strategy, each solution the reference in turn. Without
`address` it starts an embedded local Ray; under `ray job submit` it joins
that cluster. Rerunning after a crash finishes the missing shards.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from data_pipeline.extract import ExtractConfig, format_summary, run, validate
    from jobs.common import stage_main

    return stage_main(argv, "python -m jobs.extract", __doc__, ExtractConfig, validate, run,
                      format_summary)


if __name__ == "__main__":
    sys.exit(main())
