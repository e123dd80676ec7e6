"""Profile and evaluate on a local multi-node Ray cluster: scaling from 1 worker node to N.

    .venv/bin/python benchmarks/cluster_scaling.py [--nodes 1,2] [--cpus-per-node 1] \
        [--tasks 31] [--repeat 3] [--dir build/bench/cluster]

For each node count, a fresh cluster (cluster/local.py: a head with no CPUs and that many
worker nodes, each a separate Ray node with its own raylet and object store) runs, as a
user runs them (`effiskel STAGE --address ...`, a driver process of its own):
  * profile over the first --tasks mini tasks (every solution on every test, R repeats);
  * evaluate of two sample sets built from those tasks' solutions (their fastest and their
    first correct one), every sample judged on all tests and timed beside the reference.
Each stage's time is its own summary's (Ray joined, units listed, actors started, every
unit done, shards written); the work is the same at every node count. Printed per stage:
units/s and the scaling efficiency against one node, T(1) / (N · T(N)), the ratio last.

On the 2-vCPU development machine one node per core is all it holds (2 nodes at most); on a
16-core machine `--nodes 1,4,16`. Nodes share the machine's disk and memory bandwidth, so
this measures the stages' own overhead and balance, not a network.
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

from cluster import local  # noqa: E402
from effiskel.tasks import iter_source  # noqa: E402
from effiskel.tasks.mini_suite import copy_tasks, write_sample_sets  # noqa: E402

EFFISKEL = str(Path(sys.executable).parent / "effiskel")


def stage(state: dict, args: list[str], out: Path) -> dict:
    env = local.client_environ(state)
    shutil.rmtree(out, ignore_errors=True)
    res = subprocess.run([EFFISKEL, *args, "--out", str(out), "--progress", "false",
                          "--address", state["address"]], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=3600)
    if res.returncode != 0:
        sys.exit(f"{args[0]} failed:\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}")
    return json.loads((out / "summary.json").read_text())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", default="1,2", help="worker node counts (default 1,2)")
    ap.add_argument("--cpus-per-node", type=int, default=1)
    ap.add_argument("--tasks", type=int, default=31, help="mini tasks (31: all)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", default="build/bench/cluster")
    args = ap.parse_args()
    work = Path(args.dir).absolute()
    tasks = sorted(t["task_id"] for t, _ in iter_source("mini"))[: args.tasks]
    shutil.rmtree(work / "corpus", ignore_errors=True)
    data = copy_tasks(work / "corpus", tasks)
    samples = write_sample_sets(work, tasks)
    counts = [int(n) for n in args.nodes.split(",")]
    print(f"{len(tasks)} mini tasks, R = {args.repeat}, {args.cpus_per_node} CPU per worker "
          f"node; nodes {counts}; machine CPUs {os.cpu_count()}", flush=True)
    seconds: dict[str, dict[int, float]] = {"profile": {}, "evaluate": {}}
    units: dict[str, int] = {}
    for n in counts:
        root = work / f"cluster-{n}"
        shutil.rmtree(root, ignore_errors=True)
        t0 = time.time()
        state = local.start(root, workers=n, cpus_per_worker=args.cpus_per_node, dashboard=False)
        print(f"{n} worker nodes: cluster up in {time.time() - t0:.0f} s", flush=True)
        try:
            prof = stage(state, ["profile", "--source", "mini", "--data", str(data),
                                 "--repeat", str(args.repeat)], work / f"profile-{n}")
            ev = stage(state, ["evaluate", "--source", "mini", "--samples", *samples,
                               "--repeat", str(max(args.repeat, 6)), "--timed_tests", "4"],
                       work / f"evaluate-{n}")
        finally:
            local.stop(root)
        for name, summary in (("profile", prof), ("evaluate", ev)):
            seconds[name][n] = summary["seconds"]
            units[name] = summary["units"]
            print(f"  {name:8} {summary['units']} units on {summary['workers']} workers in "
                  f"{summary['seconds']:.1f} s ({summary['units'] / summary['seconds']:.2f} "
                  f"units/s; by node {list(summary['units_by_node'].values())})", flush=True)
    print()
    print(f"{'stage':9} {'nodes':>5} {'seconds':>8} {'units/s':>8} {'efficiency':>10}")
    ratios = []
    for name in seconds:
        t1 = seconds[name][counts[0]] * counts[0]
        for n in counts:
            eff = t1 / (n * seconds[name][n])
            print(f"{name:9} {n:5d} {seconds[name][n]:8.1f} {units[name] / seconds[name][n]:8.2f} "
                  f"{eff:10.0%}")
        ratios.append(f"{name} {t1 / (counts[-1] * seconds[name][counts[-1]]):.0%}")
    print(f"scaling efficiency {counts[0]} -> {counts[-1]} worker nodes: " + ", ".join(ratios))


if __name__ == "__main__":
    main()
