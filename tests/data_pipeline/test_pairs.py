"""The pairs stage on real local Ray, over real Stage 1 and Stage 2 runs of a small mini corpus:
pairs of both stages with their skeleton pairs, the summary's counts, reruns, missing and bad
input, and the DPO trainers reading what it writes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow.dataset as pads
import pytest

from data_pipeline.extract import ExtractConfig
from data_pipeline.extract import run as run_extract
from data_pipeline.pairs import PairsConfig, run, validate
from data_pipeline.profile import ProfileConfig
from data_pipeline.profile import run as run_profile
from effiskel.pairs import PairsConfig as PairRules
from effiskel.sandbox import Limits
from effiskel.skeleton.extract import CharMask, SkeletonConfig
from effiskel.skeleton.render import check_skeleton
from tests.data_pipeline.conftest import make_corpus

NO_INCORRECT = "mini/0800"  # a copy of mini/0002 without its wrong solution


@pytest.fixture(scope="module")
def stages(ray_session, build_dir) -> tuple[Path, Path]:
    """Stage 1 (top 3, so every task keeps slow solutions too) and Stage 2 (TAS) outputs."""
    root = build_dir / "tmp" / "pairs-stages"
    shutil.rmtree(root, ignore_errors=True)
    corpus = make_corpus(root / "corpus", ["0000", "0001", "0002"])
    shutil.move(corpus / "0002", corpus / "0800")
    for name in ("solutions.json", "metadata.json"):  # its last solution is the wrong one
        data = json.loads((corpus / "0800" / name).read_text())
        if name == "solutions.json":
            data = data[:-1]
        else:
            assert data["solutions"][-1]["expected"] == "WA"
            data["solutions"] = data["solutions"][:-1]
        (corpus / "0800" / name).write_text(json.dumps(data))
    stage1, stage2 = root / "profile", root / "extract"
    run_profile(ProfileConfig(source="mini", data=str(corpus), out=str(stage1), top_k=3,
                              repeat=2, workers=2, progress=False, limits=Limits(cpu_time_s=2)))
    run_extract(ExtractConfig(input=str(stage1), out=str(stage2), workers=2, progress=False,
                              skeleton=SkeletonConfig(strategies=("tas",))))
    return stage1, stage2


def table(path: Path) -> list[dict]:
    return pads.dataset(path, format="parquet").to_table().to_pylist()


def config(stages, out: Path, **kw) -> PairsConfig:
    stage1, stage2 = stages
    return PairsConfig(**{"input": str(stage1), "skeletons": str(stage2), "out": str(out),
                          "workers": 2, "progress": False, **kw})


def keys(rows: list[dict]) -> list[tuple]:
    return sorted((r["task_id"], r["stage"], str(r["chosen_id"]), str(r["rejected_id"]))
                  for r in rows)


def test_pairs_end_to_end_then_a_rerun_adds_nothing(stages, work_dir, capsys):
    stage1, stage2 = stages
    out = work_dir / "pairs"
    summary = run(config(stages, out))
    rows = table(out / "pairs")
    efficient = table(stage1 / "efficient")
    role = {r["solution_id"]: r for r in efficient}
    tas = {r["solution_id"]: r for r in table(stage2 / "skeletons") if r["strategy"] == "tas"}
    tasks = sorted({r["task_id"] for r in efficient})
    assert tasks == ["mini/0000", "mini/0001", NO_INCORRECT]  # the broken tasks were dropped
    by = {(t, s): [r for r in rows if (r["task_id"], r["stage"]) == (t, s)]
          for t in tasks for s in ("correctness", "efficiency")}
    assert all(by.values()) and sum(map(len, by.values())) == len(rows)  # nothing else

    # Correctness: each efficient solution, in rank order, against an incorrect one.
    for task in ("mini/0000", "mini/0001"):
        got = by[(task, "correctness")]
        top = sorted((r for r in efficient if r["task_id"] == task and r["role"] == "top_k"),
                     key=lambda r: r["rank"])
        assert [r["chosen_id"] for r in got] == [r["solution_id"] for r in top]
        for r in got:
            assert r["status"] == "ok" and r["prompt"] and r["chosen"] == role[r["chosen_id"]]["code"]
            assert role[r["rejected_id"]]["role"] == "incorrect" and r["rejected_verdict"] == "WA"
    [skipped] = by[(NO_INCORRECT, "correctness")]
    assert skipped["status"] == "skipped" and skipped["chosen_id"] is None
    assert skipped["reason"].startswith("no-incorrect-solution: ")

    # Efficiency: an efficient solution against a correct one at least 2x slower, with its
    # skeleton pair (mini's slowest solutions are 5-100x the fastest).
    eff = [r for r in rows if r["stage"] == "efficiency" and r["status"] == "ok"]
    assert {r["task_id"] for r in eff} == set(tasks)
    for r in eff:
        fast, slow = role[r["chosen_id"]], role[r["rejected_id"]]
        assert (fast["role"], slow["role"], slow["verdict"]) == ("top_k", "slowest", "AC")
        assert r["rejected"] == slow["code"] and r["slowdown"] >= 2.0
        assert r["slowdown"] == pytest.approx(slow["time_ns"] / fast["time_ns"])
        assert r["skeleton_status"] == "ok", r["skeleton_reason"]
        assert r["chosen_skeleton"] == tas[r["chosen_id"]]["skeleton"]  # Stage 2's own row
        check_skeleton(CharMask.from_string(r["rejected"], r["rejected_char_mask"]),
                       r["rejected_skeleton"])
        assert 0 < r["rejected_kept_fraction"] <= 1  # 1: nothing shared with the fast one
    assert any("<MASK>" in r["rejected_skeleton"] for r in eff)  # most share some code

    # The summary counts what the rows hold.
    assert summary["tasks"] == 3 and summary["resumed_tasks"] == 0
    ok = Counter(r["stage"] for r in rows if r["status"] == "ok")
    assert summary["pairs"] == {"correctness": ok["correctness"], "efficiency": len(eff)}
    assert summary["pairs"]["correctness"] == 6 and summary["skeleton_pairs"] == len(eff)
    assert summary["tasks_without"] == {"correctness": {"no-incorrect-solution": 1},
                                        "efficiency": {}}
    assert summary["no_skeleton"] == {} and summary["slowdown"]["min"] >= 2.0
    assert json.loads((out / "summary.json").read_text())["pairs"] == summary["pairs"]
    report = capsys.readouterr().out
    assert "correctness pairs: 6; tasks without any: 1" in report
    assert "no-incorrect-solution" in report

    # A rerun reuses every shard: no write, the same rows, the same counts.
    shards = {p: p.stat().st_mtime_ns for p in (out / "pairs").glob("*.parquet")}
    again = run(config(stages, out))
    assert {p: p.stat().st_mtime_ns for p in (out / "pairs").glob("*.parquet")} == shards
    assert table(out / "pairs") == rows and again["resumed_tasks"] == 3
    strip = ("resumed_tasks", "seconds")
    assert {k: v for k, v in again.items() if k not in strip} == {
        k: v for k, v in summary.items() if k not in strip}


def test_a_lost_shard_is_redone_once_and_a_missing_skeletons_shard_waits(stages, work_dir,
                                                                        capsys):
    stage1, stage2 = stages
    copy = work_dir / "extract"  # Stage 2's output with one unit not written yet
    shutil.copytree(stage2, copy)
    victim = next(p for p in sorted((copy / "skeletons").glob("*.parquet")) if table(p))
    held = victim.rename(work_dir / victim.name)
    out = work_dir / "pairs"
    cfg = config((stage1, copy), out, workers=1)
    first = run(cfg)
    assert first["missing_skeletons"] == [str(victim)] and first["tasks"] == 2
    assert not (out / "pairs" / victim.name).exists()  # no pair without its skeletons
    assert f"not written: {victim} is missing" in capsys.readouterr().out
    held.rename(victim)
    second = run(cfg)  # writes the unit that waited, reuses the others
    assert second["missing_skeletons"] == [] and second["tasks"] == 3
    assert second["resumed_tasks"] == 2
    whole = keys(table(out / "pairs"))
    lost = next(p for p in sorted((out / "pairs").glob("*.parquet"))
                if p.name != victim.name and table(p))
    n_lost = len(table(lost))
    lost.unlink()  # as if the run had crashed before this shard
    third = run(cfg)
    assert keys(table(out / "pairs")) == whole  # every pair again, and exactly once
    assert len(whole) == len(set(whole)) and third["resumed_tasks"] == 2 and n_lost > 0


def test_the_dpo_trainers_read_the_pairs_of_both_stages(stages, work_dir):
    from effiskel.training import dpo

    out = work_dir / "pairs"
    run(config(stages, out))
    rows = dpo.read_pairs(out / "pairs")
    correctness, _ = dpo.stage_examples(rows, "correctness", with_skeleton=False)
    skeleton, left_out = dpo.stage_examples(rows, "efficiency", with_skeleton=True)
    assert len(correctness) == 6 and skeleton and left_out == {}
    assert all(ex["skel_chosen"] and ex["skel_rejected"] for ex in skeleton)


def test_skeleton_settings_other_than_stage_2s_fail_before_ray(stages, work_dir):
    with pytest.raises(ValueError, match=r"skeleton.sss_threshold = 0.8 .* pass "
                                         r"--pairs.skeleton.sss_threshold 0.8"):
        validate(config(stages, work_dir / "p",
                        pairs=PairRules(skeleton=SkeletonConfig(sss_threshold=0.9))))
    with pytest.raises(ValueError, match=r"made \['tas'\] skeletons, not 'sss'"):
        validate(config(stages, work_dir / "p", pairs=PairRules(strategy="sss")))
    with pytest.raises(ValueError, match="is the --in directory"):
        validate(config(stages, stages[0]))


def test_pairs_bad_input_fails_before_ray(work_dir):
    start = time.time()
    effiskel = str(Path(sys.executable).parent / "effiskel")
    (work_dir / "profile" / "efficient").mkdir(parents=True)
    out = subprocess.run([effiskel, "pairs", "--in", str(work_dir / "profile"), "--skeletons",
                          str(work_dir / "missing"), "--out", str(work_dir / "o")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "has no skeletons/ directory" in out.stderr, out.stderr
    out = subprocess.run([effiskel, "pairs", "--in", str(work_dir / "profile"),
                          "--min-slowdown", "0.5"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "min_slowdown must be at least 1" in out.stderr, out.stderr
    assert time.time() - start < 30
