"""Both modes on real benchmark tasks from ../shared/data (skipped when absent).

HumanEval: each canonical solution passes its own `check(candidate)` asserts
(run as a stdio program that must finish silently); a mutated solution fails.
HumanEval+: call mode on EvalPlus's inputs; expected outputs are captured from
the canonical solution (as EvalPlus does), the canonical solution then passes
and a mutated one fails on every task.
"""

from __future__ import annotations

import gzip
import json

import pytest

from effiskel.sandbox import Limits, Sandbox, TestCase, Verdict, values
from tests.conftest import shared_data


def _rows(path):
    with gzip.open(path, "rt") as f:
        return [json.loads(line) for line in f]


def _mutant(program: str, entry: str) -> str:
    """Wrap the entry point so that it always returns something else."""
    return program + (
        f"\n_original_{entry} = {entry}\n"
        f"def {entry}(*args, **kwargs):\n"
        f"    r = _original_{entry}(*args, **kwargs)\n"
        "    return list(r) + ['mutant'] if isinstance(r, (list, tuple)) else ('mutant', r)\n"
    )


@pytest.fixture(scope="module")
def sb(build_dir):
    with Sandbox(Limits(cpu_time_s=5, wall_time_s=10), scratch_root=build_dir) as s:
        yield s


def test_humaneval_canonical_passes_check_and_mutant_fails(sb):
    rows = _rows(shared_data("humaneval", "data", "HumanEval.jsonl.gz"))
    assert len(rows) == 164
    failures, survivors = [], []
    for row in rows:
        solution = row["prompt"] + row["canonical_solution"]
        harness = "\n" + row["test"] + f"\ncheck({row['entry_point']})\n"
        ok = sb.run(solution + harness, [TestCase("", "")])
        if ok.verdict != Verdict.AC:
            failures.append((row["task_id"], ok.detail))
        bad = sb.run(_mutant(solution, row["entry_point"]) + harness, [TestCase("", "")])
        if bad.verdict == Verdict.AC:
            survivors.append(row["task_id"])
    assert failures == []
    assert survivors == []


def test_humanevalplus_call_mode(sb):
    rows = _rows(shared_data("evalplus", "humanevalplus_release", "HumanEvalPlus.jsonl.gz"))
    failures, survivors = [], []
    for row in rows:
        solution = row["prompt"] + row["canonical_solution"]
        inputs = row["base_input"] + row["plus_input"][:5]
        tests = [TestCase(values.to_literal(args), None) for args in inputs]
        kw = dict(mode="call", entry_point=row["entry_point"], float_tolerance=row["atol"])
        captured = sb.run(solution, tests, **kw)
        assert captured.verdict == Verdict.AC, (row["task_id"], captured.detail)
        judged = [TestCase(t.input, r.output) for t, r in zip(tests, captured.tests)]
        again = sb.run(solution, judged, **kw)
        if again.verdict != Verdict.AC:
            failures.append((row["task_id"], again.detail))
        if sb.run(_mutant(solution, row["entry_point"]), judged, **kw).verdict == Verdict.AC:
            survivors.append(row["task_id"])
    assert failures == []
    assert survivors == []
