"""Stage 2 on real local Ray: skeleton rows from a real Stage 1 run, resuming, bad input."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

from data_pipeline.extract import ExtractConfig, profile_tests, run
from data_pipeline.profile import ProfileConfig
from data_pipeline.profile import run as run_profile
from effiskel.sandbox import Limits
from effiskel.skeleton.extract import CharMask, SkeletonConfig
from effiskel.skeleton.render import check_skeleton
from tests.data_pipeline.conftest import make_corpus


def stage1_config(out: Path) -> ProfileConfig:
    return ProfileConfig(source="mini", data=str(out.parent / "corpus"), out=str(out), repeat=2,
                         workers=2, progress=False, limits=Limits(cpu_time_s=2))


@pytest.fixture(scope="module")
def stage1(ray_session, build_dir) -> Path:
    root = build_dir / "tmp" / "extract-stage1"
    shutil.rmtree(root, ignore_errors=True)
    make_corpus(root / "corpus", ["0000", "0001", "0002", "0003"])
    out = root / "profile"
    run_profile(stage1_config(out))
    return out


def rows(out: Path) -> list[dict]:
    return pads.dataset(out / "skeletons", format="parquet").to_table().to_pylist()


def top_k(stage1: Path) -> dict[str, list[dict]]:
    """Stage 1's efficient solutions (role top_k) of each task, best first."""
    by_task: dict[str, list[dict]] = {}
    for r in pads.dataset(stage1 / "efficient").to_table().to_pylist():
        if r["role"] == "top_k":
            by_task.setdefault(r["task_id"], []).append(r)
    return {t: sorted(sols, key=lambda r: r["rank"]) for t, sols in by_task.items()}


def keys(got: list[dict]) -> list[tuple]:
    return sorted((r["task_id"], r["solution_id"], r["strategy"]) for r in got)


def test_extract_end_to_end(stage1, work_dir):
    out = work_dir / "x"
    summary = run(ExtractConfig(input=str(stage1), out=str(out), workers=2, progress=False))
    got = rows(out)
    efficient = top_k(stage1)
    n_solutions = sum(len(s) for s in efficient.values())
    assert n_solutions == 5 * len(efficient)  # the mini tasks have at least five correct
    # One tuple per efficient solution and strategy, each solution C_ref of its own rows.
    assert keys(got) == sorted((t, s["solution_id"], strategy) for t, sols in efficient.items()
                               for s in sols for strategy in ("sms", "sss", "tas"))
    by = {(r["task_id"], r["solution_id"], r["strategy"]): r for r in got}
    for task, sols in efficient.items():
        for sol in sols:
            for strategy in ("sms", "sss", "tas"):
                r = by[(task, sol["solution_id"], strategy)]
                assert r["status"] == "ok", r["reason"]
                assert r["reason"] is None  # every solution's line profile was taken and used
                assert r["rank"] == sol["rank"] and r["code"] == sol["code"]
                assert r["num_solutions"] == 5
                assert len(r["char_mask"]) == len(r["code"])
                check_skeleton(CharMask.from_string(r["code"], r["char_mask"]), r["skeleton"])
                assert r["skeleton"].count("<MASK>") == r["num_masks"]
                assert r["prompt"] and 0 <= r["kept_fraction"] <= 1
    assert summary["tasks"] == len(efficient) and summary["solutions"] == n_solutions
    assert summary["k"] == 5 and summary["tasks_with_fewer_than_k"] == 0
    assert {s: (v["tuples"], v["errors"]) for s, v in summary["strategies"].items()} == {
        s: (n_solutions, 0) for s in ("sms", "sss", "tas")}
    assert summary["errors"] == {} and summary["notes"] == {}


def test_extract_counts_tasks_with_fewer_than_k_solutions(stage1, work_dir, capsys):
    """A task whose efficient set is short gives as many tuples as it has solutions, and the
    summary counts it."""
    src = work_dir / "stage1"
    shutil.copytree(stage1, src)
    shard = next(p for p in sorted((src / "efficient").glob("*.parquet"))
                 if "top_k" in pq.read_table(p, columns=["role"])["role"].to_pylist())
    table = pq.read_table(shard)
    short = next(r["task_id"] for r in table.to_pylist() if r["role"] == "top_k")
    kept = [r for r in table.to_pylist()
            if not (r["task_id"] == short and r["role"] == "top_k" and r["rank"] > 2)]
    pq.write_table(pa.Table.from_pylist(kept, schema=table.schema), shard)
    out = work_dir / "x"
    summary = run(ExtractConfig(input=str(src), out=str(out), workers=1, progress=False,
                                skeleton=SkeletonConfig(strategies=("sms", "sss"))))
    mine = [r for r in rows(out) if r["task_id"] == short]
    assert sorted((r["rank"], r["strategy"]) for r in mine) == [
        (1, "sms"), (1, "sss"), (2, "sms"), (2, "sss")]
    assert all(r["status"] == "ok" and r["num_solutions"] == 2 for r in mine)
    n = sum(len(s) for s in top_k(src).values())
    assert summary["tasks_with_fewer_than_k"] == 1 and summary["solutions"] == n
    assert summary["strategies"]["sss"]["tuples"] == n == len(rows(out)) // 2
    assert "fewer than K = 5" in capsys.readouterr().out


def test_extract_resumes_missing_shards_only(stage1, work_dir):
    out = work_dir / "x"
    cfg = ExtractConfig(input=str(stage1), out=str(out), workers=1, progress=False,
                        skeleton=SkeletonConfig(strategies=("sms", "sss")))
    first_summary = run(cfg)
    shards = sorted((out / "skeletons").glob("*.parquet"))
    first = {(r["task_id"], r["solution_id"], r["strategy"]): r["skeleton"] for r in rows(out)}
    victim = next(p for p in shards if len(pq.read_table(p)))  # a shard holding tasks
    lost = len(pq.read_table(victim))
    victim.unlink()  # as if the run had crashed before this shard
    kept = {p: p.stat().st_mtime for p in shards if p != victim}
    again = run(cfg)
    assert victim.exists()
    assert {p: p.stat().st_mtime for p in shards if p != victim} == kept
    got = rows(out)
    assert len(keys(got)) == len(set(keys(got))) == len(first)  # every row exactly once
    assert {(r["task_id"], r["solution_id"], r["strategy"]): r["skeleton"] for r in got} == first
    assert again["resumed_tasks"] == again["tasks"] - lost // (2 * 5)
    # A resumed run's summary counts what the finished shards hold.
    strip = ("resumed_tasks", "seconds")
    assert {k: v for k, v in again.items() if k not in strip} == {
        k: v for k, v in first_summary.items() if k not in strip}


def test_a_damaged_input_shard_is_reported_and_done_once_profile_redid_it(stage1, work_dir,
                                                                          capsys):
    root = work_dir / "stage1"  # a copy of Stage 1's output beside its corpus
    shutil.copytree(stage1.parent / "corpus", root / "corpus")
    src = root / "profile"
    shutil.copytree(stage1, src)
    victim = next(p for p in sorted((src / "efficient").glob("*.parquet"))
                  if "top_k" in pq.read_table(p, columns=["role"])["role"].to_pylist())
    victim.write_bytes(victim.read_bytes()[:-40])  # cut short
    out = work_dir / "x"
    cfg = ExtractConfig(input=str(src), out=str(out), workers=1, progress=False,
                        skeleton=SkeletonConfig(strategies=("sms",)))
    first = run(cfg)
    assert [d.split(": ")[0] for d in first["damaged_inputs"]] == [str(victim)]
    assert not (out / "skeletons" / victim.name).exists()  # not written from a bad input
    assert f"not read: {victim}" in capsys.readouterr().out
    redo = run_profile(stage1_config(src))  # Stage 1's rerun checks and redoes it
    assert [r.split(":")[0] for r in redo["shards_redone"]] == [str(victim)]
    again = run(cfg)
    assert again["damaged_inputs"] == [] and (out / "skeletons" / victim.name).exists()
    assert again["tasks"] == len(top_k(src)) and again["resumed_tasks"] < again["tasks"]
    assert keys(rows(out)) == sorted((t, s["solution_id"], "sms") for t, sols in top_k(src).items()
                                     for s in sols)


def test_profile_tests_are_the_largest_inputs():
    task = {"tests": [{"input": "1", "output": None}, {"input": "1 2 3", "output": None},
                      {"input": "12", "output": None}]}
    assert [t["input"] for t in profile_tests(task, 2)] == ["1 2 3", "12"]


def test_extract_bad_input_fails_before_ray(work_dir):
    start = time.time()
    out = subprocess.run([str(Path(sys.executable).parent / "effiskel"), "extract", "--in",
                          str(work_dir / "missing"), "--out", str(work_dir / "o")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "no efficient/ directory" in out.stderr
    assert time.time() - start < 20
