"""Evaluate's throughput, its scaling, the cost of paired timing, and ENAMEL's own evaluator.

    pip install -e '.[bench]'            # enam 0.2.0, ENAMEL's evaluator
    .venv/bin/python benchmarks/evaluate_throughput.py [--data ../shared/data/enamel]
        [--samples humaneval-canonical.json] [--scaling-tasks 24] [--skip-peer]

In one run, on the same machine:

1. Scaling: the first `--scaling-tasks` ENAMEL problems evaluated (the sample set and
   the reference, every level, 20 tests, 6 repeats) with 1 worker, then 2:
   samples/s per worker and the scaling efficiency.
2. Paired timing's cost: on one pinned core, the same candidates (each problem's
   reference and sample) timed interleaved (`timing.schedule` over all of them, as
   evaluate does) and each alone (its repeats back to back), the same runs either way.
3. The peer: ENAMEL's own evaluator (enam 0.2.0, `Evaluator` with its demo's defaults:
   142 problems, tests per level 8/4/4/4 from seed 998244353, 6 repeats, hardness
   0/3/3/4, time-out factor 2, tolerance 0.01 s, 4 GB) on one sample set: its tests
   generated once (`make_tests`, also running the reference for the answers), then the
   set judged (`evaluate`), in a process of its own; against effiskel evaluating the same
   set on the same 142 problems with the same tests per level and repeats, ENAMEL's
   relative time limit (time_limit_factor 2, at least 0.1 s), test generation, expected
   outputs, correctness and paired timing included, on 2 workers, in both repeat modes:
   fork (the default: a fresh fork of the sandbox per timed run) and child (one fork per
   input, its repeats inside). ENAMEL runs every program in its own process, unisolated.

The ratio (ENAMEL's time / effiskel's) is printed last; >= 1 means effiskel costs no
more. The load average is printed beside each figure: on a shared machine they move
with it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "enamel"
WORK = ROOT / "build" / "evaluate-bench"

ENAM = r"""
import json, resource, sys, time
import enam
problems, samples = sys.argv[1], sys.argv[2]
codes = json.load(open(samples))
ev = enam.Evaluator(problems=problems, subset=enam.PROBLEMSET, n_tests=[8, 4, 4, 4], n_reps=6,
                    hardness=[0., 3., 3., 4.], memory_giga=4., timeout_factor=2.,
                    tolerence_sec=0.01, seed=998244353)
t0 = time.perf_counter()
ev.make_tests()
t1 = time.perf_counter()
metrics = ev.evaluate(codes, k=[1])
t2 = time.perf_counter()
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"make_tests_s": t1 - t0, "evaluate_s": t2 - t1, "metrics": metrics,
                  "cpu_s": ru.ru_utime + ru.ru_stime}))
"""


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def evaluate(data: Path, samples: Path, out: Path, workers: int, tasks: list[str] | None,
             **kw) -> tuple[dict, float]:
    from data_pipeline.evaluate import run
    from effiskel.config import EvaluateConfig

    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    summary = run(EvaluateConfig(source="enamel", data=str(data), out=str(out),
                                 samples=[f"{samples}:set"], tasks=tasks, workers=workers,
                                 progress=False, **kw))
    return summary, time.perf_counter() - start


# ENAMEL's relative time limit (2x the reference), with a floor for a fast reference's noise.
LIMITS = {"time_limit_factor": 2.0, "min_time_limit_s": 0.1}


def scaling(data: Path, samples: Path, n: int) -> list[tuple[int, int, float, float]]:
    from effiskel.tasks.enamel import EXCLUDED_ROWS

    tasks = [f"enamel/{i}" for i in range(164) if i not in EXCLUDED_ROWS][:n]
    rows = []
    for w in (1, 2):
        summary, seconds = evaluate(data, samples, WORK / f"scale-w{w}", w, tasks, **LIMITS)
        rows.append((w, summary["samples"], seconds, summary["seconds"]))
        print(f"scaling: {w} worker(s): {summary['samples']} samples of {len(tasks)} tasks in "
              f"{seconds:.1f} s ({summary['samples'] / seconds / w:.3f} samples/s/worker, "
              f"{summary['timed']} timed); load {load()}", flush=True)
    return rows


def paired_cost(data: Path, samples: Path, n: int) -> tuple[float, float, int]:
    """Seconds to time every problem's reference and sample interleaved, and alone."""
    from effiskel.evaluate import tests_of
    from effiskel.profile import candidate, fill_expected_outputs
    from effiskel.sandbox import Limits, Sandbox
    from effiskel.tasks import get_source
    from effiskel.tasks.enamel import EXCLUDED_ROWS
    from effiskel.timing import schedule

    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(allowed)})  # the sandboxes below inherit it
    codes = json.loads(samples.read_text())
    src = get_source("enamel")
    sample_box, ref_box = Sandbox(Limits(cpu_time_s=2)), Sandbox(Limits(cpu_time_s=2))
    jobs = []
    for i in [i for i in range(164) if i not in EXCLUDED_ROWS][:n]:
        (task, sols), = src.load_unit(str(data), str(i), levels="all")
        task = fill_expected_outputs(ref_box, task, sols)
        tests = tests_of(task)
        ref = candidate(task, "ref", sols[0]["code"], tests)
        sample = candidate(task, "sample", codes[i][0], tests)
        if ref.check(ref_box).verdict == "AC" and sample.check(sample_box).verdict == "AC":
            jobs.append({"ref": (ref, ref_box), "sample": (sample, sample_box)})
    runs = 0

    def timed(keys, job) -> float:
        nonlocal runs

        def measure(key, j, k):
            nonlocal runs
            c, box = job[key]
            runs += k
            res = c.run(box, k, tests=[c.tests[j]])
            return list(res.tests[0].times_ns) if res.verdict == "AC" else None

        start = time.perf_counter()
        schedule(keys, len(job["ref"][0].tests), measure, repeats=6)
        return time.perf_counter() - start

    paired = alone = 0.0
    for job in jobs:  # alternate the two ways per problem: both see the same phases
        paired += timed(["ref", "sample"], job)
        alone += timed(["ref"], job) + timed(["sample"], job)
    os.sched_setaffinity(0, allowed)
    sample_box.close()
    ref_box.close()
    return paired, alone, runs // 2


def peer(data: Path, samples: Path) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # ENAMEL's generators iterate over sets
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", ENAM, str(data / "dataset" / "enamel.csv"),
                           str(samples)], capture_output=True, text=True, env=env, cwd=WORK)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"ENAMEL's evaluator failed (exit {proc.returncode}):\n"
                         f"{proc.stderr[-3000:]}\ninstall it with: pip install -e '.[bench]'")
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "seconds": seconds}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="ENAMEL's repository copy")
    ap.add_argument("--samples", default="humaneval-canonical.json",
                    help="the sample set, a file of DATA/samples (ENAMEL's list of lists)")
    ap.add_argument("--scaling-tasks", type=int, default=24)
    ap.add_argument("--skip-peer", action="store_true", help="only the scaling and pairing")
    args = ap.parse_args()
    samples = args.data / "samples" / args.samples
    if not samples.is_file():
        raise SystemExit(f"no {samples}; pass --data (ENAMEL's repository) and --samples")
    WORK.mkdir(parents=True, exist_ok=True)
    from data_pipeline.common import init_ray, shutdown_embedded_ray

    print(f"cores {sorted(os.sched_getaffinity(0))}; load {load()}", flush=True)
    init_ray(None, 2)
    try:
        scale = scaling(args.data, samples, args.scaling_tasks)
        paired, alone, runs = paired_cost(args.data, samples, args.scaling_tasks)
        print(f"paired timing: {runs} runs interleaved in {paired:.1f} s, the same runs "
              f"alone in {alone:.1f} s: interleaving costs {paired / alone:.2f}x; "
              f"load {load()}", flush=True)
        if args.skip_peer:
            return
        ours = {}
        for mode in ("fork", "child"):
            summary, seconds = evaluate(args.data, samples, WORK / f"peer-{mode}", 2, None,
                                        repeat_mode=mode, **LIMITS)
            ours[mode] = seconds
            print(f"effiskel, repeat_mode {mode}: {summary['samples']} samples "
                  f"({summary['tasks']} tasks: ENAMEL's 142 evaluated, the others skipped "
                  f"rows), {summary['timed']} correct and timed, in {seconds:.1f} s on 2 "
                  f"workers; load {load()}", flush=True)
    finally:
        shutdown_embedded_ray()
    theirs = peer(args.data, samples)
    total = theirs["make_tests_s"] + theirs["evaluate_s"]
    print(f"ENAMEL (enam 0.2.0, one process): tests made in {theirs['make_tests_s']:.1f} s, "
          f"the set judged in {theirs['evaluate_s']:.1f} s ({total:.1f} s; CPU "
          f"{theirs['cpu_s']:.0f} s), {theirs['metrics']}; load {load()}", flush=True)
    (w1, n1, s1, _), (w2, n2, s2, _) = scale
    print(f"summary: {n1 / s1:.3f} samples/s/worker on 1 worker, {n2 / s2 / 2:.3f} on 2 "
          f"(scaling {s1 / s2 / 2:.0%}); paired timing {paired / alone:.2f}x the cost of "
          f"timing alone; ENAMEL's own evaluator {total:.1f} s vs effiskel on 2 workers "
          f"{ours['fork']:.1f} s (fork per repeat, the default) and {ours['child']:.1f} s "
          f"(child mode): ratio {total / ours['fork']:.2f}x fork, "
          f"{total / ours['child']:.2f}x child (target >= 1)")


if __name__ == "__main__":
    main()
