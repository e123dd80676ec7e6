"""Faults on the local multi-node cluster (cluster/local.py), each stage run as a user runs it
(`effiskel STAGE --address ...` in its own process): a worker node killed in the middle of
profile and of evaluate, a worker node that joins in the middle and gets work, and the
experiment's driver killed in the middle of a step and the same command run again.

The bar everywhere: the stage finishes, every row exactly once, and nothing that was complete
before the fault is done again."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import psutil
import pyarrow.dataset as pads
import pytest

from cluster import local
from effiskel.tasks import iter_source
from effiskel.tasks.mini_suite import write_sample_sets
from tests.conftest import ROOT
from tests.data_pipeline.conftest import make_corpus

pytestmark = pytest.mark.timeout(900)

EFFISKEL = str(Path(sys.executable).parent / "effiskel")
MINI = {t["task_id"]: (t, sols) for t, sols in iter_source("mini")}

# Node id -> the node's name (head, w1, ...), from the node_<name> resource of each live node.
NODES = textwrap.dedent("""
    import json, ray
    ray.init(log_to_driver=False)
    print(json.dumps({n["NodeID"]: r[len("node_"):] for n in ray.nodes() if n["Alive"]
                      for r in n["Resources"] if r.startswith("node_")}))
""")


@pytest.fixture(scope="module")
def cluster(build_dir):
    """A head with no CPUs and two worker nodes of one CPU each, torn down after the module."""
    root = build_dir / "tmp" / "cluster-faults"
    shutil.rmtree(root, ignore_errors=True)
    local.start(root, workers=2, cpus_per_worker=1, dashboard=False)
    try:
        yield root
    finally:
        local.stop(root)


def client_env(root: Path) -> dict:
    return local.client_environ(local.status(root))


def node_names(root: Path) -> dict[str, str]:
    res = subprocess.run([sys.executable, "-c", NODES], env=client_env(root), text=True,
                         capture_output=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def start_stage(root: Path, args: list[str], log: Path) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([EFFISKEL, *args, "--address", local.status(root)["address"],
                             "--progress", "false"], env=client_env(root), cwd=ROOT,
                            stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_for_shards(proc: subprocess.Popen, table: Path, n: int, log: Path,
                    timeout_s: float = 400) -> int:
    """Wait until `table` holds at least n finished shards; returns how many it holds."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        done = len(list(table.glob("*.parquet"))) if table.is_dir() else 0
        if done >= n:
            return done
        assert proc.poll() is None, f"the stage ended (rc {proc.returncode}) before {n} " \
                                    f"shards:\n{log.read_text()[-3000:]}"
        time.sleep(0.2)
    raise AssertionError(f"{table} held fewer than {n} shards after {timeout_s} s")


def finish(proc: subprocess.Popen, log: Path, timeout_s: float = 600) -> str:
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError(f"the stage did not finish:\n{log.read_text()[-3000:]}") from None
    text = log.read_text()
    assert proc.returncode == 0, text[-4000:]
    return text


def rows(table: Path, columns: list[str]) -> list[dict]:
    return pads.dataset(table, format="parquet").to_table(columns=columns).to_pylist()


def once(keys: list[tuple]) -> None:
    """Every key exactly once."""
    twice = [k for k, n in Counter(keys).items() if n > 1]
    assert twice == [], f"rows written more than once: {twice[:5]}"


def test_profile_loses_a_worker_node_and_gains_one_and_every_row_is_written_once(
        cluster, work_dir):
    tasks = sorted(MINI)[:16]
    corpus = make_corpus(work_dir / "corpus", [t.split("/")[1] for t in tasks], broken=False)
    out, log = work_dir / "profile", work_dir / "profile.log"
    names = node_names(cluster)
    proc = start_stage(cluster, ["profile", "--source", "mini", "--data", str(corpus),
                                 "--repeat", "2", "--out", str(out)], log)
    done = wait_for_shards(proc, out / "efficient", 2, log)
    assert done < len(tasks), "profile finished before the fault: give it more tasks"
    local.kill_worker(cluster, "w1")  # SIGKILL of the node: its raylet, actor and sandboxes
    grown = local.add_worker(cluster)["name"]  # while the stage still has tasks to do
    names.update(node_names(cluster))
    text = finish(proc, log)

    summary = json.loads((out / "summary.json").read_text())
    by_name = Counter({names.get(n, n): k for n, k in summary["units_by_node"].items()})
    assert sum(by_name.values()) == len(tasks) == summary["units"]
    assert by_name[grown] > 0, f"the node that joined got no work: {by_name}\n{text[-2000:]}"
    # every task once, every solution of every task once, each with a verdict
    task_rows = rows(out / "tasks", ["task_id"])
    assert sorted(r["task_id"] for r in task_rows) == tasks
    runs = rows(out / "runs", ["task_id", "solution_id", "verdict"])
    once([(r["task_id"], r["solution_id"]) for r in runs])
    assert Counter(r["task_id"] for r in runs) == {t: len(MINI[t][1]) for t in tasks}
    assert all(r["verdict"] for r in runs)
    efficient = rows(out / "efficient", ["task_id", "solution_id", "role"])
    once([(r["task_id"], r["solution_id"], r["role"]) for r in efficient])
    assert {r["task_id"] for r in efficient} == set(tasks)


def test_evaluate_gains_a_worker_node_and_loses_one_and_every_row_is_written_once(
        cluster, work_dir):
    tasks = sorted(MINI)[:20]
    out, log = work_dir / "evaluate", work_dir / "evaluate.log"
    names = node_names(cluster)
    alive = sorted(n for n in names.values() if n != "head")
    proc = start_stage(cluster, ["evaluate", "--source", "mini", "--samples",
                                 *write_sample_sets(work_dir, tasks), "--repeat", "6",
                                 "--timed_tests", "4", "--out", str(out)], log)
    wait_for_shards(proc, out / "results", 1, log)
    grown = local.add_worker(cluster)["name"]
    names.update(node_names(cluster))
    done = wait_for_shards(proc, out / "results", 4, log)
    assert done < len(tasks), "evaluate finished before the fault: give it more tasks"
    local.kill_worker(cluster, alive[0])
    text = finish(proc, log)

    summary = json.loads((out / "summary.json").read_text())
    by_name = Counter({names.get(n, n): k for n, k in summary["units_by_node"].items()})
    assert sum(by_name.values()) == len(tasks)
    assert by_name[grown] > 0, f"the node that joined got no work: {by_name}\n{text[-2000:]}"
    results = rows(out / "results", ["task_id", "method", "sample_id", "verdict", "time_ns",
                                     "ref_time_ns"])
    once([(r["task_id"], r["method"], r["sample_id"]) for r in results])
    assert sorted((r["task_id"], r["method"]) for r in results) == sorted(
        (t, m) for t in tasks for m in ("fast", "naive"))
    assert all(r["verdict"] == "AC" and r["time_ns"] and r["ref_time_ns"] for r in results)


def _experiment_config(work_dir: Path, tasks: int) -> Path:
    samples = write_sample_sets(work_dir, sorted(MINI)[:tasks])
    corpus = make_corpus(work_dir / "corpus", ["0000", "0001", "0002", "0003"], broken=False)
    cfg = {
        "out": str(work_dir / "exp"), "model": "tiny", "methods": ["instruct"],
        "baseline": "naive",
        "benchmarks": [{"source": "mini", "limit": tasks, "samples": samples}],
        "profile": {"source": "mini", "data": str(corpus), "repeat": 2, "top_k": 2},
        "extract": {"skeleton": {"strategies": ["sms"]}},
        "train": {"model": {"tiny_vocab_size": 256}},
        "generate": {"sampling": {"n": 1, "max_new_tokens": 16}, "device": "cpu"},
        "evaluate": {"repeat": 6, "timed_tests": 4},
        "compare": {"ks": [1], "n_boot": 200},
    }
    path = work_dir / "experiment.yaml"
    path.write_text(json.dumps(cfg))  # YAML reads JSON
    return path


def _stamps(table: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in table.glob("*.parquet")}


def test_the_experiment_driver_killed_mid_step_and_run_again_finishes_without_redoing_work(
        cluster, work_dir):
    tasks = 16
    config = _experiment_config(work_dir, tasks)
    exp = work_dir / "exp"
    log1, log2 = work_dir / "exp1.log", work_dir / "exp2.log"
    proc = start_stage(cluster, ["experiment", "--config", str(config)], log1)
    results = exp / "evaluate" / "mini" / "results"
    done = wait_for_shards(proc, results, 2, log1, timeout_s=600)
    os.killpg(proc.pid, signal.SIGKILL)  # the driver and anything of its session on this host
    proc.wait(timeout=30)
    assert done < tasks, "evaluate finished before the kill: give it more tasks"
    finished = sorted(p.name for p in (exp / "steps").glob("*.json"))
    assert finished == ["base.json", "extract.json", "generate__mini.json", "profile.json"]
    before = {t: _stamps(exp / t) for t in ("profile/runs", "extract/skeletons",
                                             "generate/mini/samples")}
    partial = _stamps(results)

    proc = start_stage(cluster, ["experiment", "--config", str(config)], log2)
    text = finish(proc, log2)
    for step in ("profile", "extract", "base", "generate/mini"):
        assert f"{step}: done earlier, skipped" in text
    assert "evaluate/mini" in text and "compare/mini" in text
    # nothing that was complete was written again: earlier steps' shards and evaluate's own
    assert {t: _stamps(exp / t) for t in before} == before
    after = _stamps(results)
    assert {k: after[k] for k in partial} == partial
    got = rows(results, ["task_id", "method", "sample_id"])
    once([(r["task_id"], r["method"], r["sample_id"]) for r in got])
    assert Counter(r["method"] for r in got) == {"fast": tasks, "naive": tasks,
                                                  "instruct": tasks}
    assert (exp / "report" / "mini" / "report.html").is_file()
    assert "| fast" in text or "fast |" in text  # the Table 3 form printed at the end
    still = [p for p in psutil.process_iter(["cmdline"])
             if str(config) in " ".join(p.info["cmdline"] or ())]
    assert still == []
