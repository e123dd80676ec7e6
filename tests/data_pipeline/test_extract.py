"""Stage 2 on real local Ray: skeleton rows from a real Stage 1 run, resuming, bad input."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pyarrow.dataset as pads
import pytest

from data_pipeline.extract import ExtractConfig, profile_tests, run
from data_pipeline.profile import ProfileConfig
from data_pipeline.profile import run as run_profile
from effiskel.sandbox import Limits
from effiskel.skeleton import CharMask, SkeletonConfig
from effiskel.skeleton.render import check_skeleton
from tests.data_pipeline.conftest import make_corpus


@pytest.fixture(scope="module")
def stage1(ray_session, build_dir) -> Path:
    root = build_dir / "tmp" / "extract-stage1"
    import shutil

    shutil.rmtree(root, ignore_errors=True)
    corpus = make_corpus(root / "corpus", ["0000", "0001", "0002", "0003"])
    out = root / "profile"
    run_profile(ProfileConfig(source="mini", data=str(corpus), out=str(out), repeat=2,
                              workers=2, progress=False, limits=Limits(cpu_time_s=2)))
    return out


def rows(out: Path) -> list[dict]:
    return pads.dataset(out / "skeletons", format="parquet").to_table().to_pylist()


def test_extract_end_to_end(stage1, work_dir):
    out = work_dir / "x"
    summary = run(ExtractConfig(input=str(stage1), out=str(out), workers=2, progress=False))
    got = rows(out)
    kept_tasks = {r["task_id"] for r in pads.dataset(stage1 / "efficient").to_table().to_pylist()}
    assert {r["task_id"] for r in got} == kept_tasks  # every task of the efficient set
    assert len(got) == 3 * len(kept_tasks)  # one row per strategy
    by = {(r["task_id"], r["strategy"]): r for r in got}
    for task in kept_tasks:
        for strategy in ("sms", "sss", "tas"):
            r = by[(task, strategy)]
            assert r["status"] == "ok", r["reason"]
            assert len(r["char_mask"]) == len(r["code"])
            check_skeleton(CharMask.from_string(r["code"], r["char_mask"]), r["skeleton"])
            assert r["skeleton"].count("<MASK>") == r["num_masks"]
            assert r["prompt"] and 0 <= r["kept_fraction"] <= 1
    assert summary["tasks"] == len(kept_tasks)
    assert all(s["ok"] == len(kept_tasks) for s in summary["strategies"].values())


def test_extract_resumes_missing_shards_only(stage1, work_dir):
    out = work_dir / "x"
    cfg = ExtractConfig(input=str(stage1), out=str(out), workers=1, progress=False,
                        skeleton=SkeletonConfig(strategies=("sms", "sss")))
    run(cfg)
    shards = sorted((out / "skeletons").glob("*.parquet"))
    first = {(r["task_id"], r["strategy"]): r["skeleton"] for r in rows(out)}
    victim = shards[0]
    victim.unlink()  # as if the run had crashed before this shard
    kept = {p: p.stat().st_mtime for p in shards[1:]}
    again = run(cfg)
    assert victim.exists()
    assert {p: p.stat().st_mtime for p in shards[1:]} == kept
    assert {(r["task_id"], r["strategy"]): r["skeleton"] for r in rows(out)} == first
    assert again["resumed_tasks"] == again["tasks"] - 1


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
