"""Run one program on its tests in the sandbox: a verdict, times and memory per test.

Tests are JSON lines, one {"input": ..., "output": ...} per test (call mode: the Python
literal text of the argument list and of the return value). --json prints one object:
{"verdict", "tests": [{"verdict", "time_ns", "times_ns", "max_rss_kb", "stdout_bytes",
"detail"}], "isolation": {...}}.
"""

from __future__ import annotations

import argparse
import json
import sys
import typing
from pathlib import Path

from effiskel.config import Isolation, RepeatMode, fail


def read_tests(path: Path):
    """The tests of a JSONL file; ValueError names the line that is not a test."""
    from effiskel.sandbox import TestCase

    if not path.is_file():
        raise ValueError(f"tests file {path} does not exist")
    tests = []
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            inp, out = row["input"], row.get("output")
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise ValueError(
                f"{path}:{i}: each line must be a JSON object with 'input' and 'output': {e}"
            ) from None
        if out is None:  # a test that checks nothing must not read as AC
            raise ValueError(f"{path}:{i}: the test has an 'input' but no 'output', so it "
                             "would check nothing; give the expected output")
        tests.append(TestCase(str(inp), str(out)))
    if not tests:
        raise ValueError(f"tests file {path} holds no tests")
    return tests


def build_parser(prog: str) -> argparse.ArgumentParser:
    # Not a stage config: a handful of flags, two of them bare switches (--json, --all-tests).
    p = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0],
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--program", required=True, help="the Python program (a .py file)")
    p.add_argument("--tests", required=True, help="JSONL file of tests (see above)")
    p.add_argument("--mode", choices=["stdio", "call"], default="stdio",
                   help="stdio: input on stdin, output on stdout; call: call --entry-point")
    p.add_argument("--entry-point", help="function to call in call mode (or Class.method)")
    p.add_argument("--repeat", type=int, default=1, help="timed runs per test (default 1)")
    p.add_argument("--repeat-mode", choices=typing.get_args(RepeatMode), default="fork",
                   help="fork: every repeat a fresh fork (default; no repeat can inherit "
                        "another's state); child: one fork per test, its repeats inside it, "
                        "each with a fresh module namespace (~10x faster; warm repeats)")
    p.add_argument("--time-limit", type=float, default=5.0, help="CPU seconds per run (5)")
    p.add_argument("--memory-mb", type=int, default=512, help="memory per run, MB (512)")
    p.add_argument("--all-tests", action="store_true", help="do not stop at the first failure")
    p.add_argument("--isolation", choices=typing.get_args(Isolation), default="auto",
                   help="auto: kernel namespaces where allowed; process: in-process guard only")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def main(argv: list[str] | None = None, prog: str = "python -m jobs.run_tests") -> int:
    args = build_parser(prog).parse_args(argv)
    from effiskel.sandbox import Limits, Sandbox

    program = Path(args.program)
    if not program.is_file():
        fail(prog, f"program {program} does not exist")
    if args.mode == "call" and not args.entry_point:
        fail(prog, "--mode call needs --entry-point (the function to call)")
    try:
        tests = read_tests(Path(args.tests))
    except ValueError as e:
        fail(prog, e)
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


if __name__ == "__main__":
    sys.exit(main())
