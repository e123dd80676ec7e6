"""Stage 2 job: `python -m jobs.extract [--config FILE] [key=value ...]`.

Reads Stage 1's output (`input=DIR`), writes skeletons (`out=DIR`). Without
`address` it starts an embedded local Ray; under `ray job submit` it joins
that cluster. Rerunning after a crash finishes the missing shards.
"""

from __future__ import annotations

import argparse
import json
import sys

from effiskel.config import ConfigError, load


def main(argv: list[str] | None = None) -> int:
    from data_pipeline.extract import ExtractConfig, format_summary, run, validate

    parser = argparse.ArgumentParser(prog="python -m jobs.extract",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="experiment YAML with an ExtractConfig")
    parser.add_argument("overrides", nargs="*", help="key.sub=value overrides")
    args = parser.parse_args(argv)
    try:
        cfg = load(ExtractConfig, args.config, args.overrides)
        validate(cfg)
    except (ConfigError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    summary = run(cfg)
    print(format_summary(summary))
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
