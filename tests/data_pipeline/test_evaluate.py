"""Evaluate on real local Ray with the real sandbox: every input sample a results row, paired
timing beside the reference, resuming, and the bars: A/A, a known answer on ENAMEL, and
agreement with EvalPlus's own evaluator on HumanEval+."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow.dataset as pads
import pytest

from data_pipeline.evaluate import run
from data_pipeline.shards import write_shard
from effiskel.config import CompareConfig, EvaluateConfig
from effiskel.sandbox import Limits
from effiskel.schema import RESULTS, SAMPLES, empty_row
from effiskel.tasks import iter_source
from jobs.compare import compare
from tests.conftest import shared_data

MINI = {t["task_id"]: (t, sols) for t, sols in iter_source("mini")}


def table(out: Path) -> list[dict]:
    return pads.dataset(out / "results", format="parquet").to_table().to_pylist()


def fastest_correct(task_id: str) -> str:
    """A fast correct solution of a mini task: its last one the suite expects to pass
    (each task's solutions go from naive to efficient)."""
    task, sols = MINI[task_id]
    labels = json.loads(task["metadata"])["solutions"]
    return [s["code"] for s, lab in zip(sols, labels) if lab["expected"] == "AC"][-1]


def wrong(task_id: str) -> str:
    task, sols = MINI[task_id]
    labels = json.loads(task["metadata"])["solutions"]
    return next(s["code"] for s, lab in zip(sols, labels) if lab["expected"] == "WA")


def sample(task_id, method, sid, code=None, status="ok", reason=None) -> dict:
    row = empty_row(SAMPLES)
    row.update(task_id=task_id, method=method, sample_id=sid, code=code, status=status,
               reason=reason, source="mini")
    return row


def cfg_for(out: Path, samples: list[str], **kw) -> EvaluateConfig:
    base = dict(source="mini", samples=samples, out=str(out), repeat=2, timed_tests=2,
                workers=2, progress=False, limits=Limits(cpu_time_s=2))
    base.update(kw)
    return EvaluateConfig(**base)


def test_every_sample_is_a_row_and_correct_ones_are_timed_beside_the_reference(
        ray_session, work_dir, capsys):
    a, b = "mini/0007", "mini/0025"
    gen = work_dir / "gen"
    write_shard([sample(a, "gen", 0, fastest_correct(a)),
                 sample(a, "gen", 1, wrong(a)),
                 sample(a, "gen", 2, status="no_program", reason="no-code: nothing to run"),
                 sample(a, "gen", 3, status="error", reason="too-long: prompt over the context"),
                 sample(b, "gen", 0, fastest_correct(b)),
                 sample("mini/9999", "gen", 0, "print(1)\n")],
                SAMPLES, gen / "samples" / "part-0.parquet")
    ext = work_dir / "ext.jsonl"
    ext.write_text("\n".join([json.dumps({"task_id": a, "solution": fastest_correct(a)}),
                              json.dumps({"task_id": "0025", "solution": "raise ValueError\n"}),
                              "{oops"]) + "\n")
    out = work_dir / "out"
    cfg = cfg_for(out, [str(gen), f"{ext}:ext"])
    summary = run(cfg)

    rows = table(out)
    assert set(rows[0]) == set(RESULTS.names)
    assert len(rows) == 6 + 3  # every input sample, the unreadable line included
    keys = Counter((r["task_id"], r["method"], r["sample_id"]) for r in rows)
    assert max(keys.values()) == 1
    by = {(r["task_id"], r["method"], r["sample_id"]): r for r in rows}
    assert by[(a, "gen", 1)]["verdict"] == "WA" and by[(a, "gen", 1)]["reason"]
    assert by[(a, "gen", 2)]["verdict"] == "NO_PROGRAM" and by[(a, "gen", 2)]["status"] == "ok"
    assert by[(a, "gen", 3)]["verdict"] == "GEN_ERROR"
    assert by[(b, "ext", 0)]["verdict"] == "RE" and "ValueError" in by[(b, "ext", 0)]["reason"]
    missing = by[("mini/9999", "gen", 0)]
    assert missing["status"] == "skipped" and "not in source 'mini'" in missing["reason"]
    bad = by[(None, "ext", None)]
    assert bad["status"] == "error" and "ext.jsonl line 3" in bad["reason"]
    timed = [r for r in rows if r["verdict"] == "AC"]
    assert {(r["task_id"], r["method"]) for r in timed} == {(a, "gen"), (b, "gen"), (a, "ext")}
    for r in timed:
        assert r["time_ns"] > 0 and r["repeats"] == 2 and r["timed_tests"] == 2
        assert r["ci_low_ns"] <= r["median_ns"] <= r["ci_high_ns"]
        assert r["ref_time_ns"] > 0 and r["ref_solution_id"].startswith(r["task_id"])
        assert r["ref_times_ns"] == [r["ref_time_ns"]] and r["max_rss_kb"] > 0
        assert len(r["test_times_ns"]) == 2
    # the two methods' samples of task a and the reference were timed in the same rounds
    assert by[(a, "gen", 0)]["ref_time_ns"] == by[(a, "ext", 0)]["ref_time_ns"]

    assert summary["samples"] == 6 + 2 and summary["unreadable_inputs"] == 1
    assert summary["verdicts"]["gen"] == {"AC": 2, "WA": 1, "NO_PROGRAM": 1, "GEN_ERROR": 1,
                                          "SKIP": 1}
    assert summary["timed"] == 3 == summary["with_reference"]
    report = capsys.readouterr().out
    assert "pinned to a CPU each" in report and "name no task" in report

    # a rerun skips every task and rewrites nothing
    mtimes = {p: p.stat().st_mtime for p in (out / "results").glob("*.parquet")}
    again = run(cfg)
    assert again["resumed_tasks"] == again["tasks"] == 3
    assert {p: p.stat().st_mtime for p in (out / "results").glob("*.parquet")} == mtimes
    # other settings would mix measurements: refused, naming the setting
    with pytest.raises(ValueError, match="repeat: 2 → 3"):
        run(cfg_for(out, cfg.samples, repeat=3))


def test_a_a_one_sample_set_under_two_names(ray_session, work_dir):
    """A/A: the same programs under two method names. Their times differ only by noise, so
    ER's interval holds 50 % and AS's holds 1.0. Timing all 31 mini tasks (one fast correct
    solution each, 6 repeats on every test, no reference) takes about a minute on 2 cores.

    A 95 % interval misses the truth in 5 % of runs even when nothing is wrong; the bar is
    checked at 99 % so the suite fails 1 run in 100 by chance, and a biased timer (say one
    method always timed first into a fast or slow phase: ER 0.8 here) still fails it."""
    path = work_dir / "aa.jsonl"
    path.write_text("".join(json.dumps({"task_id": t, "solution": fastest_correct(t)}) + "\n"
                            for t in MINI))
    out = work_dir / "out"
    run(cfg_for(out, [f"{path}:A", f"{path}:B"], repeat=6, timed_tests=None, references=0))
    rows = table(out)
    assert len(rows) == 2 * len(MINI) and all(r["verdict"] == "AC" for r in rows)
    summary = compare(CompareConfig(runs=[str(out)], baseline="A", out=str(work_dir / "rep"),
                                    level=0.99))
    b = summary.metrics["methods"]["B"]
    assert b["ER"]["tasks"] == len(MINI) and b["ER"]["ties"] < len(MINI) // 2  # timed apart
    assert b["ER"]["ci"][0] <= 0.5 <= b["ER"]["ci"][1], b["ER"]
    assert b["AS"]["ci"][0] <= 1.0 <= b["AS"]["ci"][1], b["AS"]
    assert b["pass@1"]["value"] == 1.0


# ----------------------------------------------------------------------------- HumanEval+
# EvalPlus 0.3.1's own evaluator on a subset of HumanEval+: its ground truth (the canonical
# solutions run by `get_groundtruth`) and `check_correctness` on each sample, with its
# defaults, exactly as `evalplus.evaluate` calls them (which refuses a subset of tasks).
EVALPLUS = r"""
import hashlib, json, sys
from evalplus.data import get_human_eval_plus, load_solutions
from evalplus.evaluate import check_correctness, get_groundtruth

samples, tasks = sys.argv[1], sys.argv[2].split(",")
problems = {t: p for t, p in get_human_eval_plus().items() if t in tasks}
key = hashlib.md5(",".join(sorted(tasks)).encode()).hexdigest()  # its ground-truth cache key
expected = get_groundtruth(problems, "effiskel-test-" + key, [])
verdicts, n = [], {}
for s in load_solutions(samples):
    p = problems[s["task_id"]]
    code = s["solution"] if "solution" in s else p["prompt"] + s["completion"]
    i = n[s["task_id"]] = n.get(s["task_id"], -1) + 1
    r = check_correctness("humaneval", i, p, code, expected[s["task_id"]], fast_check=True)
    verdicts.append([s["task_id"], i, r["base"][0], r["plus"][0]])
print(json.dumps(verdicts))
"""
HUMANEVAL_TASKS = ["HumanEval/0", "HumanEval/2", "HumanEval/12", "HumanEval/32", "HumanEval/101",
                   "HumanEval/137"]


def mutants(code: str) -> list[str]:
    """The canonical program with one comparison flipped, then one integer constant moved
    by one: bugs that still run, which only some tests catch."""
    import ast

    flips = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
             ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
    out = []
    for kind in ("compare", "constant"):
        tree = ast.parse(code)
        for node in ast.walk(tree):
            if kind == "compare" and isinstance(node, ast.Compare) and type(node.ops[0]) in flips:
                node.ops[0] = flips[type(node.ops[0])]()
                out.append(ast.unparse(tree))
                break
            if (kind == "constant" and isinstance(node, ast.Constant)
                    and type(node.value) is int):
                node.value += 1
                out.append(ast.unparse(tree))
                break
    return out


def test_pass_fail_agrees_with_evalplus_on_humanevalplus(ray_session, work_dir, build_dir):
    """Every sample's pass/fail on HumanEval+ (base and plus tests) is EvalPlus's own. Six
    tasks (floats within atol, a None result, find_zero's special oracle, strings, mixed
    types), each with its canonical solution as a whole program and as a completion, its
    mutants and broken programs: about two minutes, most of it EvalPlus's processes."""
    pytest.importorskip("evalplus", reason="EvalPlus's evaluator is the reference here: "
                        "pip install -e '.[bench]' && pip install --no-deps evalplus==0.3.1")
    gz = shared_data("evalplus", "humanevalplus_release", "HumanEvalPlus.jsonl.gz")
    problems = {}
    import gzip

    with gzip.open(gz, "rt") as f:
        for line in f:
            rec = json.loads(line)
            if rec["task_id"] in HUMANEVAL_TASKS:
                problems[rec["task_id"]] = rec
    lines, kinds = [], []
    for t in HUMANEVAL_TASKS:
        p = problems[t]
        canonical = p["prompt"] + p["canonical_solution"]
        entry = p["entry_point"]
        cases = [("canonical", {"solution": canonical}),
                 ("completion", {"completion": p["canonical_solution"]})]
        cases += [("mutant", {"solution": m}) for m in mutants(canonical)]
        cases += [("broken", {"solution": canonical.replace("def ", "def (", 1)}),
                  ("broken", {"solution": f"def {entry}(*args):\n    raise RuntimeError('no')\n"}),
                  ("broken", {"solution": f"def {entry}(*args):\n    return None\n"})]
        for kind, body in cases:
            lines.append({"task_id": t, **body})
            kinds.append(kind)
    path = work_dir / "he.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))

    out = work_dir / "out"
    run(EvaluateConfig(source="humanevalplus", data=str(gz), samples=[f"{path}:m"],
                       out=str(out), repeat=1, timed_tests=1, workers=2, progress=False))
    ours = {(r["task_id"], r["sample_id"]): r["verdict"] == "AC" for r in table(out)}

    env = {**os.environ, "HUMANEVAL_OVERRIDE_PATH": str(gz),
           "XDG_CACHE_HOME": str(build_dir / "evalplus-cache")}
    proc = subprocess.run([sys.executable, "-c", EVALPLUS, str(path), ",".join(HUMANEVAL_TASKS)],
                          capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    theirs = {(f"humanevalplus/{t.split('/')[1]}", i): base == "pass" and plus == "pass"
              for t, i, base, plus in json.loads(proc.stdout.strip().splitlines()[-1])}
    assert len(theirs) == len(lines) == len(ours)
    # EvalPlus 0.3.1 fails every find_zero (HumanEval/32) sample, its own canonical solution
    # included: its special-oracle branch asserts |poly(xs, x)| <= atol and then `continue`s
    # past the lines that mark the test passed and advance `progress`, so `details` comes
    # back empty and `untrusted_check` turns PASS into FAIL. Ours judges by the same oracle
    # (effiskel/tasks/evalplus.py) and passes what it accepts: the only disagreement.
    bug = "humanevalplus/32"
    assert not any(v for (t, _), v in theirs.items() if t == bug)
    disagree = [(k, ours[k], theirs[k]) for k in theirs if ours[k] != theirs[k] and k[0] != bug]
    assert not disagree, disagree
    order = Counter()
    keys = []  # (task id, sample id) of each line, in file order
    for x in lines:
        t = f"humanevalplus/{x['task_id'].split('/')[1]}"
        keys.append((t, order[t]))
        order[t] += 1
    passed = Counter(kind for kind, k in zip(kinds, keys) if ours[k])
    assert passed["canonical"] == passed["completion"] == len(HUMANEVAL_TASKS)
    assert passed["broken"] == 0
    assert 0 < Counter(kinds)["mutant"] - passed["mutant"], "no mutant failed: a weak test"
    assert passed["mutant"] > 0, "every mutant failed: a weak test of what passes"


# ----------------------------------------------------------------------------- ENAMEL
# Tasks on which ENAMEL's expert references are at least 4x faster than HumanEval's
# canonical solutions at ENAMEL's largest level, with canonicals fast enough to time six
# times on every level (a full run here, both sets on all 142 problems: the references
# faster on 84 of the 115 both solve, ER 73 %; 20 canonicals over the time limit).
# (enamel/64 would qualify, but its canonical fails a level-0 edge case of ENAMEL's.)
ENAMEL_TASKS = ["enamel/11", "enamel/25", "enamel/48", "enamel/50", "enamel/93", "enamel/118",
                "enamel/125"]


def test_enamel_references_beat_humaneval_canonical(ray_session, work_dir):
    """A known answer on real data, with evaluate's defaults (every ENAMEL level, 20 tests,
    6 repeats): ENAMEL's references against HumanEval's canonical solutions as two
    methods. The references win: ER's 95 % interval lies above 50 %, AS > 1, and ENAMEL's
    eff@1 ranks them first (the reference scores about 1 against itself). Seven tasks,
    about two minutes."""
    data = shared_data("enamel")
    samples = data / "samples"
    out = work_dir / "out"
    run(EvaluateConfig(source="enamel", data=str(data), tasks=ENAMEL_TASKS, out=str(out),
                       samples=[f"{samples / 'enamel-references.json'}:enamel",
                                f"{samples / 'humaneval-canonical.json'}:canonical"],
                       workers=2, progress=False))
    rows = table(out)
    assert len(rows) == 2 * len(ENAMEL_TASKS) and all(r["verdict"] == "AC" for r in rows)
    assert all(r["timed_tests"] == 20 and r["repeats"] == 6 for r in rows)
    assert all(r["eff_score"] is not None and r["ref_time_ns"] > 0 for r in rows)
    summary = compare(CompareConfig(runs=[str(out)], baseline="canonical",
                                    out=str(work_dir / "rep")))
    m = summary.metrics["methods"]
    er, as_ = m["enamel"]["ER"], m["enamel"]["AS"]
    assert er["ci"][0] > 0.5, er
    assert as_["value"] > 1.5 and as_["ci"][0] > 1.0, as_
    assert m["enamel"]["eff@1"]["value"] > m["canonical"]["eff@1"]["value"]
    assert 0.8 < m["enamel"]["eff@1"]["value"] < 1.2  # the reference timed beside itself
