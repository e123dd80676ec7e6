"""Correctness at EvalPlus's speed: HumanEval+ canonical solutions on all their tests.

    pip install -e '.[bench]' && pip install --no-deps evalplus==0.3.1
    .venv/bin/python benchmarks/correctness_throughput.py [--data PATH] [--workers N] [--limit N]

Side by side, in one run, on the same cores:

* effiskel: Stage 1's correctness pass as `effiskel profile` runs it, per task
  the reference's outputs captured as the expected ones (`fill_expected_outputs`)
  and the canonical solution judged on every test (`Sandbox.check`, all of a
  program's tests in one sandboxed child), one sandbox per worker process;
* EvalPlus 0.3.1's own evaluator (`python -m evalplus.evaluate`) on the same
  data (HUMANEVAL_OVERRIDE_PATH) and samples (the canonical solutions), its
  ground truth included (its cache is emptied first and kept under build/).

Target: effiskel no slower than EvalPlus. The ratio is printed last. Each side's
CPU (all its processes) is printed too: on a machine shared with other work the
wall times swing with the load, the CPU each side needed much less.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from effiskel.profile import _tests, candidate, fill_expected_outputs  # noqa: E402
from effiskel.sandbox import Limits, Sandbox, Verdict  # noqa: E402
from effiskel.tasks import get_source  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "evalplus" / "humanevalplus_release"
WORK = ROOT / "build" / "correctness-bench"


def load(data: Path, limit: int | None) -> list[tuple[dict, list[dict]]]:
    src, path = get_source("humanevalplus"), str(data / "HumanEvalPlus.jsonl.gz")
    pairs = [p for unit in src.units(path) for p in src.load_unit(path, unit)]
    return pairs[:limit] if limit else pairs


_SANDBOX: Sandbox | None = None


def _worker_start() -> None:
    global _SANDBOX
    _SANDBOX = Sandbox(Limits(cpu_time_s=5))
    _SANDBOX.start()


def _worker_ready(_) -> bool:
    return _SANDBOX is not None and bool(_SANDBOX.isolation)


def _cpu_so_far(_) -> tuple[int, float]:
    """This worker's CPU and its sandbox's (server and runs), so far."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    pid = _SANDBOX._proc.pid if _SANDBOX and _SANDBOX._proc else None
    if pid:
        with open(f"/proc/{pid}/stat") as f:  # utime stime cutime cstime, in clock ticks
            fields = f.read().rsplit(")", 1)[1].split()
        total += sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    time.sleep(0.05)  # let every worker answer once
    return os.getpid(), total


def _one_task(pair) -> tuple[str, int, int, str]:
    """Stage 1's correctness pass on one task: capture the reference's outputs as
    the expected ones, then judge the canonical solution on every test."""
    task, sols = pair
    task = fill_expected_outputs(_SANDBOX, task, sols)
    ref = sols[0]
    tests = _tests(task)
    res = candidate(task, ref["solution_id"], ref["code"], tests).check(_SANDBOX)
    bad = "" if res.verdict == Verdict.AC and task.get("status") == "ok" else (
        task.get("reason") or res.detail[:100])
    return task["task_id"], len(tests), res.tests_passed, bad


def effiskel_side(pairs, workers: int) -> dict:
    """Every task through the correctness path: `workers` processes with a sandbox
    each, as Stage 1's Ray actors are (their start-up is not timed)."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers, initializer=_worker_start) as pool:
        assert all(pool.map(_worker_ready, range(workers * 4), chunksize=1))
        start, cpu = time.perf_counter(), pool.map(_cpu_so_far, range(workers), chunksize=1)
        done = list(pool.imap_unordered(_one_task, pairs, chunksize=1))
        seconds = time.perf_counter() - start
        cpu_end = pool.map(_cpu_so_far, range(workers * 4), chunksize=1)
    # every process's CPU: the workers' (judging) and their sandboxes' (runs)
    by_pid = {}
    for pid, t in cpu + cpu_end:
        by_pid.setdefault(pid, []).append(t)
    cpu_s = sum(max(v) - min(v) for v in by_pid.values())
    return {"tasks": len(done), "tests": sum(d[1] for d in done), "cpu_s": cpu_s,
            "passed": sum(d[2] for d in done), "seconds": seconds,
            "failed_tasks": [(d[0], d[3]) for d in done if d[3]]}


def evalplus_side(data: Path, pairs, workers: int) -> dict:
    """EvalPlus's evaluator on the canonical solutions, as its users run it."""
    gz = data / "HumanEvalPlus.jsonl.gz"
    home = WORK / "home"
    shutil.rmtree(home, ignore_errors=True)  # an empty ground-truth cache: it is computed
    home.mkdir(parents=True)
    samples = WORK / "samples.jsonl"
    (WORK / "samples_eval_results.json").unlink(missing_ok=True)  # else EvalPlus asks first
    with samples.open("w") as f:
        for task, sols in pairs:
            meta = json.loads(task.get("metadata") or "{}")
            f.write(json.dumps({"task_id": meta["source_task_id"],
                                "solution": sols[0]["code"]}) + "\n")
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"),
           "HUMANEVAL_OVERRIDE_PATH": str(gz), "TOKENIZERS_PARALLELISM": "false"}
    cmd = [sys.executable, "-m", "evalplus.evaluate", "--dataset", "humaneval",
           "--samples", str(samples), "--parallel", str(workers), "--i-just-wanna-run"]
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=WORK,
                         stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if out.returncode != 0:
        raise SystemExit(f"EvalPlus failed (exit {out.returncode}):\n{out.stderr[-3000:]}\n"
                         "install it with: pip install -e '.[bench]' && "
                         "pip install --no-deps evalplus==0.3.1")
    text = out.stdout + out.stderr
    gt = re.search(r"Expected outputs computed in ([\d.]+)s", text)
    plus = re.search(r"humaneval\+ \(base \+ extra tests\)\s*pass@1:\s*([\d.]+)", text)
    return {"seconds": seconds, "cpu_s": cpu_s,
            "ground_truth_s": float(gt.group(1)) if gt else None,
            "pass@1": float(plus.group(1)) if plus else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA,
                    help="the humanevalplus_release directory (HumanEvalPlus.jsonl.gz)")
    ap.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)),
                    help="parallel sandboxes, and EvalPlus's --parallel (default: every core)")
    ap.add_argument("--limit", type=int, help="only the first N tasks, effiskel only (a quick "
                                              "look: EvalPlus runs the whole suite or nothing)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="alternate both sides this many times; the best of each is compared")
    args = ap.parse_args()
    if not (args.data / "HumanEvalPlus.jsonl.gz").exists():
        raise SystemExit(f"no HumanEvalPlus.jsonl.gz in {args.data}; pass --data")
    WORK.mkdir(parents=True, exist_ok=True)
    pairs = load(args.data, args.limit)
    cores = sorted(os.sched_getaffinity(0))
    print(f"{len(pairs)} tasks, {args.workers} workers on cores {cores}")
    ours_s, theirs_s, ours_cpu, theirs_cpu = [], [], [], []
    for r in range(args.rounds):  # alternating, so both see the machine at the same times
        ours = effiskel_side(pairs, args.workers)
        ours_s.append(ours["seconds"])
        ours_cpu.append(ours["cpu_s"])
        print(f"round {r + 1}: effiskel: {ours['tasks']} tasks, {ours['tests']} tests, "
              f"{ours['passed']} passed, {ours['seconds']:.1f} s, CPU {ours['cpu_s']:.0f} s "
              f"({ours['tests'] / ours['seconds']:.0f} tests/s); tasks not passing: "
              f"{ours['failed_tasks'][:5]}")
        if args.limit:
            print("EvalPlus not run: its evaluator refuses a subset of HumanEval+ (--limit)")
            return
        theirs = evalplus_side(args.data, pairs, args.workers)
        theirs_s.append(theirs["seconds"])
        theirs_cpu.append(theirs["cpu_s"])
        print(f"round {r + 1}: EvalPlus: {theirs['seconds']:.1f} s, CPU {theirs['cpu_s']:.0f} s "
              f"(ground truth "
              f"{theirs['ground_truth_s']} s), HumanEval+ pass@1 of the canonical solutions "
              f"{theirs['pass@1']}")
    a, b = min(ours_s), min(theirs_s)
    print(f"summary: {ours['tests']} HumanEval+ tests, best of {args.rounds}: effiskel {a:.1f} s "
          f"(CPU {min(ours_cpu):.0f} s), EvalPlus {b:.1f} s (CPU {min(theirs_cpu):.0f} s) on "
          f"{args.workers} workers; ratio EvalPlus/effiskel {b / a:.2f}x wall, "
          f"{min(theirs_cpu) / min(ours_cpu):.2f}x CPU (target >= 1)")


if __name__ == "__main__":
    main()
