"""The `effiskel` command: one verb per job (see ARCHITECTURE.md, "The command line").

Each verb's work lives in the library or in `jobs/`; this module only parses
arguments, so `effiskel --help` is fast and a CPU-only head node never imports
DeepSpeed or torch just to print usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


class UsageError(Exception):
    """Bad command-line input; printed without a traceback, exit code 2."""


def _read_tests(path: Path):
    from effiskel.sandbox import TestCase

    if not path.is_file():
        raise UsageError(f"tests file {path} does not exist")
    tests = []
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            inp, out = row["input"], row.get("output")
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise UsageError(
                f"{path}:{i}: each line must be a JSON object with 'input' and 'output': {e}"
            ) from None
        if out is None:  # a test that checks nothing must not read as AC
            raise UsageError(f"{path}:{i}: the test has an 'input' but no 'output', so it "
                             "would check nothing; give the expected output")
        tests.append(TestCase(str(inp), str(out)))
    if not tests:
        raise UsageError(f"tests file {path} holds no tests")
    return tests


def cmd_run_tests(args) -> int:
    from effiskel.sandbox import Limits, Sandbox

    program = Path(args.program)
    if not program.is_file():
        raise UsageError(f"program {program} does not exist")
    if args.mode == "call" and not args.entry_point:
        raise UsageError("--mode call needs --entry-point (the function to call)")
    tests = _read_tests(Path(args.tests))
    limits = Limits(cpu_time_s=args.time_limit, memory_mb=args.memory_mb)
    with Sandbox(limits, isolation=args.isolation) as sb:
        result = sb.run(
            program.read_text(errors="surrogateescape"), tests, mode=args.mode,
            entry_point=args.entry_point, repeat=args.repeat, repeat_mode=args.repeat_mode,
            stop_on_failure=not args.all_tests,
        )
    if args.json:
        print(json.dumps(result.to_json()))
        return 0
    print(f"{'test':>4}  {'verdict':7}  {'mean time':>12}  {'max RSS':>10}  detail")
    for i, t in enumerate(result.tests):
        tm = f"{t.time_ns / 1e6:9.3f} ms" if t.time_ns is not None else "-"
        print(f"{i:>4}  {t.verdict!s:7}  {tm:>12}  {t.max_rss_kb:>7} KB  {t.detail[:60]}")
    print(f"verdict: {result.verdict}  ({result.tests_passed}/{len(tests)} tests passed)")
    return 0


def _stage_config(cfg_cls, args, flags: dict, validate, edit=None):
    """A stage's config: YAML file, then key=value overrides, then the verb's flags."""
    from dataclasses import replace

    from effiskel.config import ConfigError, load

    try:
        cfg = load(cfg_cls, args.config, args.overrides)
        if edit is not None:
            cfg = edit(cfg)
        cfg = replace(cfg, **{k: v for k, v in flags.items() if v is not None})
        validate(cfg)
    except (ConfigError, ValueError) as e:
        raise UsageError(str(e)) from None
    return cfg


def cmd_profile(args) -> int:
    from data_pipeline.profile import ProfileConfig, format_summary, run, validate

    def time_limit(cfg):
        if args.time_limit is not None:
            cfg.limits.cpu_time_s = args.time_limit
        return cfg

    cfg = _stage_config(ProfileConfig, args, {
        "source": args.source, "data": args.data, "out": args.out, "top_k": args.top_k,
        "repeat": args.repeat, "address": args.address, "workers": args.workers,
    }, validate, time_limit)
    print(format_summary(run(cfg)))
    return 0


def cmd_extract(args) -> int:
    from dataclasses import replace

    from data_pipeline.extract import ExtractConfig, format_summary, run, validate

    def strategies(cfg):
        if args.strategy:
            cfg.skeleton = replace(cfg.skeleton, strategies=tuple(
                s.strip() for s in args.strategy.split(",") if s.strip()))
        return cfg

    cfg = _stage_config(ExtractConfig, args, {
        "input": args.input, "out": args.out, "address": args.address, "workers": args.workers,
    }, validate, strategies)
    print(format_summary(run(cfg)))
    return 0


# Verbs whose job module parses its own arguments (`effiskel train -h` is the job's help).
JOB_VERBS = {"train": "jobs.train", "demo": "jobs.demo"}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="effiskel", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    rt = sub.add_parser("run-tests", help="run one program on its tests in the sandbox")
    rt.add_argument("--program", required=True, help="the Python program (a .py file)")
    rt.add_argument("--tests", required=True,
                    help="JSONL, one {\"input\": ..., \"output\": ...} per line; call mode: "
                         "Python literal text of the argument list and of the return value")
    rt.add_argument("--mode", choices=["stdio", "call"], default="stdio")
    rt.add_argument("--entry-point", help="function to call in call mode (or Class.method)")
    rt.add_argument("--repeat", type=int, default=1, help="timed runs per test")
    rt.add_argument("--repeat-mode", choices=["fork", "child"], default="fork",
                    help="fork: every repeat a fresh fork (default; no repeat can inherit "
                         "another's state); child: one fork per test, its repeats inside it, "
                         "each with a fresh module namespace (~10x faster; warm repeats)")
    rt.add_argument("--time-limit", type=float, default=5.0, help="CPU seconds per run")
    rt.add_argument("--memory-mb", type=int, default=512, help="memory per run, MB")
    rt.add_argument("--all-tests", action="store_true", help="do not stop at the first failure")
    rt.add_argument("--isolation", choices=["auto", "process"], default="auto",
                    help="auto: kernel namespaces where allowed; process: in-process guard only")
    rt.add_argument("--json", action="store_true", help="print one JSON object")
    rt.set_defaults(func=cmd_run_tests)

    pr = sub.add_parser("profile", help="Stage 1: run, time and rank every solution (Ray Data)")
    pr.add_argument("--source", help="mini, apps, codenet, humaneval, humanevalplus, mbppplus, "
                                     "enamel, effibench or mercury")
    pr.add_argument("--data", help="path to the source's files (not needed for mini)")
    pr.add_argument("--out", help="output directory (tasks/, runs/, efficient/)")
    pr.add_argument("--top-k", type=int, help="fastest correct solutions kept per task (5)")
    pr.add_argument("--repeat", type=int, help="timed runs per test input (30)")
    pr.add_argument("--time-limit", type=float, help="CPU seconds per run (5)")
    pr.add_argument("--workers", type=int, help="sandbox actors (default: every CPU)")
    pr.add_argument("--address", help="Ray cluster to join (default: embedded local Ray)")
    pr.add_argument("--config", help="YAML file with more settings (a ProfileConfig)")
    pr.add_argument("overrides", nargs="*", help="key.sub=value overrides, e.g. limits.memory_mb=1024")
    pr.set_defaults(func=cmd_profile)

    ex = sub.add_parser("extract", help="Stage 2: SMS/SSS/TAS skeletons of the efficient sets")
    ex.add_argument("--in", dest="input", help="Stage 1's output directory")
    ex.add_argument("--out", help="output directory (skeletons/)")
    ex.add_argument("--strategy", help="comma-separated subset of sms,sss,tas (default: all)")
    ex.add_argument("--workers", type=int, help="actors (default: every CPU)")
    ex.add_argument("--address", help="Ray cluster to join (default: embedded local Ray)")
    ex.add_argument("--config", help="YAML file with more settings (an ExtractConfig)")
    ex.add_argument("overrides", nargs="*", help="key.sub=value overrides, e.g. skeleton.sss_threshold=0.9")
    ex.set_defaults(func=cmd_extract)

    sub.add_parser("train", help="Stage 3: multi-task LoRA training, method effiskel | "
                                 "efficoder (--config FILE [key=value ...]; see train -h)")
    sub.add_parser("demo", help="the whole pipeline on the bundled mini suite, local Ray")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in JOB_VERBS:
        import importlib

        return importlib.import_module(JOB_VERBS[argv[0]]).main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, ConnectionError) as e:  # ConnectionError: a cluster that cannot be joined
        print(f"effiskel {args.command}: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
