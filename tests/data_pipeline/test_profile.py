"""Stage 1 on real local Ray: tables, efficient set, summary, and resuming after crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psutil
import pyarrow.dataset as pads
import pytest

from data_pipeline.profile import ProfileConfig, run
from effiskel.sandbox import Limits
from tests.data_pipeline.conftest import cli_env, make_corpus, process_tree, still_running


def table(out: Path, name: str) -> list[dict]:
    return pads.dataset(out / name, format="parquet").to_table().to_pylist()


def cfg_for(corpus: Path, out: Path, **kw) -> ProfileConfig:
    base = dict(source="mini", data=str(corpus), out=str(out), repeat=2, top_k=3,
                chunk_size=2, workers=2, progress=False, limits=Limits(cpu_time_s=2))
    base.update(kw)
    return ProfileConfig(**base)


def test_profile_end_to_end(ray_session, corpus, work_dir, capsys):
    out = work_dir / "out"
    summary = run(cfg_for(corpus, out))

    tasks = {t["task_id"]: t for t in table(out, "tasks")}
    assert len(tasks) == 8
    assert tasks["mini/9001"]["status"] == "error" and "9001" in tasks["mini/9001"]["reason"]

    runs = table(out, "runs")
    keys = Counter((r["task_id"], r["solution_id"]) for r in runs)
    assert max(keys.values()) == 1, "a solution was profiled twice"
    solutions_in = sum(len(json.loads((corpus / d / "solutions.json").read_text()))
                       for d in ("0000", "0001", "0002", "9002", "9003"))
    assert len(runs) >= solutions_in  # every readable solution has a row (9001's too)
    verdicts = Counter(r["verdict"] for r in runs if r["task_id"] == "mini/9003")
    assert verdicts == Counter({"WA": 1, "RE": 2})

    eff = table(out, "efficient")
    by_task: dict[str, list[dict]] = {}
    for r in eff:
        by_task.setdefault(r["task_id"], []).append(r)
    assert set(by_task) == {"mini/0000", "mini/0001", "mini/0002"}
    for task_id, rows in by_task.items():
        top = sorted((r for r in rows if r["role"] == "top_k"), key=lambda r: r["rank"])
        assert [r["rank"] for r in top] == [1, 2, 3]
        # ranked by the noise-robust level (median_ns), not by the stored mean T
        level = {r["solution_id"]: r["median_ns"] for r in runs
                 if r["task_id"] == task_id and r["verdict"] == "AC"}
        assert [level[r["solution_id"]] for r in top] == sorted(level.values())[:3]
        slowest = [r for r in rows if r["role"] == "slowest"]
        assert slowest and level[slowest[0]["solution_id"]] == max(level.values())
        assert all(r["verdict"] != "AC" for r in rows if r["role"] == "incorrect")
        assert all(r["prompt"] and r["code"] for r in rows)
    timed = [r for r in runs if r["verdict"] == "AC"]
    assert all(r["repeats"] == 2 and r["ci_low_ns"] <= r["median_ns"] <= r["ci_high_ns"]
               for r in timed)

    assert summary["tasks_in"] == 8 and summary["tasks_kept"] == 3
    not_run = summary["solutions_not_run"]
    assert not_run.get("task unusable", 0) >= len(
        json.loads((corpus / "9001" / "solutions.json").read_text()))
    dropped = summary["tasks_dropped"]
    assert dropped.get("no correct solution") == 1
    assert dropped.get("no solutions") == 1
    assert dropped.get("unusable task: missing-file") == 1  # the empty folder, 9005
    assert sum(v for k, v in dropped.items() if k.startswith("unusable task")) == 3
    cpus = summary["worker_cpus"]  # each sandbox worker pinned, no two to one CPU
    assert cpus and all(c.startswith("CPU ") for c in cpus.values())
    assert len(set(cpus.values())) == len(cpus)
    report = capsys.readouterr().out  # what the driver printed: the report names the log
    assert "pinned to a CPU each" in report and f"Ray's own logs: {out / 'profile.log'}" in report
    assert json.loads((out / "summary.json").read_text()) == summary


def test_codenet_skipped_languages_are_counted(ray_session, work_dir, capsys):
    data = Path(__file__).parents[1] / "tasks" / "fixtures" / "codenet"
    summary = run(ProfileConfig(source="codenet", data=str(data), out=str(work_dir / "out"),
                                repeat=1, workers=1, progress=False))
    skipped = {k: v for k, v in summary["solutions_not_run"].items()
               if k.startswith("unsupported-language")}
    assert sum(skipped.values()) >= 3  # p00001's two C++ and one Java submissions
    assert "unsupported-language" in capsys.readouterr().out


def test_tables_are_readable_by_pandas_and_datasets(ray_session, work_dir):
    corpus = make_corpus(work_dir / "corpus", ["0004"], broken=False)
    out = work_dir / "out"
    run(cfg_for(corpus, out, workers=1))
    import datasets
    import pandas as pd

    eff = pd.read_parquet(out / "efficient")
    assert len(eff) > 0 and {"task_id", "rank", "role", "code"} <= set(eff.columns)
    hf = datasets.Dataset.from_parquet([str(p) for p in (out / "runs").glob("*.parquet")])
    assert "verdict" in hf.column_names and len(hf) > 0


def test_rerun_skips_everything_and_adds_no_rows(ray_session, corpus, work_dir):
    out = work_dir / "out"
    run(cfg_for(corpus, out))
    first = sorted((r["task_id"], r["solution_id"]) for r in table(out, "runs"))
    mtimes = {p: p.stat().st_mtime for p in out.rglob("*.parquet")}
    again = run(cfg_for(corpus, out))
    assert again["resumed_tasks"] == again["tasks_in"] == 8
    assert sorted((r["task_id"], r["solution_id"]) for r in table(out, "runs")) == first
    assert {p: p.stat().st_mtime for p in out.rglob("*.parquet")} == mtimes  # nothing rewritten


RAY_CHATTER = ("INFO", "WARNING", "streaming_executor", "core_worker", "Started a local Ray")


def test_resume_after_killing_the_driver(build_dir, work_dir):
    corpus = make_corpus(work_dir / "corpus",
                         ["0000", "0001", "0002", "0003", "0004", "0005", "0006", "0007"],
                         broken=False)
    out = work_dir / "out"
    cmd = [str(Path(sys.executable).parent / "effiskel"), "profile", "--source", "mini",
           "--data", str(corpus), "--out", str(out), "--repeat", "3", "--workers", "2",
           "chunk_size=2", "progress=false"]
    proc = subprocess.Popen(cmd, env=cli_env(build_dir), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while time.time() < deadline and len(list((out / "runs").glob("*.parquet"))) < 3:
        time.sleep(0.2)
    tree = process_tree(proc.pid)  # the driver, its embedded Ray, the actors, their sandboxes
    assert any("ProfileUnits" in " ".join(p.cmdline()) for p in tree[1:])
    os.killpg(proc.pid, signal.SIGKILL)  # the driver and everything in its process group
    proc.wait()
    assert still_running(tree, within_s=10) == []
    partial = len(list((out / "efficient").glob("*.parquet")))
    assert partial < 8, "the run finished before it could be killed"
    done = subprocess.run(cmd, env=cli_env(build_dir), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["tasks_in"] == 8 and summary["tasks_kept"] == 8
    assert summary["resumed_tasks"] >= 1
    runs = Counter((r["task_id"], r["solution_id"]) for r in table(out, "runs"))
    assert max(runs.values()) == 1 and len(runs) == summary["solutions"]
    eff = Counter((r["task_id"], r["solution_id"]) for r in table(out, "efficient"))
    assert max(eff.values()) == 1
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]
    # What the user saw: our lines only; Ray's own went to the log the report names.
    terminal = done.stdout + done.stderr
    assert not [line for line in terminal.splitlines() if any(w in line for w in RAY_CHATTER)]
    assert done.stdout.startswith("profile: 8 units, 2 workers (embedded Ray)\n")
    assert f"Ray's own logs: {out / 'profile.log'}" in done.stdout
    log = (out / "profile.log").read_text()
    assert "Started a local Ray instance" in log and "streaming_executor" in log


def _profile_actor_pids() -> list[int]:
    """This session's profile actors: descendants of this process (its embedded Ray's
    raylet forks them), never another checkout's Ray on the same machine."""
    found = []
    for p in psutil.Process().children(recursive=True):
        try:
            if "ProfileUnits" in " ".join(p.cmdline()):
                found.append(p.pid)
        except psutil.Error:  # ended, or not ours to read
            pass
    return found


def test_resume_after_a_worker_dies(ray_session, work_dir):
    corpus = make_corpus(work_dir / "corpus", ["0008", "0009", "0010", "0011", "0012"],
                         broken=False)
    out = work_dir / "out"
    result = {}
    t = threading.Thread(target=lambda: result.update(
        s=run(cfg_for(corpus, out, repeat=3))))
    t.start()
    deadline = time.time() + 240
    killed = False
    while time.time() < deadline and t.is_alive() and not killed:
        pids = _profile_actor_pids()
        if pids and list((out / "runs").glob("*.parquet")):
            os.kill(pids[0], signal.SIGKILL)
            killed = True
        time.sleep(0.1)
    t.join(timeout=600)
    assert killed, "no worker was seen to kill"
    summary = result["s"]
    assert summary["tasks_in"] == 5 and summary["tasks_kept"] == 5
    runs = Counter((r["task_id"], r["solution_id"]) for r in table(out, "runs"))
    assert max(runs.values()) == 1 and len(runs) == summary["solutions"]


@pytest.mark.parametrize("overrides,message", [
    (["--source", "nope"], "unknown task source"),
    (["--source", "apps"], "needs --data"),
    (["--source", "apps", "--data", "/nonexistent"], "does not exist"),
    (["--source", "mini", "limits.bogus=1"], "unknown key"),
])
def test_profile_bad_input_fails_before_ray(work_dir, overrides, message):
    start = time.time()
    out = subprocess.run([str(Path(sys.executable).parent / "effiskel"), "profile", "--out",
                          str(work_dir / "o"), *overrides], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 2 and message in out.stderr
    assert time.time() - start < 20  # no Ray start-up
