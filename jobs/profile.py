"""Stage 1 job: `python -m jobs.profile [--config FILE] [key=value ...]`.

Without `address` (in the config or RAY_ADDRESS) it starts an embedded local
Ray; under `ray job submit` it joins that cluster. Rerunning the same command
after a crash finishes the missing shards.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from data_pipeline.profile import ProfileConfig, format_summary, run, validate
    from jobs.common import stage_main

    return stage_main(argv, "python -m jobs.profile", __doc__, ProfileConfig, validate, run,
                      format_summary)


if __name__ == "__main__":
    sys.exit(main())
