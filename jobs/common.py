"""What the stage jobs share: `python -m jobs.<stage> [--config FILE] [key=value ...]`."""

from __future__ import annotations

import argparse
import json
import sys

from effiskel.config import ConfigError, load


def stage_main(argv: list[str] | None, prog: str, doc: str, cfg_cls, validate, run,
               format_summary) -> int:
    """Parse a config and overrides, fail on bad input before Ray starts, run, report."""
    parser = argparse.ArgumentParser(prog=prog, description=doc.splitlines()[0])
    parser.add_argument("--config", help=f"experiment YAML with a {cfg_cls.__name__}")
    parser.add_argument("overrides", nargs="*", help="key.sub=value overrides")
    args = parser.parse_args(argv)
    try:
        cfg = load(cfg_cls, args.config, args.overrides)
        validate(cfg)
    except (ConfigError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    summary = run(cfg)
    print(format_summary(summary))
    print(json.dumps(summary))
    return 0
